import Foundation
import JSON
import Preview
import Runner

/// `noisebook preview`: runs the notebooks, serves the site on loopback, and re-runs a
/// notebook when it (or a file beside it) changes; open pages reload themselves and show
/// the running cell's progress.
struct PreviewCommand {
    let arguments: [String]

    func run() throws -> Int32 {
        let parsed = try OptionParser(arguments, valued: RunCommand.valued.union(["--port", "--host"]),
                                      flags: RunCommand.flags.union(["--open"]))
        let port = try parsed.value("--port").map { text -> UInt16 in
            guard let port = UInt16(text), port > 0 else { throw UsageError(description: "--port must be 1...65535, got '\(text)'") }
            return port
        } ?? 8180
        let host = parsed.value("--host") ?? "127.0.0.1"
        let interrupt = Interrupt.install()
        let control = PreviewControl()
        var setup = try RunSetup(parsed, isCancelled: { interrupt.isRequested || control.restartRequested })
        // Each change must re-run even if the last run was served from the cache.
        setup.options.waitForLock = true
        try FileManager.default.createDirectory(atPath: setup.options.outputFolder, withIntermediateDirectories: true)

        let server = PreviewServer(root: setup.options.outputFolder, host: host)
        server.pageFilter = { _, html in LivePage.inject(into: html) }
        try server.start(port: port)
        if host != "127.0.0.1" {
            printError("noisebook: warning: serving on \(host), not only this machine: anyone who can reach it can read the site")
        }
        printError("noisebook: preview at http://\(host):\(server.port)/ (Ctrl-C to stop)")
        setup.log.observer = { event in LivePage.forward(event, to: server, control: control) }
        if parsed.flag("--open") { LivePage.openBrowser("http://\(host):\(server.port)/") }

        let watcher = ChangeWatcher(paths: setup.options.paths.map { ProjectPaths.absolute($0, from: setup.options.projectRoot) },
                                    ignoring: [setup.options.outputFolder, setup.options.cacheFolder].map {
                                        ProjectPaths.absolute($0, from: setup.options.projectRoot)
                                    })
        var lastRun = watcher.snapshot()
        control.startRun(setup)
        while !interrupt.isRequested {
            Thread.sleep(forTimeInterval: 0.25)
            let now = watcher.snapshot()
            guard now != lastRun else { continue }
            // Debounce: wait until the files stop changing for a moment.
            Thread.sleep(forTimeInterval: 0.3)
            let settled = watcher.snapshot()
            guard settled == now else { continue }
            lastRun = settled
            printError("noisebook: change seen; running again")
            control.restart(setup)
        }
        control.stopAndWait()
        server.stop()
        printError("noisebook: preview stopped; finished cells are cached")
        return ExitCode.interrupted
    }
}

/// The one run the preview has going, restarted when the files change.
final class PreviewControl: @unchecked Sendable {
    private let lock = NSLock()
    private var running = false
    private var restart = false
    private var pending: RunSetup?
    /// The page whose notebook runs now, for progress events.
    var currentPage: String { lock.withLock { page } }
    private var page = "*"

    /// True while a restart is asked for: the running run stops at its next step.
    var restartRequested: Bool { lock.withLock { restart } }

    func setPage(_ page: String) { lock.withLock { self.page = page } }

    /// Runs the notebooks in the background.
    func startRun(_ setup: RunSetup) {
        lock.withLock { running = true; restart = false }
        let thread = Thread { [self] in
            do { _ = try setup.runner().run() } catch { printError("noisebook: \(error)") }
            let next = lock.withLock { () -> RunSetup? in
                running = false
                defer { pending = nil }
                return pending
            }
            if let next { startRun(next) }
        }
        thread.start()
    }

    /// Stops the running run at its next step and starts another (or starts one now).
    func restart(_ setup: RunSetup) {
        let idle = lock.withLock { () -> Bool in
            if running { restart = true; pending = setup }
            return !running
        }
        if idle { startRun(setup) }
    }

    /// Stops the running run and waits for it.
    func stopAndWait() {
        lock.withLock { restart = true; pending = nil }
        while lock.withLock({ running }) { Thread.sleep(forTimeInterval: 0.05) }
    }
}

/// What preview adds to the pages it serves (and only to those: `run` writes plain pages).
enum LivePage {
    /// The live-reload and progress script, before `</body>`.
    static func inject(into html: String) -> String {
        guard let range = html.range(of: "</body>", options: .backwards) else { return html }
        return html.replacingCharacters(in: range, with: script + "</body>")
    }

