import AtomicWrite
import Bindings
import Diagnostics
import Pipeline
import Foundation
import Notebook
import Report

/// Runs notebooks into the submission site: each notebook's cells against the cache, then
/// one page per notebook and the index.
public final class Runner {
    private let options: RunOptions
    private let models: @Sendable (ModelRequest) throws -> ModelChoice
    private let log: RunLog

    /// A runner; `models` picks each notebook's model from what its front matter asks for.
    public init(options: RunOptions, log: RunLog, models: @escaping @Sendable (ModelRequest) throws -> ModelChoice) {
        self.options = options
        self.models = models
        self.log = log
    }

    /// Runs every notebook and writes the site; throws only for problems of the run itself
    /// (unreadable paths, an unwritable output folder), never for a failing cell.
    public func run() throws -> RunSummary {
        let notebooks = try NotebookDiscovery.notebooks(in: options.paths)
        // One run at a time per project, so two runs never write the same cache entry or
        // page at once. The lock is held until this function returns.
        var lock: ProjectLock?
        if options.locking == .project {
            guard let taken = try projectLock() else { return RunSummary() }
            lock = taken
        }
        defer { lock?.release() }
        // Temporary files of a run that was killed mid-write are never read; clear them.
        StaleTemporaries.remove(in: [options.cacheFolder, options.outputFolder])
        let cache = CellCache(root: options.cacheFolder)
        let site = try Site(folder: options.outputFolder, embedImages: options.embedImages, submission: options.submission)
        var summary = RunSummary()
        let start = Date()
        var tables = DeliverableTables(root: options.projectRoot)

        for path in notebooks {
            if options.isCancelled() { break }
            summary.notebooks += 1
            let displayPath = Self.display(path, root: options.projectRoot)
            var notebookLock: NotebookLock?
            if case .perNotebook(let folder) = options.locking {
                // Tasks computing different cells of one notebook run side by side.
                let locked = displayPath + (options.onlyCells.map { "#" + $0.sorted().map(String.init).joined(separator: ",") } ?? "")
                notebookLock = try NotebookLock.acquire(NotebookLock.path(for: locked, in: folder), isCancelled: options.isCancelled) { [log] holder in
                    log.error("noisebook: \(displayPath) is being run elsewhere (\(holder)); waiting for it to finish...")
                }
                if notebookLock == nil { break }
            }
            defer { notebookLock?.release() }
            let page: PageInput
            do {
                let (document, absolute, folder, model) = try open(path, displayPath: displayPath)
                log.notebook(displayPath, model: model.displayName)
                log.notebookStarted(displayPath, page: Site.pageName(for: path))
                let table = tables.table(in: folder, log: log, summary: &summary)
                if site.deliverableTable == nil { site.deliverableTable = table }
                let notebookRun = NotebookRun(document: absolute, displayPath: displayPath, cache: cache,
                                              options: options, model: model, log: log, deliverables: table)
                let outcomes = notebookRun.run()
                // The cells that finished count, also in a notebook the run was interrupted in.
                summary.cells += outcomes.count
                for outcome in outcomes {
                    switch outcome.status {
                    case .cached: summary.cached += 1
                    case .executed: summary.executed += 1
                    case .failed: summary.failed += 1
                    case .skipped: summary.skipped += 1
                    }
                }
                // Cells left to other tasks are not this run's to compute.
                summary.skipped -= notebookRun.leftToOtherTasks
                summary.leftToOtherTasks += notebookRun.leftToOtherTasks
                if notebookRun.cancelled {
                    // The page of an interrupted notebook keeps its last complete version.
                    summary.notebooks -= 1
                    break
                }
                page = try site.publish(document: document, outcomes: outcomes, model: model, cache: cache)
            } catch {
                summary.brokenNotebooks += 1
                // A notebook's own mistakes point into it; any other problem is reported under
                // the notebook with the file it concerns, never at a made-up place in it.
                let diagnostic = Diagnostic(error)
                let message = (error is NotebookError ? diagnostic : Diagnostic(diagnostic.description, file: displayPath))
                    .rendered(program: displayPath)
                log.error(message)
                page = site.errorPage(for: path, displayPath: displayPath, message: message)
            }
            try site.write(page)
            log.notebookFinished(displayPath, page: page.fileName)
        }
        try site.writeIndex()
        let seconds = Date().timeIntervalSince(start)
        log.summary("\(Self.display(options.outputFolder, root: options.projectRoot))/index.html: \(summary.counts), in " + String(format: "%.1f s", seconds))
        return summary
    }

    /// The project lock, waited for as the options say; nil when cancelled while waiting.
    public func projectLock() throws -> ProjectLock? {
        let lockPath = options.lockFile ?? options.projectRoot + "/.noisebook/lock"
        return try ProjectLock.acquire(lockPath, wait: options.waitForLock, isCancelled: options.isCancelled, waiting: { [log] holder in
            log.error("noisebook: another noisebook run (\(holder.map { "pid \($0)" } ?? "pid unknown")) is using this project; waiting for it to finish...")
        })
    }

    /// The notebooks with cells left to compute, each with its cells' waves: a cell whose
    /// inputs are all cached is in wave 1, one that reads what a pending cell defines in the
    /// wave after that cell's. Nothing executes and nothing is written. A notebook that
    /// cannot be read or parsed is not listed, since the site's run reports it without
    /// computing anything.
    public func plan() throws -> [NotebookPlan] {
        var plans = [NotebookPlan]()
        let cache = CellCache(root: options.cacheFolder)
        let silent = RunLog(interactive: false) { _ in }
        for path in try NotebookDiscovery.notebooks(in: options.paths) {
            if options.isCancelled() { break }
            let displayPath = Self.display(path, root: options.projectRoot)
            guard let (_, absolute, _, model) = try? open(path, displayPath: displayPath) else { continue }
            // A plan runs no cell, so no deliverable is checked: the table is not read.
            let run = NotebookRun(document: absolute, displayPath: displayPath, cache: cache, options: options, model: model, log: silent)
            run.plans = true
            _ = run.run()
            if !run.pendingWaves.isEmpty { plans.append(NotebookPlan(notebook: path, waves: run.pendingWaves, modelCells: run.modelCells)) }
        }
        return plans
    }

    private static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunnerError.io(path: path, message: "cannot read the notebook")
        }
        return [UInt8](data)
    }

    /// The notebook at `path` read, parsed (messages name `displayPath`) and given its model,
    /// with a copy that names its absolute path and its folder: what a run and a plan start from.
    private func open(_ path: String, displayPath: String) throws
        -> (document: NotebookDocument, absolute: NotebookDocument, folder: String, model: ModelChoice) {
        let document = try NotebookParser.parse(bytes: try Self.read(path), path: displayPath, vocabulary: .catalog)
        var absolute = document
        absolute.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return (document, absolute, folder, try models(ModelRequest(frontMatter: document.frontMatter, notebookFolder: folder)))
    }

    /// The file name of a notebook's page ("1.7-sdedit.html" for ".../1.7-sdedit.md").
    public static func pageName(for notebook: String) -> String { Site.pageName(for: notebook) }

    /// `path` relative to the project root, as errors show it.
    public static func display(_ path: String, root: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
