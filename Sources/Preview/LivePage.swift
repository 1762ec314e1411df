import Foundation
import JSON

/// What preview adds to the pages it serves (and only to those: `run` writes plain pages).
public enum LivePage {
    /// The live-reload and progress script, before `</body>`.
    public static func inject(into html: String) -> String {
        guard let range = html.range(of: "</body>", options: .backwards) else { return html }
        return html.replacingCharacters(in: range, with: script + "</body>")
    }

    /// Listens for this page's events: reload (keeping the scroll position), progress of the
    /// running cell in a small bar, and a failed cell's error.
    public static let script = """
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

    /// A notebook began running: its page shows "running".
    public static func running(page: String, on server: PreviewServer) {
        server.send(event: "running", data: "{}", page: page)
    }

    /// Progress of the running cell, for the page in the bar at its bottom.
    public static func progress(cell: Int, line: Int, label: String, step: Int, total: Int, secondsLeft: Double?,
                                page: String, on server: PreviewServer) {
        let left = secondsLeft.map { String(format: "%.1f", $0) } ?? "null"
        server.send(event: "progress", data: "{\"cell\":\(cell),\"line\":\(line),\"label\":\(JSONValue.quoted(label, escapingMarkup: true)),\"step\":\(step),\"total\":\(total),\"left\":\(left)}", page: page)
    }

    /// A cell failed: the page shows its error at once.
    public static func cellFailed(cell: Int, line: Int, message: String, page: String, on server: PreviewServer) {
        server.send(event: "cell-error", data: "{\"cell\":\(cell),\"line\":\(line),\"message\":\(JSONValue.quoted(message, escapingMarkup: true))}", page: page)
    }

    /// A notebook's page was written: it and the index reload.
    public static func finished(page: String, on server: PreviewServer) {
        server.send(event: "reload", data: page, page: page)
        server.send(event: "reload", data: page, page: "index.html")
    }

    /// Opens `url` in the system browser, when there is one.
    public static func openBrowser(_ url: String) {
        for opener in ["/usr/bin/xdg-open", "/usr/bin/sensible-browser"] where FileManager.default.isExecutableFile(atPath: opener) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: opener)
            process.arguments = [url]
            try? process.run()
            return
        }
        FileHandle.standardError.write(Data("noisebook: no browser to open; visit \(url)\n".utf8))
    }
}
