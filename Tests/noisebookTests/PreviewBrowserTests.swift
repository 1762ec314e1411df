import Foundation
import TestSupport
import XCTest

/// `noisebook preview` end to end in headless Chromium: a page opened from the preview shows
/// the progress of a running sampler, and after a cell's source is edited on disk it shows the
/// new output by itself, with no manual reload. Everything stays on 127.0.0.1.
final class PreviewBrowserTests: CommandTestCase {
    private func notebook(_ word: String) -> String {
        """
        ---
        title: Live
        seed: 3
        ---
        ```swift
        print("version \(word)")
        ```

        ```swift
        let s = sample(count: 1, prompt: "a photo of a dog \(word)", steps: 300)
        show(s, caption: "sample \(word)")
        ```
        """
    }

    func testAnEditedCellShowsInTheOpenPageWithProgressOnTheWay() throws {
        guard let chromium = Chromium.executable else {
            return XCTFail("headless Chromium is not installed (make test installs Debian's chromium)")
        }
        let project = scratch + "/project"
        try FileManager.default.createDirectory(atPath: project + "/Notebooks", withIntermediateDirectories: true)
        try notebook("one").write(toFile: project + "/Notebooks/live.md", atomically: true, encoding: .utf8)
        let port = 21000 + Int.random(in: 0..<9000)
        let preview = Process()
        preview.executableURL = URL(fileURLWithPath: executable)
        preview.arguments = ["preview", "--model", "builtin", "--port", String(port)]
        preview.currentDirectoryURL = URL(fileURLWithPath: project)
        let log = Pipe()
        preview.standardError = log
        preview.standardOutput = FileHandle.nullDevice
        try preview.run()
        defer { if preview.isRunning { preview.terminate() } }

        // The first run writes the page.
        let page = project + "/Output/live.html"
        try wait(seconds: 120, "the first run to write the page") { FileManager.default.fileExists(atPath: page) }
        let browser = try DevToolsPipe(chromium: chromium, profile: scratch + "/chromium-profile")
        let session = try browser.open("http://127.0.0.1:\(port)/live.html")
        func text() -> String { ((try? browser.evaluate("document.body ? document.body.innerText : ''", session: session)) as? String) ?? "" }
        try wait(seconds: 20, "the page to load") { text().contains("version one") }
        // The bar may show for well under a second on a fast machine: the page itself records
        // that it showed, in session storage (which outlives the reload that follows).
        _ = try browser.evaluate("""
            new MutationObserver(function () {
              var bar = document.getElementById('nb-live');
              if (!bar.hidden && /step [0-9]+\\/[0-9]+/.test(bar.textContent)) sessionStorage.setItem('saw-progress', bar.textContent);
            }).observe(document.getElementById('nb-live'), {attributes: true, childList: true, characterData: true, subtree: true});
            """, session: session)

        // Edit both cells: the print, and the sampler, which runs long enough to show progress.
        try notebook("two").write(toFile: project + "/Notebooks/live.md", atomically: true, encoding: .utf8)
        try wait(seconds: 60, "the progress bar of the running sampler") {
            ((try? browser.evaluate("sessionStorage.getItem('saw-progress')", session: session)) as? String)?.contains("sample step") == true
        }
        try wait(seconds: 120, "the page to show the edited cell") { text().contains("version two") && text().contains("sample two") }
        XCTAssertFalse(text().contains("version one"))

        preview.interrupt()
        preview.waitUntilExit()
        XCTAssertEqual(preview.terminationStatus, 130)
        let output = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(output.contains("noisebook: preview at http://127.0.0.1:\(port)/"), output)
        // The page `run` writes stays plain: the live script exists only in what preview serves.
        XCTAssertFalse(try String(contentsOfFile: page, encoding: .utf8).contains("EventSource"))
    }

    private func wait(seconds: Double, _ what: String, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return }
            Thread.sleep(forTimeInterval: 0.25)
        }
        XCTFail("timed out waiting for \(what)")
        throw XCTSkip("timed out waiting for \(what)")
    }
}
