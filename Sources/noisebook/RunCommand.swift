import Foundation
import Notebook
import Pipeline
import Runner

/// `noisebook run`: notebooks into the site.
struct RunCommand {
    let arguments: [String]

    /// The options `run` and `preview` share; each adds its own.
    static let valued: Set<String> = ["--out", "--cache", "--allow", "--weights", "--weights2", "--embeddings", "--model", "--project",
                                      "--precision"]
    static let flags: Set<String> = ["--fresh", "--no-call-cache", "--embed", "--no-wait", "--submission"]

    func run() throws -> Int32 {
        let parsed = try OptionParser(arguments, valued: Self.valued.union(SlurmRun.valued).union([SlurmRun.taskOption]), flags: Self.flags.union(SlurmRun.flags))
        if !parsed.flag("--slurm") {
            for name in SlurmRun.valued where parsed.value(name) != nil {
                throw UsageError(description: "\(name) is an option of --slurm; add --slurm to run on the cluster")
            }
        }
        let interrupt = Interrupt.install()
        var setup = try RunSetup(parsed, isCancelled: { interrupt.isRequested })
        if parsed.flag("--slurm") {
            guard parsed.value(SlurmRun.taskOption) == nil else { throw UsageError(description: "--slurm and --slurm-task do not go together") }
            return try SlurmRun(setup: setup, parsed: parsed).run()
        }
        if let folder = parsed.value(SlurmRun.taskOption) {
            guard parsed.positional.isEmpty else { throw UsageError(description: "--slurm-task runs the notebook its task index names; give no paths") }
            try setup.becomeTask(folder: ProjectPaths.absolute(folder, from: FileManager.default.currentDirectoryPath))
        }
        let summary = try setup.runner().run()
        if interrupt.isRequested {
            printError("noisebook: interrupted; finished cells are cached, the rest will run next time")
            return ExitCode.interrupted
        }
        return summary.exitCode
    }
}

/// A run as the command line describes it: the project, the options, the log and the models.
struct RunSetup {
    var options: RunOptions
    let log: RunLog
    let resolver: ModelResolver