    /// Listens for this page's events: reload (keeping the scroll position), progress of the
    /// running cell in a small bar, and a failed cell's error.
    static let script = """
    <div id="nb-live" hidden style="position:fixed;left:0;right:0;bottom:0;padding:6px 12px;font:13px system-ui,sans-serif;background:#0b62c4;color:#fff;z-index:9"></div>
    <pre id="nb-live-error" hidden style="position:fixed;left:12px;right:12px;bottom:40px;max-height:40vh;overflow:auto;padding:8px;background:#fff0f0;color:#8a1020;border:1px solid #d33;white-space:pre-wrap;z-index:9"></pre>
    <script>
    (function () {
      var page = location.pathname.split('/').pop() || 'index.html';
      var key = 'noisebook-scroll:' + page, bar = document.getElementById('nb-live'), box = document.getElementById('nb-live-error');
      var saved = sessionStorage.getItem(key);
      if (saved !== null) { sessionStorage.removeItem(key); window.scrollTo(0, +saved); }
      var events = new EventSource('\(PreviewServer.eventsPath)?page=' + encodeURIComponent(page));
      events.addEventListener('reload', function () { sessionStorage.setItem(key, String(window.scrollY)); location.reload(); });
      events.addEventListener('progress', function (e) {
        var d = JSON.parse(e.data);
        bar.textContent = 'cell ' + d.cell + ' (line ' + d.line + '): ' + d.label
          + (d.left !== null ? ', about ' + Math.round(d.left) + ' s left' : '');
        bar.hidden = false;
      });
      events.addEventListener('cell-error', function (e) { box.textContent = JSON.parse(e.data).message; box.hidden = false; });
      events.addEventListener('running', function () { bar.textContent = 'running…'; bar.hidden = false; });
    })();
    </script>

    """

    /// Turns a run event into events for the pages that show it.
    static func forward(_ event: RunEvent, to server: PreviewServer, control: PreviewControl) {
        switch event {
        case let .notebookStarted(_, page):
            control.setPage(page)
            server.send(event: "running", data: "{}", page: page)
        case let .progress(cell, line, label, step, total, left):
            let json = "{\"cell\":\(cell),\"line\":\(line),\"label\":\(JSONValue.quoted(label, escapingMarkup: true)),\"step\":\(step),\"total\":\(total),\"left\":\(left.map { String(format: "%.1f", $0) } ?? "null")}"
            server.send(event: "progress", data: json, page: control.currentPage)
        case let .cellFailed(cell, line, message):
            server.send(event: "cell-error", data: "{\"cell\":\(cell),\"line\":\(line),\"message\":\(JSONValue.quoted(message, escapingMarkup: true))}", page: control.currentPage)
        case let .notebookFinished(_, page):
            server.send(event: "reload", data: page, page: page)
            server.send(event: "reload", data: page, page: "index.html")
        }
    }

    /// Opens `url` in the system browser, when there is one.
    static func openBrowser(_ url: String) {
        for opener in ["/usr/bin/xdg-open", "/usr/bin/sensible-browser"] where FileManager.default.isExecutableFile(atPath: opener) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: opener)
            process.arguments = [url]
            try? process.run()
            return
        }
        printError("noisebook: no browser to open; visit \(url)")
    }
}

/// Notices changes to the notebooks and the files beside them (images they read), by size
/// and modification time, polling.
struct ChangeWatcher {
    let paths: [String]
    let ignoring: [String]

    /// Every watched file with its size and modification time.
    func snapshot() -> [String: String] {
        var state = [String: String]()
        let files = FileManager.default
        for path in paths {
            var isFolder: ObjCBool = false
            guard files.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            let folder = isFolder.boolValue ? path : URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard let walker = files.enumerator(atPath: folder) else { continue }
            for case let relative as String in walker {
                let full = folder + "/" + relative
                if relative.hasPrefix(".") || ignoring.contains(where: { full.hasPrefix($0 + "/") || full == $0 }) { continue }
                if let attributes = try? files.attributesOfItem(atPath: full), attributes[.type] as? FileAttributeType == .typeRegular {
                    let time = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                    state[full] = "\(attributes[.size] ?? 0)@\(time)"
                }
            }
        }
        return state
    }
}
