import Foundation
import XCTest
import Charts
@testable import Report

/// Every string from a notebook is escaped, and pages request nothing from other hosts.
final class EscapingTests: XCTestCase {
    private let attack = "<script>alert(1)</script>"
    private let quotes = "\"quoted\" & 'single'"

    func testEscapeReplacesAllSpecialCharacters() {
        XCTAssertEqual(Report.escape(attack), "&lt;script&gt;alert(1)&lt;/script&gt;")
        XCTAssertEqual(Report.escape(quotes), "&quot;quoted&quot; &amp; &#39;single&#39;")
        XCTAssertEqual(Report.escape("plain ε"), "plain ε")
    }

    /// A page where every notebook-supplied string is hostile.
    private var hostilePage: PageInput {
        let image = FigureImage(src: "images/\"onerror=\"x.png", caption: attack + quotes, width: 64, height: 64,
                                provenance: "IF · \(attack) · \(quotes)", view: .flip)
        let cell = CellReport(index: 0, source: "show(\"\(attack)\")", line: 3, status: .failed(1),
                              cacheNote: attack, outputs: [.text(attack), .figure(Figure(images: [image], title: attack))],
                              error: "x.md:3:1: error: \(attack) \(quotes)")
        return PageInput(fileName: "\(attack).html", title: attack + quotes, notebookPath: "Notebooks/\(attack).md",
                         modelName: attack, seed: 1,
                         blocks: [.prose(markdown: "Hello \(attack) and <b onclick=\"x\">bold</b> \(quotes)"), .cell(cell)],
                         generatedNote: attack)
    }

