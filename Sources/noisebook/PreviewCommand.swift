import Diagnostics
import Foundation
import Preview
import Runner

/// `noisebook preview`: runs the notebooks, serves the site on loopback, and re-runs a
/// notebook when it (or a file beside it) changes; open pages reload themselves and show
/// the running cell's progress.
struct PreviewCommand {
    let arguments: [String]

    func run() throws -> Int32 {
        let parsed = try OptionParser(arguments, valued: RunCommand.valued.union(SlurmRun.valued).union(["--port", "--host"]),
                                      flags: RunCommand.flags.union(SlurmRun.flags).union(["--open"]))
        let port = try parsed.value("--port").map { text -> UInt16 in
            guard let port = UInt16(text), port > 0 else { throw UsageError(description: "--port must be 1...65535, got '\(text)'") }
            return port
        } ?? 8180
        let host = parsed.value("--host") ?? "127.0.0.1"
        let interrupt = Interrupt.install()
        let control = Rerunner()
        var setup = try RunSetup(parsed, isCancelled: { interrupt.isRequested || control.restartRequested })
        // Each change must re-run even if the last run was served from the cache.
        setup.options.waitForLock = true
        try FileManager.default.createDirectory(atPath: setup.options.outputFolder, withIntermediateDirectories: true)

        let server = PreviewServer(root: setup.options.outputFolder, host: host)
        server.pageFilter = { _, html in LivePage.inject(into: html) }
        try server.start(port: port)
        if host != "127.0.0.1" {
            printError(Diagnostic.line("noisebook", "warning", "serving on \(host), not only this machine: anyone who can reach it can read the site"))
        }
        printError("noisebook: preview at http://\(host):\(server.port)/ (Ctrl-C to stop)")
        setup.log.observer = { event in Self.forward(event, to: server, control: control) }
        if parsed.flag("--open") { LivePage.openBrowser("http://\(host):\(server.port)/") }

        let watcher = ChangeWatcher(paths: setup.options.paths.map { ProjectPaths.absolute($0, from: setup.options.projectRoot) },
                                    ignoring: [setup.options.outputFolder, setup.options.cacheFolder].map {
                                        ProjectPaths.absolute($0, from: setup.options.projectRoot)
                                    })
        var lastRun = watcher.snapshot()
        let runSetup = setup
        // With --slurm each run goes to the cluster, and the tasks' progress reaches the pages
        // of their notebooks; a change cancels the job and submits what is left.
        var slurm: SlurmRun?
        if parsed.flag("--slurm") {
            slurm = SlurmRun(setup: setup, parsed: parsed)
            // Tasks of several notebooks run at once: each event goes to its own notebook's page.
            slurm?.onEvent = { notebook, event in
                control.currentPage = Runner.pageName(for: notebook)
                Self.forward(event, to: server, control: control)
            }
        }
        control.start { [slurm] in
            do {
                if let slurm { _ = try slurm.run() } else { _ = try runSetup.runner().run() }
            } catch {
                printError(Diagnostic(error).rendered(program: "noisebook"))
            }
        }
        while let changed = watcher.nextChange(after: lastRun, stop: { interrupt.isRequested }) {
            lastRun = changed
            printError("noisebook: change seen; running again")
            control.restartRun()
        }
        control.stopAndWait()
        server.stop()
        printError("noisebook: preview stopped; finished cells are cached")
        return ExitCode.interrupted
    }

    /// A run event as events for the pages that show it.
    static func forward(_ event: RunEvent, to server: PreviewServer, control: Rerunner) {
        switch event {
        case let .notebookStarted(_, page):
            control.currentPage = page
            LivePage.running(page: page, on: server)
        case let .progress(cell, line, label, step, total, left):
            LivePage.progress(cell: cell, line: line, label: label, step: step, total: total, secondsLeft: left,
                              page: control.currentPage, on: server)
        case let .cellFailed(cell, line, message):
            LivePage.cellFailed(cell: cell, line: line, message: message, page: control.currentPage, on: server)
        case let .notebookFinished(_, page):
            LivePage.finished(page: page, on: server)
        }
    }
}
