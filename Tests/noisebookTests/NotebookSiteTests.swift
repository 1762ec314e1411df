import Foundation
import XCTest

/// Every notebook of the project, run end to end on the built-in model into a temporary
/// site, then every page loaded in headless Chromium: no broken image, no console error.
/// Takes a few minutes (set NOISEBOOK_SKIP_E2E=1 to skip it while iterating).
final class NotebookSiteTests: CommandTestCase {
    /// Parts that chart ᾱ_t (1.1), the distance over the denoising steps (1.4) and the PSNR
    /// of SDEdit results over the starting indices (1.7, 1.7.3).
    static let chartedParts = ["1.1", "1.4", "1.7", "1.7.3"]
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

        try checkSubmission(output: output, pages: pages, index: index)

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
            XCTAssertEqual(result.drawnCharts, result.charts, "\(page): a chart was not drawn")
            // The parts whose readers learn from a chart show one.
            if Self.chartedParts.contains(where: { page.hasPrefix($0 + "-") }) {
                XCTAssertGreaterThan(result.charts, 0, "\(page): no chart")
            }
        }
    }

    /// The parts that write an assignment function in a cell print its largest difference
    /// from the built-in on the same inputs and numbered noise; the bound is a few float
    /// rounding steps (the cells compute 1 - abar in double precision, the built-ins in
    /// single; see 1.1).
    static let implementationParts = ["1.1", "1.4", "1.6", "1.7.2", "1.8", "1.9"]

    /// What a grader checks: each implementation equal to its built-in, anagrams shown in both
    /// readings as static images, every deliverable of the table answered, every figure tile
    /// with a provenance line.
    private func checkSubmission(output: String, pages: [String], index: String) throws {
        for part in Self.implementationParts {
            let page = try XCTUnwrap(pages.first { $0.hasPrefix(part + "-") })
            let html = try String(contentsOfFile: output + "/" + page, encoding: .utf8)
            let printed = html.components(separatedBy: "largest difference").dropFirst().compactMap { line -> Double? in
                let tail = line.prefix { $0 != "\n" && $0 != "<" }
                return tail.split(separator: " ").last.flatMap { Double($0) }
            }
            XCTAssertFalse(printed.isEmpty, "\(page) prints no comparison with its built-in")
            for difference in printed { XCTAssertLessThan(difference, 1e-5, "\(page): the cell's function differs from the built-in") }
        }
        let anagrams = try String(contentsOfFile: output + "/" + XCTUnwrap(pages.first { $0.hasPrefix("1.8-") }), encoding: .utf8)
        for reading in ["upright: people around a campfire", "upside down: an old man"] {
            XCTAssertTrue(anagrams.contains("alt=\"\(reading)\""), "1.8 does not show \"\(reading)\" as its own image")
        }
        XCTAssertTrue(index.contains("30 of 30 answered"), "a deliverable of Notebooks/deliverables.txt has nothing on the site")
        for page in pages {
            let html = try String(contentsOfFile: output + "/" + page, encoding: .utf8)
            let tiles = html.components(separatedBy: "<figcaption><span class=\"caption\">").dropFirst()
            for tile in tiles {
                let line = tile.components(separatedBy: "<small class=\"provenance\">").dropFirst().first?.prefix { $0 != "<" } ?? ""
                XCTAssertFalse(line.isEmpty, "\(page): a figure tile without a provenance line: \(tile.prefix(200))")
            }
        }
    }

    /// The checker itself must see a broken image, a console message and an empty chart when
    /// there is one.
    func testChromiumCheckDetectsBrokenImagesAndConsoleMessages() throws {
        let page = scratch + "/broken.html"
        try """
        <!doctype html><html><body><img src="missing.png" alt=""><script>console.error('boom')</script>
        <svg class="chart" viewBox="0 0 10 10"><line x1="0" y1="0" x2="10" y2="10" stroke="black"/></svg>
        <svg class="chart" viewBox="0 0 10 10"></svg></body></html>
        """.write(toFile: page, atomically: true, encoding: .utf8)
        let result = try Chromium.check(page: page, scratch: scratch)
        XCTAssertEqual(result.images, 1)
        XCTAssertEqual(result.broken, ["missing.png"])
        XCTAssertEqual(result.consoleErrors.count, 1, "console.error('boom') is reported")
        XCTAssertEqual(result.charts, 2)
        XCTAssertEqual(result.drawnCharts, 1, "an empty chart draws nothing")
    }
}

/// Loads a page in headless Chromium inside a wrapper page that counts its images and the
/// ones that failed to load; console messages come from Chromium's log.
enum Chromium {
    struct Result {
        var images: Int
        var broken: [String]
        var consoleErrors: [String]
        /// Inline SVG charts on the page, and how many of them Chromium laid out with a size.
        var charts = 0
        var drawnCharts = 0
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
          var charts = d.querySelectorAll('svg.chart'), drawn = 0;
          for (var j = 0; j < charts.length; j++) { var box = charts[j].getBBox(); if (box.width > 0 && box.height > 0) drawn++; }
          document.getElementById('out').textContent = 'images=' + imgs.length + '|broken=' + bad.join(',') +
            '|charts=' + charts.length + '|drawn=' + drawn + '|end';
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
        let charts = fields.count > 2 ? Int(fields[2].dropFirst("charts=".count)) ?? -1 : -1
        let drawn = fields.count > 3 ? Int(fields[3].dropFirst("drawn=".count)) ?? -1 : -1
        // Pages carry no scripts, so any console message from them is a problem.
        let consoleErrors = log.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
        return Result(images: images, broken: broken, consoleErrors: consoleErrors, charts: charts, drawnCharts: drawn)
    }
}
