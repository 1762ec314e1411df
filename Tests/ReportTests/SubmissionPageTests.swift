import Report
import XCTest

/// What a page shows for handing in (`--submission`) and what it never repeats.
final class SubmissionPageTests: XCTestCase {
    /// What a reader sees: the page without its stylesheet and tags.
    private func visibleText(_ html: String) -> String {
        var text = html
        if let start = text.range(of: "<style>"), let end = text.range(of: "</style>") {
            text.removeSubrange(start.lowerBound..<end.upperBound)
        }
        return text.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
    }

    func testASubmissionPageHasNoBadgesOrTimings() {
        var input = ReportFixtures.forwardProcess
        let working = visibleText(Report.page(input))
        input.submission = true
        let submitted = visibleText(Report.page(input))
        XCTAssertTrue(working.contains("cached (ran 3.2 s)"), "the working page shows cache badges with timings")
        XCTAssertTrue(working.contains("2 ran, 1 cached"), "the working page counts ran and cached cells")
        XCTAssertFalse(submitted.contains("cached"), "a submission page says nothing of the cache")
        XCTAssertNil(submitted.range(of: #"\bran\b"#, options: .regularExpression), "a submission page gives no timings")
        XCTAssertTrue(submitted.contains("5 cells, 1 failed"), "the cell count and failures stay")
        XCTAssertTrue(submitted.contains("unknown name &#39;undefinedThing&#39;"), "errors stay on a submission page")
    }

    func testTheTitleIsNotRepeatedByAFirstHeadingThatEqualsIt() {
        var input = ReportFixtures.forwardProcess
        input.title = "The forward process"
        let page = Report.page(input)
        XCTAssertEqual(page.components(separatedBy: ">The forward process</h1>").count - 1, 1, "the title shows once")
        // A first heading that differs from the title stays.
        input.title = "1.1 Forward"
        XCTAssertTrue(Report.page(input).contains(">The forward process</h1>"))
    }
}
