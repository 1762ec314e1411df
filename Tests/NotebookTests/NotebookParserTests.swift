import Foundation
import Runner
import XCTest
@testable import Notebook

/// Body structure: prose runs, cells, fences, line numbers, CRLF.
final class NotebookParserTests: XCTestCase {
    private func parse(_ text: String) throws -> NotebookDocument {
        try NotebookParser.parse(text: text, path: "Notebooks/t.md", vocabulary: .catalog)
    }

    func testProseAndCellsInOrderWithLines() throws {
        let text = """
        # Heading
        Prose line.

        ```swift
        let x = 1
        show(x)
        ```

        More prose.
        ```swift
        ```
        """
        let document = try parse(text)
        XCTAssertEqual(document.blocks.count, 4)
        guard case .prose(let first) = document.blocks[0], case .cell(let cell0) = document.blocks[1],
              case .prose(let second) = document.blocks[2], case .cell(let cell1) = document.blocks[3] else {
            return XCTFail("unexpected block kinds \(document.blocks)")
        }
        XCTAssertEqual(first.markdown, "# Heading\nProse line.")
        XCTAssertEqual(first.line, 1)
        XCTAssertEqual(cell0.source, "let x = 1\nshow(x)")
        XCTAssertEqual(cell0.fenceLine, 4)
        XCTAssertEqual(cell0.line, 5)
        XCTAssertEqual(cell0.index, 0)
        XCTAssertEqual(second.markdown, "More prose.", "blank lines around prose are trimmed")
        XCTAssertEqual(second.line, 9)
        XCTAssertEqual(cell1.source, "")
        XCTAssertEqual(cell1.index, 1)
        XCTAssertEqual(cell1.fenceLine, 10)
        XCTAssertEqual(document.cells.map(\.index), [0, 1])
        XCTAssertEqual(document.frontMatter.parameters.count, 0)
        XCTAssertNil(document.frontMatter.title)
    }

    func testOtherFencesStayInProse() throws {
        let text = """
        Intro
        ```text
        shown, not run
        ```
        ~~~python
        print(1)
        ~~~
        ```
        plain
        ```
        """
        let document = try parse(text)
        XCTAssertEqual(document.cells.count, 0)
        XCTAssertEqual(document.blocks.count, 1)
        guard case .prose(let prose) = document.blocks[0] else { return XCTFail("expected prose") }
        XCTAssertEqual(prose.markdown, text)
    }

    func testSwiftFenceInsideLongerFenceIsProse() throws {
        let text = """
        ````markdown
        ```swift
        let x = 1
        ```
        ````
        """
        let document = try parse(text)
        XCTAssertEqual(document.cells.count, 0, "a swift fence quoted inside a longer fence is not a cell")
    }

    func testTildeFencesAndLongerClosingFence() throws {
        let text = "~~~~ swift extra words\nlet a = 1\n~~~\nlet b = 2\n~~~~~~\n"
        let cells = try parse(text).cells
        XCTAssertEqual(cells.count, 1)
        XCTAssertEqual(cells[0].source, "let a = 1\n~~~\nlet b = 2", "a shorter closing run does not close the fence")
    }

    func testClosingFenceMustUseSameCharacter() throws {
        let text = "```swift\nlet a = 1\n~~~\n```"
        XCTAssertEqual(try parse(text).cells.first?.source, "let a = 1\n~~~")
    }

    func testInfoStringFirstWordDecides() throws {
        XCTAssertEqual(try parse("```swifty\nx\n```").cells.count, 0)
        XCTAssertEqual(try parse("```Swift\nx\n```").cells.count, 0, "the info string is case-sensitive")
        XCTAssertEqual(try parse("```  swift  \nx\n```").cells.count, 1)
    }

    func testIndentedFenceStripsIndentation() throws {
        let text = "  ```swift\n  let a = 1\n    let b = 2\nlet c = 3\n  ```"
        let cell = try XCTUnwrap(parse(text).cells.first)
        XCTAssertEqual(cell.source, "let a = 1\n  let b = 2\nlet c = 3")
        XCTAssertEqual(cell.indentation, 2)
    }

    func testFourSpaceIndentIsNotAFence() throws {
        XCTAssertEqual(try parse("    ```swift\n    x\n").cells.count, 0)
    }

    func testBacktickInfoWithBacktickIsNotAFence() throws {
        // ```a`b``` is inline code, not an opening fence; no unclosed-fence error either.
        XCTAssertEqual(try parse("```swift `x`\ntext").blocks.count, 1)
    }