    /// Reads the shared options of `parsed`. Paths given on the command line are relative to
    /// where it was typed; then the process moves to the project root, which the defaults
    /// (Notebooks/, Output/, .noisebook/) are relative to.
    init(_ parsed: OptionParser, isCancelled: @escaping @Sendable () -> Bool) throws {
        let here = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String { ProjectPaths.absolute(path, from: here) }
        for path in parsed.positional {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: absolute(path), isDirectory: &isFolder) else {
                throw UsageError(description: "\(path): no such notebook or folder")
            }
            guard isFolder.boolValue || path.hasSuffix(".md") else {
                throw UsageError(description: "\(path): not a notebook (.md) or a folder of notebooks")
            }
        }
        let root = parsed.value("--project").map(absolute) ?? ProjectRoot.find(from: here)
        guard FileManager.default.changeCurrentDirectoryPath(root) else {
            throw UsageError(description: "--project: cannot use '\(root)' as the project folder")
        }
        var options = RunOptions(version: BuildIdentity.current(version: noisebookVersion))
        options.projectRoot = root
        options.paths = parsed.positional.isEmpty ? ["Notebooks"] : parsed.positional.map(absolute)
        options.outputFolder = parsed.value("--out").map(absolute) ?? "Output"
        options.cacheFolder = parsed.value("--cache").map(absolute) ?? ".noisebook/cache"
        options.submission = parsed.flag("--submission")
        // Both checked before anything runs: a typo, or bf16 on a CPU without it, writes nothing.
        var precision: Precision?
        if let name = parsed.value("--precision") {
            do {
                precision = try Precision(named: name)
                _ = try precision?.kernel()
            } catch {
                throw UsageError(description: "--precision \(name): \(error)")
            }
        }
        if let model = parsed.value("--model") {
            do { _ = try ModelCatalog.entry(named: model) } catch {
                throw UsageError(description: "--model \(model): \(error)")
            }
        }
        options.fresh = parsed.flag("--fresh")
        options.reuseCalls = !parsed.flag("--no-call-cache")
        options.embedImages = parsed.flag("--embed")
        options.waitForLock = !parsed.flag("--no-wait")
        options.allowedFolders = parsed.all("--allow").map(absolute)
        options.isCancelled = isCancelled
        self.options = options
        log = RunLog(interactive: isatty(STDERR_FILENO) != 0) { text in
            FileHandle.standardError.write(Data(text.utf8))
        }
        log.summary("noisebook: project \(root)")
        let request = ModelRequest(model: parsed.value("--model"), weights: parsed.value("--weights").map(absolute),
                                   weights2: parsed.value("--weights2").map(absolute),
                                   embeddings: parsed.value("--embeddings").map(absolute), precision: precision)
        resolver = ModelResolver(projectRoot: options.projectRoot, commandLine: request, warn: { printError($0) })
        // What a cluster task needs to run as this command would: the options that change
        // results or where they are kept, with paths made absolute.
        var forwarded = [String]()
        for name in ["--model", "--precision"] { if let value = parsed.value(name) { forwarded += [name, value] } }
        for name in ["--cache", "--weights", "--weights2", "--embeddings"] {
            if let value = parsed.value(name) { forwarded += [name, absolute(value)] }
        }
        for folder in parsed.all("--allow") { forwarded += ["--allow", absolute(folder)] }
        for name in ["--fresh", "--no-call-cache"] where parsed.flag(name) { forwarded.append(name) }
        taskArguments = forwarded
    }

    /// The options a cluster task is given (`run --slurm` writes them into its job script).
    let taskArguments: [String]

    /// Makes this the run of one Slurm array task of the submission in `folder`: the
    /// notebook (or its cells) on line SLURM_ARRAY_TASK_ID + 1 of its notebooks.txt, under a lock,
    /// its site kept apart (the submitting command assembles the real one), and its progress
    /// written to `task-N.progress` for the submitting command to show.
    mutating func becomeTask(folder: String) throws {
        let submission = SubmissionFolder(path: folder)
        let environment = ProcessInfo.processInfo.environment
        guard let text = environment["SLURM_ARRAY_TASK_ID"], let index = Int(text), index >= 0 else {
            throw UsageError(description: "--slurm-task runs inside a Slurm array task, and SLURM_ARRAY_TASK_ID is not set")
        }
        let list = submission.taskList
        guard let lines = try? String(contentsOfFile: list, encoding: .utf8).split(separator: "\n") else {
            throw UsageError(description: "--slurm-task: cannot read \(list)")
        }
        guard index < lines.count else {
            throw UsageError(description: "--slurm-task: task \(index) has no notebook in \(list) (\(lines.count) listed)")
        }
        guard let task = SlurmRun.ClusterTask(line: lines[index]) else {
            throw UsageError(description: "--slurm-task: \(list):\(index + 1): not a notebook and its cells")
        }
        options.paths = [ProjectPaths.absolute(task.notebook, from: options.projectRoot)]
        options.onlyCells = task.cells.map(Set.init)
        options.outputFolder = submission.site(index)
        options.locking = .perNotebook(folder: options.projectRoot + "/.noisebook/locks")
        log.observer = TaskProgress(path: submission.progress(index)).record
    }

    /// A runner for these options.
    func runner() -> Runner {
        let resolver = self.resolver
        return Runner(options: options, log: log) { try resolver.choose($0) }
    }
}

/// Paths as the user typed them, made absolute against the folder they typed them in.
enum ProjectPaths {
    /// `path` if absolute, else `path` below `folder`, standardized.
    static func absolute(_ path: String, from folder: String) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: folder).appendingPathComponent(path)
        return url.standardizedFileURL.path
    }
}
