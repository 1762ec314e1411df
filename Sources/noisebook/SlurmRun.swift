import AtomicWrite
import Foundation
import Runner
import Slurm

/// `noisebook run --slurm`: the cells with work left go to Slurm as job arrays, one per
/// wave, a task per notebook (or per cell, where a notebook's model cells are independent)
/// running `noisebook run --slurm-task` against the project's cache; the terminal follows
/// the tasks' progress files, and when they are done the site is assembled here from the
/// cache.
struct SlurmRun: Sendable {
    /// The options of `run` that only `--slurm` takes, and the flag itself.
    static let valued: Set<String> = ["--partition", "--time", "--cpus-per-task", "--sbatch"]
    static let flags: Set<String> = ["--slurm"]
    /// The option of the run a task's job script starts (`run --slurm-task FOLDER`).
    static let taskOption = "--slurm-task"
    /// How often the tasks' states and progress are read.
    static let pollInterval: TimeInterval = 1
    /// How long Slurm may fail to answer before the command gives up following the job
    /// (the tasks go on; the next run finds what they finished).
    static let silenceLimit: TimeInterval = 300

    let setup: RunSetup
    let parsed: OptionParser
    /// Told of each task's latest event with its notebook (relative to the project), as the
    /// terminal shows it: how `preview --slurm` shows the tasks' progress on their pages.
    var onEvent: (@Sendable (String, RunEvent) -> Void)?