    func testCRLFLineEndings() throws {
        let text = "---\r\ntitle: T\r\nseed: 3\r\n---\r\nProse\r\n\r\n```swift\r\nlet x = 1\r\nlet y = 2\r\n```\r\n"
        let document = try parse(text)
        XCTAssertEqual(document.frontMatter.title, "T")
        XCTAssertEqual(document.frontMatter.seed, 3)
        XCTAssertEqual(document.cells.first?.source, "let x = 1\nlet y = 2")
        XCTAssertEqual(document.cells.first?.line, 8)
        guard case .prose(let prose) = document.blocks[0] else { return XCTFail("expected prose") }
        XCTAssertEqual(prose.markdown, "Prose")
        XCTAssertEqual(prose.line, 5)
    }

    func testByteOrderMarkIsSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("---\ntitle: B\n---\n".utf8)
        XCTAssertEqual(try NotebookParser.parse(bytes: bytes, path: "b.md", vocabulary: .catalog).frontMatter.title, "B")
    }

    func testEmptyFileAndBlankProse() throws {
        XCTAssertEqual(try parse("").blocks.count, 0)
        XCTAssertEqual(try parse("\n\n  \n").blocks.count, 0, "whitespace-only prose is dropped")
    }

    func testUnclosedFenceNamesOpeningLineAndColumn() {
        let text = "Intro\n\n   ```swift\nlet x = 1\n"
        XCTAssertThrowsError(try parse(text)) { error in
            XCTAssertEqual(String(describing: error),
                           "Notebooks/t.md:3:4: error: code fence opened here is never closed (expected a line of at least 3 '`')")
        }
        XCTAssertThrowsError(try parse("~~~~text\nx\n~~~\n")) { error in
            XCTAssertEqual((error as? NotebookError)?.line, 1)
            XCTAssertEqual((error as? NotebookError)?.column, 1)
            XCTAssertEqual((error as? NotebookError)?.message,
                           "code fence opened here is never closed (expected a line of at least 4 '~')")
        }
    }

    func testNonUTF8NamesLineAndByteColumn() {
        var bytes = Array("---\ntitle: x\n---\nok line\nab".utf8)
        bytes += [0xFF, 0x41, 0x0A]
        XCTAssertThrowsError(try NotebookParser.parse(bytes: bytes, path: "n.md", vocabulary: .catalog)) { error in
            XCTAssertEqual(String(describing: error),
                           "n.md:5:3: error: invalid UTF-8 byte 0xFF; notebooks must be UTF-8 text")
        }
    }

    func testNonUTF8Variants() {
        let cases: [([UInt8], Int, Int)] = [
            ([0x61, 0xC3], 1, 3),                   // truncated two-byte sequence at end
            ([0xC0, 0x80], 1, 1),                   // overlong lead byte
            ([0x0A, 0xE0, 0x80, 0x80], 2, 2),       // overlong three-byte form: second byte out of range
            ([0xED, 0xA0, 0x80], 1, 2),             // UTF-16 surrogate
            ([0xF4, 0x90, 0x80, 0x80], 1, 2),       // past U+10FFFF
            ([0x62, 0x80], 1, 2),                   // stray continuation byte
        ]
        for (bytes, line, column) in cases {
            XCTAssertThrowsError(try NotebookParser.parse(bytes: bytes, path: "v.md", vocabulary: .catalog), "\(bytes)") { error in
                XCTAssertEqual((error as? NotebookError)?.line, line, "\(bytes)")
                XCTAssertEqual((error as? NotebookError)?.column, column, "\(bytes)")
            }
        }
    }

    func testMultibyteUTF8IsAccepted() throws {
        let text = "ε ≈ 𝒩(0, I) — déjà vu 🙂\n```swift\nshow(\"ᾱ\")\n```"
        let document = try parse(text)
        XCTAssertEqual(document.cells.first?.source, "show(\"ᾱ\")")
    }

    func testTenMegabyteProseLineParsesInUnderASecond() throws {
        let long = String(repeating: "abcdefghij", count: 1_000_000)
        let bytes = Array("# Title\n\(long)\n```swift\nlet x = 1\n```\n".utf8)
        let start = Date()
        let document = try NotebookParser.parse(bytes: bytes, path: "long.md", vocabulary: .catalog)
        let elapsed = Date().timeIntervalSince(start)
        guard case .prose(let prose) = document.blocks.first else { return XCTFail("expected prose") }
        XCTAssertEqual(prose.markdown.utf8.count, 10_000_008)
        XCTAssertEqual(document.cells.first?.line, 4)
        XCTAssertLessThan(elapsed, 1.0, "a 10 MB line took \(elapsed) s even in a debug build")
    }

    func testTenMegabyteLineIsLinear() throws {
        let long = String(repeating: "abcdefghij", count: 1_000_000)
        let text = "---\ntitle: \(long)\n---\n\(long)\n```swift\nlet s = \"\(long)\"\n```\n"
        let start = Date()
        let document = try parse(text)
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(document.frontMatter.title?.utf8.count, 10_000_000)
        XCTAssertEqual(document.cells.first?.source.utf8.count, 10_000_010)
        // Three 10 MB lines in a debug build; a quadratic scan would take minutes.
        XCTAssertLessThan(elapsed, 3.0, "parsing 30 MB of long lines took \(elapsed) s")
    }
}