    func testPageEscapesEveryNotebookString() {
        let html = Report.page(hostilePage)
        XCTAssertFalse(html.contains("<script"), "no script element may come from notebook text")
        XCTAssertFalse(html.contains("<b onclick"), "raw HTML in prose is shown as text")
        XCTAssertFalse(html.contains("\"onerror="), "a quote in an image src cannot end the attribute")
        XCTAssertTrue(html.contains("Hello &lt;script&gt;alert(1)&lt;/script&gt; and &lt;b onclick=&quot;x&quot;&gt;bold&lt;/b&gt;"))
        XCTAssertTrue(html.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;&quot;quoted&quot; &amp; &#39;single&#39;</title>"))
        XCTAssertTrue(html.contains("title=\"IF · &lt;script&gt;alert(1)&lt;/script&gt; · &quot;quoted&quot; &amp; &#39;single&#39;\""))
        XCTAssertTrue(html.contains("<pre class=\"error\" role=\"alert\">x.md:3:1: error: &lt;script&gt;"))
    }

    func testChartsEscapeEveryString() {
        let chart = Chart(kind: .line, series: [Chart.Series(name: attack, x: [1, 2], y: [3, 4]), Chart.Series(name: quotes, x: [1, 2], y: [5, 6])],
                          title: attack, xLabel: quotes, yLabel: attack, markers: [Chart.Marker(x: 1.5, label: attack)])
        let html = ChartFigure(chart: chart, caption: attack, dataFile: "images/\"x.json").render(idPrefix: "c1")
        XCTAssertFalse(html.contains("<script"), html)
        XCTAssertFalse(html.contains("'single'"), "quotes are escaped")
        XCTAssertTrue(html.contains("<title id=\"c1-title\">&lt;script&gt;alert(1)&lt;/script&gt;</title>"))
        XCTAssertTrue(html.contains("href=\"images/&quot;x.json\""), "the data link is an attribute-safe local path")
    }

    func testIndexEscapesEntries() {
        let entry = IndexEntry(fileName: "\"><script>alert(1)</script>.html", title: attack, part: quotes,
                               thumbnail: "images/\"x\".png", modelName: attack, seed: nil, cellCount: 1, failedCells: 1)
        let html = Report.index(title: attack, entries: [entry])
        XCTAssertFalse(html.contains("<script"))
        XCTAssertTrue(html.contains("<a href=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;.html\">"))
        XCTAssertTrue(html.contains("<img src=\"images/&quot;x&quot;.png\""))
    }

    func testNoRemoteResourcesAndNoScriptURLs() {
        let remoteImage = FigureImage(src: "https://example.com/x.png", caption: "c", width: 64, height: 64, provenance: "")
        let protocolRelative = FigureImage(src: "//example.com/x.png", caption: "c", width: 64, height: 64, provenance: "")
        let page = PageInput(
            fileName: "p.html", title: "t", notebookPath: "n.md", modelName: "m", seed: nil,
            blocks: [
                .prose(markdown: "![remote](http://example.com/a.png) ![local](images/a.png) [bad](javascript:alert(1)) [ok](https://example.com) <javascript:alert(1)>"),
                .cell(CellReport(index: 0, source: "", line: 1, status: .skipped, cacheNote: "",
                                 outputs: [.figure(Figure(images: [remoteImage, protocolRelative]))])),
            ])
        let index = Report.index(title: "i", entries: [
            IndexEntry(fileName: "javascript:alert(1)", title: "t", part: "1", thumbnail: "http://example.com/t.png",
                       modelName: "m", seed: nil, cellCount: 0, failedCells: 0),
        ])
        for html in [Report.page(page), index] {
            for attribute in ["src=\"http", "src=\"//", "href=\"javascript", "src=\"javascript", "<link", "<script", "@import", "url("] {
                XCTAssertFalse(html.lowercased().contains(attribute), "found \(attribute)")
            }
            let pattern = try? NSRegularExpression(pattern: "(src=\"(https?:)?//)|(href=\"(https?:)?//[^\"]*\\.(css|js|woff2?)\")")
            let matches = pattern?.numberOfMatches(in: html, range: NSRange(html.startIndex..., in: html)) ?? -1
            XCTAssertEqual(matches, 0, "no stylesheet, script, image or font is fetched from another host")
        }
        let html = Report.page(page)
        XCTAssertTrue(html.contains("<img src=\"images/a.png\" alt=\"local\" loading=\"lazy\">"))
        XCTAssertTrue(html.contains("<a class=\"remote-image\" href=\"http://example.com/a.png\">image: remote</a>"),
                      "a remote image becomes a link the reader may follow")
        XCTAssertTrue(html.contains("<a href=\"https://example.com\">ok</a>"))
        XCTAssertTrue(index.contains("<a href=\"#\">"), "a script address is never linked")
        XCTAssertEqual(SafeURL.link("1.1:part.html"), "./1.1:part.html", "a file name with a colon stays relative")
    }

    func testPageIsSelfContainedHTML5() {
        let html = Report.page(hostilePage)
        XCTAssertTrue(html.hasPrefix("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\""))
        XCTAssertTrue(html.contains("<style>"))
        XCTAssertTrue(html.hasSuffix("</html>\n"))
        XCTAssertTrue(html.contains("image-rendering: pixelated"))
    }

    func testSafeURL() {
        XCTAssertEqual(SafeURL.link("images/a.png"), "images/a.png")
        XCTAssertEqual(SafeURL.link("#cell-2"), "#cell-2")
        XCTAssertEqual(SafeURL.link("mailto:a@b.c"), "mailto:a@b.c")
        XCTAssertNil(SafeURL.link(" JavaScript:alert(1)"))
        XCTAssertNil(SafeURL.link("java\tscript:alert(1)"), "control characters inside the scheme are ignored by browsers")
        XCTAssertNil(SafeURL.link("data:text/html,x"))
        XCTAssertNil(SafeURL.localImage("https://x/y.png"))
        XCTAssertEqual(SafeURL.localImage("data:image/png;base64,AAAA"), "data:image/png;base64,AAAA")
        XCTAssertEqual(SafeURL.localImage("a:b/c.png"), nil, "an unknown scheme is not a local file")
    }
}