    /// The folder of one submission: its notebook list, job script, task logs, progress
    /// files and the tasks' own sites.
    static func folder(root: String) -> String {
        let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withYear, .withMonth, .withDay, .withTime])
        return "\(root)/.noisebook/slurm/\(stamp)-\(getpid())"
    }

    func run() throws -> Int32 {
        let request = try Self.request(parsed)
        let tool = try SlurmTool()
        let runner = setup.runner()
        // The project stays locked through planning, the tasks and the assembly, so no
        // local run writes the site meanwhile; the tasks lock their notebooks instead.
        guard let lock = try runner.projectLock() else { return ExitCode.interrupted }
        defer { lock.release() }
        let root = setup.options.projectRoot
        let waves = Self.waves(try runner.plan(), root: root)
        var failures = [String]()
        if waves.isEmpty {
            setup.log.summary("noisebook: every cell is cached; nothing to submit to Slurm")
        }
        let submission = Self.folder(root: root)
        var failedNotebooks = Set<String>()
        for (number, wave) in waves.enumerated() {
            // A notebook with a failed task has its later cells left for the next run: they
            // read what it should have computed.
            let tasks = wave.filter { !failedNotebooks.contains($0.notebook) }
            if tasks.isEmpty { continue }
            let folder = SubmissionFolder(path: waves.count == 1 ? submission : "\(submission)/wave-\(number + 1)")
            try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
            try AtomicFileWriter.write(Array(tasks.map(\.line).joined().utf8), to: folder.taskList)
            try AtomicFileWriter.write(Array(jobScript(folder: folder.path).utf8), to: folder.jobScript)
            chmod(folder.jobScript, 0o755)
            let job = try SlurmJob.submit(script: folder.jobScript, count: tasks.count, logPattern: folder.logPattern,
                                          request: request, tool: tool)
            let what = tasks.allSatisfy { $0.cells == nil }
                ? "\(tasks.count) notebook\(tasks.count == 1 ? "" : "s")" : "\(tasks.count) task\(tasks.count == 1 ? "" : "s")"
            let wave = waves.count == 1 ? "" : " (wave \(number + 1) of \(waves.count))"
            setup.log.summary("noisebook: submitted Slurm job \(job.id)\(wave): \(what) (\(Runner.display(folder.path, root: root)))")
            guard let finished = try follow(job, tasks: tasks, folder: folder) else {
                try? job.cancel()
                printError("noisebook: interrupted; cancelled Slurm job \(job.id) (scancel); finished cells are cached, the rest will run next time")
                return ExitCode.interrupted
            }
            for (index, task) in tasks.enumerated() where finished[index]?.succeeded != true {
                let what = finished[index]?.failure ?? "no longer known to Slurm"
                failures.append("\(task.label): Slurm task \(job.id)_\(index) \(what); log: \(Runner.display(folder.log(index), root: root))")
                failedNotebooks.insert(task.notebook)
            }
        }
        for failure in failures { printError("noisebook: " + failure) }
        // The site, from the cache: cells no task finished stay unrun, with a note.
        var options = setup.options
        options.locking = .heldByCaller
        options.unservedCellNote = "its Slurm task did not compute it; run the same command again to submit what is left"
        let summary = try Runner(options: options, log: setup.log) { [resolver = setup.resolver] in try resolver.choose($0) }.run()
        return failures.isEmpty ? summary.exitCode : ExitCode.notebookError
    }

    /// One array task: a notebook, or some of its cells (0-based).
    struct ClusterTask: Equatable {
        let notebook: String
        let cells: [Int]?

        /// Its line in notebooks.txt: the notebook, and a tab and the cells (1-based) when it
        /// computes only those.
        var line: String { notebook + (numbers.map { "\t" + $0.joined(separator: ",") } ?? "") + "\n" }

        /// How the terminal names it.
        var label: String { notebook + (numbers.map { " cell" + ($0.count == 1 ? " " : "s ") + $0.joined(separator: ", ") } ?? "") }

        /// The cells as people and notebooks.txt count them, from 1.
        private var numbers: [String]? { cells?.map { String($0 + 1) } }

        /// The task of a notebooks.txt line.
        init?(line: Substring) {
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard let first = parts.first, !first.isEmpty else { return nil }
            notebook = String(first)
            if parts.count == 2 {
                let numbers = parts[1].split(separator: ",").compactMap { Int($0) }
                guard !numbers.isEmpty, numbers.allSatisfy({ $0 >= 1 }) else { return nil }
                cells = numbers.map { $0 - 1 }
            } else {
                cells = nil
            }
        }

        init(notebook: String, cells: [Int]?) {
            self.notebook = notebook
            self.cells = cells
        }
    }

    /// The tasks of each wave: a notebook whose plan has a wave of several cells that run the
    /// model is split into a task per cell, wave by wave (its independent cells run side by
    /// side); any other runs whole in the first wave, saving a model load per cell.
    static func waves(_ plans: [NotebookPlan], root: String) -> [[ClusterTask]] {
        var waves = [[ClusterTask]]()
        func add(_ task: ClusterTask, to wave: Int) {
            while waves.count <= wave { waves.append([]) }
            waves[wave].append(task)
        }
        for plan in plans {
            let notebook = Runner.display(plan.notebook, root: root)
            guard plan.hasIndependentModelCells else {
                add(ClusterTask(notebook: notebook, cells: nil), to: 0)
                continue
            }
            for (wave, cells) in plan.cellsByWave.enumerated() {
                for cell in cells { add(ClusterTask(notebook: notebook, cells: [cell]), to: wave) }
            }
        }
        return waves
    }

    /// Follows `job` until every task has finished, printing each task's state and progress
    /// when it changes; nil when Ctrl-C asks to stop.
    private func follow(_ job: SlurmJob, tasks: [ClusterTask], folder: SubmissionFolder) throws -> [Int: ArrayTask]? {
        var shown = [Int: String]()
        var last = [Int: ArrayTask]()
        var unreadSince: Date?
        while true {
            if setup.options.isCancelled() { return nil }
            let states: [Int: ArrayTask]
            do {
                states = try job.tasks()
                unreadSince = nil
            } catch {
                // A busy controller does not answer at times; only a long silence ends the wait.
                let since = unreadSince ?? Date()
                if unreadSince == nil { printError("noisebook: cannot read Slurm job \(job.id)'s state (\(error)); trying again") }
                unreadSince = since
                guard Date().timeIntervalSince(since) < Self.silenceLimit else { throw error }
                Thread.sleep(forTimeInterval: Self.pollInterval)
                continue
            }
            // A job Slurm has forgotten is over; its last known states stand.
            if states.isEmpty, !last.isEmpty { return last }
            for (index, task) in states { last[index] = task }
            for index in tasks.indices {
                let state = last[index]?.state ?? "PENDING"
                let event = TaskProgress.read(folder.progress(index))
                let progress = state == "PENDING" ? nil : event.map(TaskProgress.describe)
                let line = "\(tasks[index].label): \(state.lowercased())" + (progress.map { ", \($0)" } ?? "")
                if shown[index] != line {
                    setup.log.summary("noisebook: [slurm \(job.id)_\(index)] \(line)")
                    shown[index] = line
                    if let event { onEvent?(tasks[index].notebook, event) }
                }
            }
            if tasks.indices.allSatisfy({ last[$0]?.isFinished == true }) { return last }
            Thread.sleep(forTimeInterval: Self.pollInterval)
        }
    }

    /// The batch script each task runs: this noisebook, in the project, on its notebook.
    private func jobScript(folder: String) -> String {
        let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
        let command = [executable, "run", Self.taskOption, folder, "--project", setup.options.projectRoot] + setup.taskArguments
        return """
            #!/bin/sh
            # Written by noisebook run --slurm: task N runs line N+1 of notebooks.txt.
            exec \(command.map(Self.quoted).joined(separator: " "))

            """
    }

    /// `text` quoted for sh.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The scheduler options of the command line.
    static func request(_ parsed: OptionParser) throws -> SlurmJob.Request {
        var request = SlurmJob.Request()
        request.partition = parsed.value("--partition")
        request.time = parsed.value("--time")
        if let cpus = parsed.value("--cpus-per-task") {
            guard let count = Int(cpus), count >= 1 else {
                throw UsageError(description: "--cpus-per-task: expected a positive number, got '\(cpus)'")
            }
            request.cpusPerTask = count
        }
        request.extra = parsed.all("--sbatch")
        return request
    }
}
