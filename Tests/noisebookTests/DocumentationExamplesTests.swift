import Foundation
import Tensor
import XCTest

/// Every example in README.md and docs/*.md runs: documentation that cannot drift.
///
/// In each document, a ````markdown block that starts with front matter is a whole notebook
/// and runs as one; the ```swift blocks outside them are the cells of one notebook, in the
/// order they appear (a later example may use what an earlier one defined). A ```swift
/// block right after `<!-- expect-error: TEXT -->` shows a mistake: its cell must fail with
/// TEXT in the message. Notebooks run on the default model (`auto`, no DeepFloyd weights),
/// from a project whose `images/` and `deliverables.txt` are the repository's notebooks'.
final class DocumentationExamplesTests: CommandTestCase {
    /// One runnable piece of a document.
    struct Example: Equatable {
        /// The line of the document where its fence opens.
        var line: Int
        var source: String
        /// The message the cell must fail with, for an example of a mistake.
        var expectedError: String?
    }

    /// The notebooks (````markdown with front matter) and the swift cells of `markdown`.
    static func examples(in markdown: String) -> (notebooks: [Example], cells: [Example]) {
        var notebooks = [Example](), cells = [Example]()
        let lines = markdown.components(separatedBy: "\n")
        var i = 0
        var expectedError: String?
        while i < lines.count {
            let line = lines[i]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("<!-- expect-error:"), trimmed.hasSuffix("-->") {
                expectedError = String(trimmed.dropFirst("<!-- expect-error:".count).dropLast(3)).trimmingCharacters(in: .whitespaces)
                i += 1
                continue
            }
            let fence = trimmed.prefix { $0 == "`" }
            guard fence.count >= 3 else {
                if !trimmed.isEmpty { expectedError = nil }
                i += 1
                continue
            }
            let info = trimmed.dropFirst(fence.count).trimmingCharacters(in: .whitespaces)
            var body = [String]()
            var j = i + 1
            while j < lines.count, lines[j].trimmingCharacters(in: .whitespaces) != String(fence) {
                body.append(lines[j])
                j += 1
            }
            let source = body.joined(separator: "\n")
            if fence.count == 4, info == "markdown", source.hasPrefix("---") {
                notebooks.append(Example(line: i + 1, source: source, expectedError: nil))
            } else if fence.count == 3, info == "swift" {
                cells.append(Example(line: i + 1, source: source, expectedError: expectedError))
            }
            expectedError = nil
            i = j + 1
        }
        return (notebooks, cells)
    }

    /// What is wrong with `document`'s examples when they run: nothing when they all do
    /// what they show.
    func problems(in document: String, named name: String) throws -> [String] {
        let (notebooks, cells) = Self.examples(in: document)
        let project = scratch + "/" + name.replacingOccurrences(of: "/", with: "-")
        try FileManager.default.createDirectory(atPath: project + "/Notebooks", withIntermediateDirectories: true)
        // A copy: cells may not read through a link out of the project.
        try FileManager.default.copyItem(atPath: Self.root + "/Notebooks/images", toPath: project + "/Notebooks/images")
        try FileManager.default.copyItem(atPath: Self.root + "/Notebooks/deliverables.txt", toPath: project + "/Notebooks/deliverables.txt")
        for (k, notebook) in notebooks.enumerated() {
            try notebook.source.write(toFile: project + "/Notebooks/notebook-\(k).md", atomically: true, encoding: .utf8)
        }
        var text = "---\ntitle: Examples of \(name)\nseed: 1\n---\n"
        for cell in cells {
            text += "\n```swift\n\(cell.source)\n```\n"
        }
        if !cells.isEmpty { try text.write(toFile: project + "/Notebooks/cells.md", atomically: true, encoding: .utf8) }
        let environment = ["HOME": project, "HF_HOME": project + "/hf", "HF_HUB_CACHE": project + "/hf/hub",
                           "XDG_CACHE_HOME": project + "/xdg"]
        let result = try noisebook(["run", "Notebooks"], in: project, environment: environment)
        var problems = [String]()
        let errors = result.err.components(separatedBy: "\n").filter { $0.contains(": error: ") }
        let expected = cells.compactMap(\.expectedError)
        for error in errors where !expected.contains(where: { error.contains($0) }) {
            problems.append("\(name): an example fails: \(error)")
        }
        for message in expected where !errors.contains(where: { $0.contains(message) }) {
            problems.append("\(name): the example of a mistake did not fail with \"\(message)\"")
        }
        if result.status != 0 && errors.isEmpty {
            problems.append("\(name): noisebook run exited \(result.status)\n\(result.err)")
        }
        return problems
    }

