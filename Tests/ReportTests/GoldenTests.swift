import Foundation
import XCTest
import Charts
@testable import Report

/// Whole pages compared byte for byte with the files in `Golden/`. The golden files were
/// reviewed by reading them in a browser; re-record them after an intended change with
/// `NOISEBOOK_RECORD_GOLDEN=1 swift test --filter ReportTests.GoldenTests`.
final class GoldenTests: XCTestCase {
    /// The golden folder in the source tree, which recording rewrites.
    private static let sourceGolden = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("Golden")

    private var recording: Bool {
        ProcessInfo.processInfo.environment["NOISEBOOK_RECORD_GOLDEN"] == "1"
    }

    private func assertGolden(_ html: String, named name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        if recording {
            let url = Self.sourceGolden.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: Self.sourceGolden, withIntermediateDirectories: true)
            try Data(html.utf8).write(to: url, options: .atomic)
            XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), html, "re-reading \(name)", file: file, line: line)
            return
        }
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Golden") else {
            return XCTFail("missing Golden/\(name); record it with NOISEBOOK_RECORD_GOLDEN=1", file: file, line: line)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if html != expected {
            let actualLines = html.split(separator: "\n", omittingEmptySubsequences: false)
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(actualLines.count, expectedLines.count)
            let got = first < actualLines.count ? String(actualLines[first]) : "<end>"
            let want = first < expectedLines.count ? String(expectedLines[first]) : "<end>"
            XCTFail("\(name) differs at line \(first + 1):\n  got:  \(got)\n  want: \(want)", file: file, line: line)
        }
    }

    func testForwardProcessPage() throws {
        try assertGolden(Report.page(ReportFixtures.forwardProcess), named: "forward-process.html")
    }

    func testProseOnlyPage() throws {
        try assertGolden(Report.page(ReportFixtures.proseOnly), named: "prose-only.html")
    }

    func testIndexPage() throws {
        try assertGolden(Report.index(title: "CS180 Project 5A: The power of diffusion models", entries: ReportFixtures.entries),
                         named: "index.html")
    }

    /// The index with its deliverables table: one answered twice, one answered once, one
    /// that nothing answers (flagged), and an answer naming an id the table lacks.
    func testIndexPageWithDeliverables() throws {
        let link = { (page: String, anchor: String, label: String) in DeliverableIndex.Link(href: page + "#" + anchor, label: label) }
        let coverage = DeliverableIndex(tablePath: "Notebooks/deliverables.txt", rows: [
            DeliverableIndex.Row(id: "1.1-forward", text: "forward(im, t) implemented",
                                 links: [link("1.1-forward-process.html", "d-1.1-forward-c4-1", "1.1 · func forwardProcess")]),
            DeliverableIndex.Row(id: "1.7-own", text: "The same edits of two images of our own",
                                 links: [link("1.7-image-to-image.html", "d-1.7-own-c2-1", "1.7 · Chelsea the cat"),
                                         link("1.7-image-to-image.html", "d-1.7-own-c3-1", "1.7 · A cup of coffee <& more>")]),
            DeliverableIndex.Row(id: "1.9-skull", text: "A hybrid: a skull from afar, a waterfall up close", links: []),
        ], unknown: [DeliverableIndex.Row(id: "1.9-old", text: "", links: [link("1.9-hybrid-images.html", "d-1.9-old-c2-1", "1.9 · cell 2")])])
        try assertGolden(Report.index(title: "With deliverables", entries: ReportFixtures.entries, deliverables: coverage),
                         named: "index-deliverables.html")
    }

    func testLineChartSVG() throws {
        let chart = Chart(kind: .line, series: [Chart.Series(name: "abar", x: [0, 250, 500, 750, 999], y: [1, 0.79, 0.41, 0.1, 0.0001]),
                                                Chart.Series(name: "sqrt(1 - abar)", x: [0, 250, 500, 750, 999], y: [0, 0.46, 0.77, 0.95, 1])],
                          title: "The noise schedule", xLabel: "t", yLabel: "value", markers: [Chart.Marker(x: 250, label: "t = 250")])
        try assertGolden(ChartWriter(chart: chart, idPrefix: "g1").render(), named: "chart-line.svg")
    }

    func testLogScatterAndBarSVG() throws {
        let scatter = Chart(kind: .scatter, series: [Chart.Series(name: "", x: [1, 10, 100, 1000], y: [0.5, 0.05, 0.005, 0.0005])],
                            title: "Log axes", xLabel: "n", yLabel: "error", xScale: .log, yScale: .log, width: 400, height: 300)
        try assertGolden(ChartWriter(chart: scatter, idPrefix: "g2").render(), named: "chart-log-scatter.svg")
        let bars = Chart(kind: .bar, series: [Chart.Series(name: "model A", x: [1, 2, 3], y: [21.5, 24, 30.25]),
                                              Chart.Series(name: "model B", x: [1, 2, 3], y: [19, 26.5, 28])],
                         title: "PSNR by start", xLabel: "iStart", yLabel: "dB", width: 480, height: 320)
        try assertGolden(ChartWriter(chart: bars, idPrefix: "g3").render(), named: "chart-bars.svg")
    }

    func testEmptyIndexPage() throws {
        try assertGolden(Report.index(title: "No notebooks", entries: []), named: "index-empty.html")
    }
}
