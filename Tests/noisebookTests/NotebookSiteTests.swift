import Foundation
import XCTest

/// Every notebook of the project, run end to end on the built-in model into a temporary
/// site, then every page loaded in headless Chromium: no broken image, no console error.
/// Takes a few minutes (set NOISEBOOK_SKIP_E2E=1 to skip it while iterating).
final class NotebookSiteTests: CommandTestCase {
    static let parts = ["0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.7.1", "1.7.2", "1.7.3", "1.8", "1.9", "2"]

    func testEveryNotebookRendersAndEveryPageLoads() throws {
        if ProcessInfo.processInfo.environment["NOISEBOOK_SKIP_E2E"] == "1" {
            throw XCTSkip("NOISEBOOK_SKIP_E2E=1")
        }
        let output = scratch + "/Output", cache = scratch + "/cache"
        let first = try noisebook(["run", "Notebooks", "--out", output, "--cache", cache, "--model", "builtin"], in: Self.root)
        XCTAssertEqual(first.status, 0, String(first.err.suffix(3000)))

        let pages = try FileManager.default.contentsOfDirectory(atPath: output).filter { $0.hasSuffix(".html") && $0 != "index.html" }
        let index = try String(contentsOfFile: output + "/index.html", encoding: .utf8)
        for part in Self.parts {
            let page = try XCTUnwrap(pages.first { $0.hasPrefix(part + "-") }, "no page for part \(part)")
            let html = try String(contentsOfFile: output + "/" + page, encoding: .utf8)
            XCTAssertTrue(html.contains("<img"), "\(page) shows no image")
            XCTAssertTrue(html.contains("built-in emoji model"), "\(page) does not name its model")
            XCTAssertTrue(index.contains("href=\"\(page)\""), "the index does not link \(page)")
        }

        // Nothing changed: the second run executes no cell.
        let second = try noisebook(["run", "Notebooks", "--out", output, "--cache", cache, "--model", "builtin"], in: Self.root)
        XCTAssertEqual(second.status, 0)
        XCTAssertTrue(second.err.contains(" 0 ran, 0 failed"), String(second.err.suffix(500)))
        XCTAssertNil(second.err.range(of: "\\bmiss\\b", options: .regularExpression), "a cell missed the cache on a rerun")

        for page in (pages + ["index.html"]).sorted() {
            let result = try Chromium.check(page: output + "/" + page, scratch: scratch)
            XCTAssertEqual(result.broken, [], "\(page): broken images")
            XCTAssertEqual(result.consoleErrors, [], "\(page): console errors")
            XCTAssertGreaterThan(result.images, 0, "\(page): no images loaded")
        }
    }

    /// The checker itself must see a broken image, and a console message, when there is one.
    func testChromiumCheckDetectsBrokenImagesAndConsoleMessages() throws {
        let page = scratch + "/broken.html"
        try "<!doctype html><html><body><img src=\"missing.png\" alt=\"\"><script>console.error('boom')</script></body></html>"
            .write(toFile: page, atomically: true, encoding: .utf8)
        let result = try Chromium.check(page: page, scratch: scratch)
        XCTAssertEqual(result.images, 1)
        XCTAssertEqual(result.broken, ["missing.png"])
        XCTAssertEqual(result.consoleErrors.count, 1, "console.error('boom') is reported")
    }
}

/// Loads a page in headless Chromium inside a wrapper page that counts its images and the
/// ones that failed to load; console messages come from Chromium's log.
enum Chromium {
    struct Result {
        var images: Int
        var broken: [String]
        var consoleErrors: [String]
    }

    static var executable: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func check(page: String, scratch: String) throws -> Result {
        guard let chromium = executable else {
            XCTFail("headless Chromium is not installed (make test installs Debian's chromium)")
            return Result(images: 0, broken: [], consoleErrors: [])
        }
        let wrapper = scratch + "/wrapper-\(UUID().uuidString).html"
        try """
        <!doctype html><html><body><iframe id="f" src="\(URL(fileURLWithPath: page).absoluteString)"></iframe><pre id="out">pending</pre>
        <script>
        document.getElementById('f').onload = function () {
          var d = this.contentDocument, imgs = d.images, bad = [];
          for (var i = 0; i < imgs.length; i++) if (!(imgs[i].complete && imgs[i].naturalWidth > 0)) bad.push(imgs[i].getAttribute('src'));
          document.getElementById('out').textContent = 'images=' + imgs.length + '|broken=' + bad.join(',') + '|end';
        };
        </script></body></html>
        """.write(toFile: wrapper, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                             "--virtual-time-budget=10000", "--enable-logging=stderr", "--v=0", "--user-data-dir=" + scratch + "/chromium-profile",
                             "--dump-dom", URL(fileURLWithPath: wrapper).absoluteString]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let start = dom.range(of: "images="), let end = dom.range(of: "|end", range: start.upperBound..<dom.endIndex) else {
            XCTFail("\(page): the page did not load (Chromium printed: \(log.suffix(500)))")
            return Result(images: 0, broken: [], consoleErrors: [])
        }
        let fields = dom[start.lowerBound..<end.lowerBound].split(separator: "|")
        let images = Int(fields[0].dropFirst("images=".count)) ?? -1
        let brokenList = fields.count > 1 ? fields[1].dropFirst("broken=".count) : ""
        let broken = brokenList.isEmpty ? [] : brokenList.split(separator: ",").map(String.init)
        // Pages carry no scripts, so any console message from them is a problem.
        let consoleErrors = log.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
        return Result(images: images, broken: broken, consoleErrors: consoleErrors)
    }
}
