import Foundation
import XCTest

/// `noisebook run --slurm` on a real single-node Slurm cluster (Debian's slurm-wlm and
/// munge, started on loopback by tools/slurm/cluster.sh, as root): the site equals a local
/// run's, a cancelled task is reported and finished by the next run with its finished cells
/// served from the cache, Ctrl-C cancels the array, and two tasks writing the same cache
/// entries leave them intact. A machine where the cluster cannot start fails these tests
/// with the reason; they are not skipped.
final class SlurmTests: RobustnessTestCase {
    /// The cluster's state folder: short, since Unix socket paths inside it are limited.
    static let clusterFolder = "/tmp/nbslurm-\(getpid())"
    static let script = URL(fileURLWithPath: testsFolder).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("tools/slurm/cluster.sh").path
    /// Why the cluster did not start, when it did not.
    nonisolated(unsafe) static var startFailure: String?
    nonisolated(unsafe) static var started = false

    override class func setUp() {
        super.setUp()
        guard getuid() == 0 else {
            startFailure = "the test cluster runs its daemons as root, and this test runs as uid \(getuid()); run `make test` as root"
            return
        }
        let (status, output) = Self.cluster("start")
        if status == 0 { started = true } else { startFailure = "tools/slurm/cluster.sh start failed (status \(status)):\n\(output)" }
    }

    override class func tearDown() {
        if started { _ = Self.cluster("stop") }
        try? FileManager.default.removeItem(atPath: clusterFolder)
        super.tearDown()
    }

