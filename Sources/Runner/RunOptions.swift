import Foundation

/// What to run and where results go.
public struct RunOptions: Sendable {
    /// Notebooks or folders of notebooks.
    public var paths: [String] = ["Notebooks"]
    /// Where pages, images and the index are written.
    public var outputFolder = "Output"
    /// The cell cache's folder.
    public var cacheFolder = ".noisebook/cache"
    /// The project folder: cells may only use files inside it (and `allowedFolders`).
    public var projectRoot = FileManager.default.currentDirectoryPath
    /// Put images inside the pages as `data:` URLs, so each page is a single file.
    public var embedImages = false
    /// Ignore cached results (they are still written).
    public var fresh = false
    /// Whether single model calls are reused through the call cache (else whole cells only).
    public var reuseCalls = true
    /// Extra folders cells may read and write.
    public var allowedFolders: [String] = []
    /// noisebook's version, part of every cache key.
    public var version: String
    /// Pages to hand in: no cache badges or timings on them.
    public var submission = false
    /// The file locked for the whole run (default `<projectRoot>/.noisebook/lock`).
    public var lockFile: String?
    /// How the run keeps other writers of the project's cache and site out.
    public var locking = Locking.project
    /// What a cell the cache cannot serve does: run (the default), or, in a run that only
    /// assembles pages from what others computed, stay unrun with this note on its page.
    public var unservedCellNote: String?
    /// The cells (0-based) this run computes when the cache cannot serve them; the others
    /// it leaves unrun (a cluster task computing some cells of a notebook). nil: all.
    public var onlyCells: Set<Int>?
    /// When another run holds the lock: wait for it (true) or fail with
    /// `RunnerError.locked` (false).
    public var waitForLock = true
    /// Polled between statements and model steps; true stops the run.
    public var isCancelled: @Sendable () -> Bool = { false }

    /// Options with defaults for everything but the version.
    public init(version: String) {
        self.version = version
    }
}

/// What a run did, for the summary line and the exit status.
/// How a run keeps other writers of the project out.
public enum Locking: Sendable, Equatable {
    /// The project lock for the whole run (`flock` on `lockFile`): one run at a time.
    case project
    /// A `NotebookLock` per notebook while it runs, in this folder: the runs of a cluster's
    /// tasks, which share one cache across hosts and each write a site of their own.
    case perNotebook(folder: String)
    /// The caller holds the project lock already (`run --slurm` holds it while its tasks run
    /// and then assembles the site).
    case heldByCaller
}

public struct RunSummary: Sendable {
    /// Notebooks run.
    public var notebooks = 0
    /// Notebooks that could not be read or parsed.
    public var brokenNotebooks = 0
    /// Cells in all notebooks.
    public var cells = 0
    /// Cells served from the cache.
    public var cached = 0
    /// Cells run now.
    public var executed = 0
    /// Cells that failed.
    public var failed = 0
    /// Cells not run because they read what a failed cell should have defined.
    public var skipped = 0
    /// Deliverables tables that could not be read.
    public var brokenTables = 0
    /// Cells a run of some cells (`RunOptions.onlyCells`) left to other tasks.
    public var leftToOtherTasks = 0

    /// 0 when everything ran, 65 when a notebook, a cell or a deliverables table failed (EX_DATAERR).
    public var exitCode: Int32 { brokenNotebooks + failed + skipped + brokenTables > 0 ? 65 : 0 }

    /// "14 notebooks, 45 cells: 40 cached, 4 ran, 1 failed" (and "3 skipped" when any were).
    public var counts: String {
        func plural(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        var text = "\(plural(notebooks, "notebook")), \(plural(cells, "cell")): \(cached) cached, \(executed) ran, \(failed) failed"
        if skipped > 0 { text += ", \(skipped) skipped" }
        if leftToOtherTasks > 0 { text += ", \(leftToOtherTasks) left to other tasks" }
        if brokenNotebooks > 0 { text += "; \(plural(brokenNotebooks, "notebook")) could not be run" }
        if brokenTables > 0 { text += "; \(plural(brokenTables, "deliverables table")) could not be read" }
        return text
    }
}