/// `::: {model="..."}` blocks: prose that applies to some models only.
final class ModelBlockTests: XCTestCase {
    private func parse(_ text: String) throws -> NotebookDocument {
        try NotebookParser.parse(text: text, path: "Notebooks/t.md", vocabulary: .catalog)
    }

    private func error(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func testProseInsideABlockNamesItsModels() throws {
        let document = try parse("""
        Everyone reads this.

        ::: {model="IF-I-*"}
        On DeepFloyd IF the village is a photograph.
        :::

        ::: {model="trained, builtin*"}
        On the small models it is a drawing.
        :::
        ```swift
        let x = 1
        ```
        """)
        let prose = document.blocks.compactMap { block -> Prose? in
            if case .prose(let p) = block { return p } else { return nil }
        }
        XCTAssertEqual(prose.map(\.markdown), ["Everyone reads this.", "On DeepFloyd IF the village is a photograph.",
                                               "On the small models it is a drawing."])
        XCTAssertEqual(prose.map(\.line), [1, 4, 8])
        XCTAssertEqual(prose.map { $0.applies(to: "IF-I-L") }, [true, true, false])
        XCTAssertEqual(prose.map { $0.applies(to: "trained") }, [true, false, true])
        XCTAssertEqual(prose.map { $0.applies(to: "builtin-local") }, [true, false, true])
        XCTAssertEqual(document.cells.count, 1)
    }

    func testPatterns() {
        XCTAssertTrue(Prose.matches("IF-I-XL", pattern: "IF-I-*"))
        XCTAssertTrue(Prose.matches("builtin-mean", pattern: "builtin*"))
        XCTAssertTrue(Prose.matches("builtin", pattern: "builtin*"))
        XCTAssertTrue(Prose.matches("IF-I-M", pattern: "*-M"))
        XCTAssertFalse(Prose.matches("trained", pattern: "IF-I-*"))
        XCTAssertFalse(Prose.matches("IF-I-M", pattern: "IF-I-L"))
        XCTAssertFalse(Prose.matches("ab", pattern: "a*b*b"))
    }

    func testMistakesAreLocated() {
        XCTAssertEqual(error("Text\n::: {model=\"IF-II-L\"}\nx\n:::\n"),
                       "Notebooks/t.md:2:13: error: model block for 'IF-II-L', which names no model (known: trained, builtin, builtin-local, builtin-mean, IF-I-M, IF-I-L, IF-I-XL)")
        XCTAssertEqual(error("::: {model=\"trained\"}\nNever closed.\n"),
                       "Notebooks/t.md:1:1: error: model block opened here is never closed (expected a line ':::')")
        XCTAssertEqual(error("Text\n:::\n"), "Notebooks/t.md:2:1: error: ':::' closes no model block")
        XCTAssertTrue(error("::: {model=\"trained\"}\n```swift\nlet x = 1\n```\n:::\n").contains("t.md:2:1: error: a swift cell cannot be inside a model block (opened at line 1)"))
        XCTAssertTrue(error("::: note\n").contains("t.md:1:1: error: cannot read this model block"))
    }

    func testMarkersInsideOtherFencesAreText() throws {
        let document = try parse("```\n::: {model=\"nothing\"}\n```\n")
        guard case .prose(let prose)? = document.blocks.first else { return XCTFail("\(document.blocks)") }
        XCTAssertNil(prose.models)
    }
}