    /// Runs tools/slurm/cluster.sh; its status and output. Spawned and reaped here rather
    /// than through `Process`, whose wait does not return once the script has left daemons
    /// running in sessions of their own.
    private static func cluster(_ command: String) -> (Int32, String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("nbslurm-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let arguments = ["/bin/bash", script, command, clusterFolder]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, &argv, environ)
        guard spawned == 0 else { return (-1, "cannot start /bin/bash: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitStatus, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        if let reason = Self.startFailure { XCTFail("the Slurm test cluster did not start: \(reason)") }
        try XCTSkipUnless(Self.started, "no cluster (the failure above says why)")
        extraEnvironment["SLURM_CONF"] = Self.clusterFolder + "/slurm.conf"
    }

    /// The interruption tests' notebook (a quick cell, a sampling cell, a cell reading it),
    /// titled `name`, its second cell sampling for `steps` steps.
    static func notebook(_ name: String, steps: Int = 12) -> String {
        InterruptionTests.notebook(steps: steps, title: name)
    }

    /// The site's pages (less timings and badges) and images.
    private func site() throws -> [String: Data] {
        var result = [String: Data]()
        for path in files(under: "Output") {
            let data = try Data(contentsOf: URL(fileURLWithPath: project + "/" + path))
            result[path] = path.hasSuffix(".html") ? Data(InterruptionTests.comparable(String(decoding: data, as: UTF8.self)).utf8) : data
        }
        return result
    }

    func testThreeNotebooksOnSlurmMakeTheSiteALocalRunMakes() throws {
        for name in ["a", "b", "c"] { try write("Notebooks/\(name).md", Self.notebook(name)) }
        let (status, _, err) = try noisebook(["run", "--slurm", "--cpus-per-task", "1", "--time", "10"])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(err.contains(": 3 notebooks ("), err)
        XCTAssertTrue(err.contains("9 cells: 9 cached, 0 ran, 0 failed"), "the site is assembled from the cache:\n\(err)")
        let clustered = try site()

        let saved = project
        defer { project = saved }
        project = FileManager.default.temporaryDirectory.appendingPathComponent("noisebook-local-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: project) }
        for name in ["a", "b", "c"] { try write("Notebooks/\(name).md", Self.notebook(name)) }
        let local = try noisebook(["run"])
        XCTAssertEqual(local.status, 0, local.err)
        let expected = try site()
        XCTAssertEqual(clustered.keys.sorted(), expected.keys.sorted())
        for (path, data) in expected { XCTAssertEqual(clustered[path], data, "\(path) differs from a local run's") }

        project = saved
        let again = try noisebook(["run", "--slurm"])
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertTrue(again.err.contains("nothing to submit to Slurm"), again.err)
    }

    /// Two cells: one samples, the other makes `second`; a third shows both.
    static func wavesNotebook(second: String) -> String {
        """
        ---
        title: Waves
        seed: 3
        model: builtin-mean
        ---
        ```swift
        let a = sample(count: 1, steps: 20)
        show(a, caption: "a")
        ```

        ```swift
        let b = \(second)
        show(b, caption: "b")
        ```

        ```swift
        show([a, b], captions: ["a", "b"])
        ```
        """
    }

    /// Two sampling cells that read nothing of each other run as tasks of their own, side by
    /// side, then the cell that shows both.
    func testIndependentModelCellsRunAsWaves() throws {
        let notebook = Self.wavesNotebook(second: "sample(count: 1, steps: 20, seed: 4)")
        try write("Notebooks/w.md", notebook)
        let (status, _, err) = try noisebook(["run", "--slurm"])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(err.contains("(wave 1 of 2): 2 tasks"), err)
        XCTAssertTrue(err.contains("(wave 2 of 2): 1 task"), err)
        XCTAssertTrue(err.contains("Notebooks/w.md cell 2: completed"), err)
        XCTAssertTrue(err.contains("3 cells: 3 cached, 0 ran"), err)
        let clustered = try site()

        let saved = project
        defer { project = saved }
        project = FileManager.default.temporaryDirectory.appendingPathComponent("noisebook-local-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: project) }
        try write("Notebooks/w.md", notebook)
        XCTAssertEqual(try noisebook(["run"]).status, 0)
        XCTAssertEqual(try site(), clustered, "the waves' site is the local run's")
    }

    /// A notebook whose cell fails in wave 1 keeps its later cells for the next run; another
    /// notebook's second wave still runs.
    func testAFailedCellHoldsBackOnlyItsOwnNotebooksLaterWaves() throws {
        try write("Notebooks/bad.md", Self.wavesNotebook(second: "sample(count: 99, steps: 20)"))
        try write("Notebooks/good.md", Self.wavesNotebook(second: "sample(count: 1, steps: 20, seed: 4)"))
        let (status, _, err) = try noisebook(["run", "--slurm"])
        XCTAssertEqual(status, 65, err)
        XCTAssertTrue(err.contains("(wave 1 of 2): 4 tasks"), err)
        XCTAssertTrue(err.contains("(wave 2 of 2): 1 task"), err)
        XCTAssertTrue(err.contains("noisebook: Notebooks/bad.md cell 2: Slurm task"), err)
        XCTAssertTrue(err.contains("[slurm ") && err.contains("Notebooks/good.md cell 3: completed"), err)
        XCTAssertFalse(err.contains("Notebooks/bad.md cell 3: "), "its reader waits for the next run:\n\(err)")
    }

    func testACancelledTaskIsReportedAndTheNextRunFinishesIt() throws {
        try write("Notebooks/quick.md", Self.notebook("quick"))
        try write("Notebooks/slow.md", Self.notebook("slow", steps: 990))
        let run = try start(["run", "--slurm"])
        XCTAssertTrue(run.waitFor("slow.md: running, cell 2 (line", timeout: 90), "the long cell never started:\n\(run.errorText)")
        let job = try XCTUnwrap(run.errorText.firstMatch(of: /submitted Slurm job ([0-9]+)/)?.1)
        let cancel = Process()
        cancel.executableURL = URL(fileURLWithPath: "/usr/bin/scancel")
        cancel.arguments = ["\(job)_1"]
        cancel.environment = extraEnvironment
        try cancel.run()
        cancel.waitUntilExit()
        let (status, _, err) = run.finish()
        XCTAssertEqual(status, 65, err)
        XCTAssertTrue(err.contains("noisebook: Notebooks/slow.md: Slurm task \(job)_1 CANCELLED"), err)
        XCTAssertTrue(err.contains("log: .noisebook/slurm/"), err)
        XCTAssertTrue(try page("slow.html").contains("its Slurm task did not compute it"), "the page says which cells wait")

        // Only the cancelled notebook goes again; its finished first cell is a hit there.
        try write("Notebooks/slow.md", Self.notebook("slow", steps: 20))
        let (again, _, againErr) = try noisebook(["run", "--slurm"])
        XCTAssertEqual(again, 0, againErr)
        XCTAssertTrue(againErr.contains(": 1 notebook ("), againErr)
        let logs = files(under: ".noisebook/slurm").filter { $0.hasSuffix("task-0.log") }
        let taskLogs = try logs.map { try String(contentsOfFile: project + "/" + $0, encoding: .utf8) }
        XCTAssertTrue(taskLogs.contains { log in log.split(separator: "\n").contains { $0.contains("cell 1 (line 9)") && $0.contains(" hit ") } },
                      taskLogs.joined(separator: "\n---\n"))
    }

    func testCtrlCCancelsTheArray() throws {
        try write("Notebooks/slow.md", Self.notebook("slow", steps: 990))
        let run = try start(["run", "--slurm"])
        XCTAssertTrue(run.waitFor("slow.md: running, cell 2 (line", timeout: 90), "the long cell never started:\n\(run.errorText)")
        let job = try XCTUnwrap(run.errorText.firstMatch(of: /submitted Slurm job ([0-9]+)/)?.1)
        run.send(SIGINT)
        let (status, _, err) = run.finish()
        XCTAssertEqual(status, 130, err)
        XCTAssertTrue(err.contains("cancelled Slurm job \(job) (scancel)"), err)
        let squeue = Process()
        squeue.executableURL = URL(fileURLWithPath: "/usr/bin/squeue")
        squeue.arguments = ["-h", "-j", String(job), "-t", "PENDING,RUNNING"]
        squeue.environment = extraEnvironment
        let pipe = Pipe()
        squeue.standardOutput = pipe
        try squeue.run()
        squeue.waitUntilExit()
        XCTAssertEqual(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self), "", "no task of the job is left running")
    }

    func testPreviewShowsTheTasksProgressOnTheirPages() throws {
        try write("Notebooks/slow.md", Self.notebook("slow", steps: 990))
        let preview = try start(["preview", "--slurm", "--port", "18731"])
        defer { if preview.process.isRunning { preview.send(SIGKILL) } }
        XCTAssertTrue(preview.waitFor("noisebook: preview at http://127.0.0.1:", timeout: 30), preview.errorText)
        let port = try XCTUnwrap(preview.errorText.firstMatch(of: /preview at http:\/\/127\.0\.0\.1:([0-9]+)\//)?.1)
        // A page's event stream, as its EventSource reads it.
        let events = FileManager.default.temporaryDirectory.appendingPathComponent("nbslurm-events-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: events) }
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-sN", "--max-time", "90", "-o", events, "http://127.0.0.1:\(port)/__noisebook/events?page=slow.html"]
        try curl.run()
        defer { if curl.isRunning { curl.terminate() } }
        var stream = ""
        for _ in 0..<900 {
            stream = (try? String(contentsOfFile: events, encoding: .utf8)) ?? ""
            if stream.contains("event: progress") && stream.contains("sample step") { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTAssertTrue(stream.contains("event: progress") && stream.contains("sample step"),
                      "the task's progress reached its page:\n\(stream)\n\(preview.errorText)")
        XCTAssertTrue(preview.errorText.contains("slow.md: running, cell 2 (line"), preview.errorText)
        preview.send(SIGINT)
        let (status, _, err) = preview.finish()
        XCTAssertEqual(status, 130, err)
    }

    func testTwoTasksWritingTheSameCacheEntriesLeaveThemIntact() throws {
        // The same cells twice: the two tasks compute and store the same entries at once.
        try write("Notebooks/one.md", Self.notebook("same", steps: 30))
        try write("Notebooks/two.md", Self.notebook("same", steps: 30))
        let (status, _, err) = try noisebook(["run", "--slurm"])
        XCTAssertEqual(status, 0, err)
        XCTAssertEqual(temporaryFiles, [])
        let local = try noisebook(["run"])
        XCTAssertEqual(local.status, 0, local.err)
        XCTAssertTrue(local.err.contains("6 cells: 6 cached, 0 ran, 0 failed"), "every entry reads back:\n\(local.err)")
        let images = siteImages
        XCTAssertFalse(images.isEmpty)
    }
}
