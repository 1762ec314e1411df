import Foundation
import XCTest

/// Files only inside the project unless `--allow DIR`; every string from a notebook or a
/// file escaped on the pages. (The refused paths and sizes are corpus cases.)
final class ContainmentTests: RobustnessTestCase {
    private var outside = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        outside = FileManager.default.temporaryDirectory.appendingPathComponent("noisebook-allowed-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if !outside.isEmpty { try? FileManager.default.removeItem(atPath: outside) }
        try super.tearDownWithError()
    }

    func testAllowGrantsOneFolderAndNoOther() throws {
        try write("Notebooks/a.md", """
        ---
        seed: 1
        ---
        ```swift
        let mask = rectangleMask(size: 16, x: 2, y: 2, width: 5, height: 9)
        saveImage(mask, to: "\(outside)/mask.png")
        ```

        ```swift
        show(loadImage("\(outside)/mask.png"), caption: "read back")
        ```

        ```swift
        saveImage(mask, to: "\(outside)-sibling/mask.png")
        ```
        """)
        let refused = try noisebook(["run", "Notebooks", "--out", "Output"])
        XCTAssertEqual(refused.status, 65)
        XCTAssertTrue(refused.err.contains("'\(outside)/mask.png' is outside the project folder"), refused.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: outside + "/mask.png"))

        let allowed = try noisebook(["run", "Notebooks", "--out", "Output", "--allow", outside])
        XCTAssertEqual(allowed.status, 65, "the sibling folder is still refused")
        XCTAssertTrue(FileManager.default.fileExists(atPath: outside + "/mask.png"), allowed.err)
        XCTAssertTrue(try page("a.html").contains("read back"))
        // A folder whose name merely starts with the allowed one is not inside it.
        XCTAssertTrue(allowed.err.contains("'\(outside)-sibling/mask.png' is outside the project folder"), allowed.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: outside + "-sibling"))
    }

    func testSymlinkToAnAllowedFolderIsAccepted() throws {
        try FileManager.default.createSymbolicLink(atPath: project + "/Notebooks/shared", withDestinationPath: outside)
        try write("Notebooks/a.md", "---\nseed: 1\n---\n```swift\nsaveImage(rectangleMask(size: 8, x: 0, y: 0, width: 3, height: 3), to: \"shared/m.png\")\n```\n")
        let refused = try noisebook(["run", "Notebooks", "--out", "Output"])
        XCTAssertEqual(refused.status, 65)
        XCTAssertTrue(refused.err.contains("'shared/m.png' is outside the project folder"), refused.err)
        let allowed = try noisebook(["run", "Notebooks", "--out", "Output", "--allow", outside])
        XCTAssertEqual(allowed.status, 0, allowed.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: outside + "/m.png"))
    }

    /// Script tags and quotes in prose, front matter, captions, titles, printed text,
    /// prompts, errors and the notebook's own file name: none reaches a page as markup.
    func testEveryNotebookStringIsEscaped() throws {
        let hostile = "<script>alert(\"x\")</script>"
        let name = "1.9-<img src=x onerror=alert(1)> \"q\" 'a' & b.md"
        try write("Notebooks/" + name, """
        ---
        title: \(hostile) title
        seed: 3
        model: builtin-mean
        ---
        # Heading \(hostile)
        Prose with \(hostile) and <iframe src="javascript:alert(2)"></iframe>, "quotes" & 'apostrophes'.
        [a link](javascript:alert(3)) and ![img](x" onerror="alert(4))

        ```swift
        let mask = rectangleMask(size: 64, x: 0, y: 0, width: 9, height: 9)
        show(mask, caption: "\\"><script>alert(5)</script>", title: "<b onmouseover=alert(6)>t</b>")
        print("<script>alert(7)</script>")
        ```

        ```swift
        let image = sample(count: 1, prompt: "<script>alert(8)</script> \\" onload=\\"alert(9)", steps: 2)
        show(image, caption: "sampled")
        ```

        ```swift
        let broken = undefinedName<script>
        ```
        """)
        let (status, _, err) = try noisebook(["run", "Notebooks", "--out", "Output"])
        XCTAssertEqual(status, 65, err)       // the last cell fails on purpose
        let pageName = try XCTUnwrap(files(under: "Output").first { $0.hasSuffix(".html") && !$0.hasSuffix("index.html") })
        let pages = [try page(String(pageName.dropFirst("Output/".count))), try page("index.html")]
        for html in pages {
            XCTAssertFalse(html.contains("<script"), "unescaped script tag:\n\(html)")
            XCTAssertFalse(html.contains("<iframe"), html)
            XCTAssertFalse(html.contains("<img src=x"), html)
            XCTAssertFalse(html.contains("<b onmouseover"), html)
            XCTAssertFalse(html.lowercased().contains("href=\"javascript:"), html)
            XCTAssertFalse(html.contains("\" onerror=\""), html)
            XCTAssertFalse(html.contains("\" onload=\""), html)
        }
        XCTAssertTrue(pages[0].contains("&lt;script&gt;alert(7)&lt;/script&gt;"), "printed text is shown, escaped")
        XCTAssertTrue(pages[1].contains("&lt;script&gt;"), "the title is shown, escaped")
        // The provenance sidecars are JSON, where the prompt stays data.
        for sidecar in files(under: "Output/images").filter({ $0.hasSuffix(".json") }) {
            let data = try Data(contentsOf: URL(fileURLWithPath: project + "/" + sidecar))
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: data), sidecar)
        }
    }
}