    /// The documents whose examples must run: README.md and every docs/*.md.
    static var documents: [String] {
        let docs = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/docs")) ?? [])
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        return ["README.md"] + docs
    }

    func testEveryExampleInTheDocsRuns() throws {
        var all = [String]()
        for name in Self.documents {
            let text = try String(contentsOfFile: Self.root + "/" + name, encoding: .utf8)
            let found = Self.examples(in: text)
            XCTAssertFalse(found.notebooks.isEmpty && found.cells.isEmpty && name == "README.md", "README.md shows examples")
            all += try problems(in: text, named: name)
        }
        XCTAssertEqual(all, [], all.joined(separator: "\n"))
    }

    /// docs/command-line.md's synopsis is the one `noisebook --help` prints (the command
    /// table's own), so an option added to a command cannot be missing from it.
    func testTheDocumentedSynopsisIsTheCommandLinesOwn() throws {
        let help = try noisebook(["--help"])
        XCTAssertEqual(help.status, 0, help.err)
        var synopsis = [String]()
        for line in (help.out + help.err).split(separator: "\n", omittingEmptySubsequences: false).drop(while: { !$0.hasPrefix("usage: ") }) {
            if line.isEmpty { break }
            synopsis.append(String(line.dropFirst(7)))          // "usage: " or its indentation
        }
        XCTAssertGreaterThan(synopsis.count, 5, "noisebook --help shows every command's synopsis")
        let page = try String(contentsOfFile: Self.root + "/docs/command-line.md", encoding: .utf8)
        let section = try XCTUnwrap(page.range(of: "## The command line\n\n```\n"), "docs/command-line.md shows the synopsis")
        let block = page[section.upperBound...]
        let shown = block[..<(block.range(of: "```")?.lowerBound ?? block.endIndex)].split(separator: "\n").map(String.init)
        XCTAssertEqual(shown, synopsis, "docs/command-line.md's synopsis differs from noisebook --help's")
    }

    /// docs/command-line.md lists the environment variables from the one table of them
    /// (`Knob`), so a knob added or renamed cannot be missing there.
    func testTheDocumentedEnvironmentIsTheKnobTable() throws {
        let page = try String(contentsOfFile: Self.root + "/docs/command-line.md", encoding: .utf8)
        XCTAssertTrue(page.contains("## Environment\n"), "docs/command-line.md has an Environment section")
        XCTAssertTrue(page.contains("```\n" + Knob.userTable + "\n```\n"),
                      "docs/command-line.md's environment table differs from Knob.userTable:\n\(Knob.userTable)")
    }

    /// The check catches a broken example and an example of a mistake that does not fail.
    func testABrokenExampleIsCaught() throws {
        let broken = """
        Text.

        ```swift
        let a = 1
        ```

        ```swift
        let b = forwrd(a)
        ```

        <!-- expect-error: cannot find 'zzz' in scope -->
        ```swift
        let c = 2
        ```
        """
        let found = try problems(in: broken, named: "broken.md")
        XCTAssertEqual(found.count, 2, found.joined(separator: "\n"))
        XCTAssertTrue(found.contains { $0.contains("cannot find 'forwrd' in scope") }, found.joined(separator: "\n"))
        XCTAssertTrue(found.contains { $0.contains("did not fail with \"cannot find 'zzz' in scope\"") }, found.joined(separator: "\n"))
    }

    func testExamplesAreFoundWithTheirLinesAndExpectations() {
        let (notebooks, cells) = Self.examples(in: "````markdown\n---\nseed: 1\n---\n```swift\nlet x = 1\n```\n````\n\n<!-- expect-error: boom -->\n```swift\nlet y = 2\n```\n```\nnot a cell\n```\n")
        XCTAssertEqual(notebooks.map(\.line), [1])
        XCTAssertEqual(cells, [Example(line: 11, source: "let y = 2", expectedError: "boom")])
    }
}
