@testable import Notebook
import TextDistance
import Runner
import XCTest

/// Front matter: keys, values, parameters and every error message with its location.
final class FrontMatterTests: XCTestCase {
    private func frontMatter(_ body: String) throws -> FrontMatter {
        try NotebookParser.parse(text: "---\n\(body)\n---\n# Body\n", path: "fm.md", vocabulary: .catalog).frontMatter
    }

    /// The rendered error of parsing a front matter body (which starts on file line 2).
    private func failure(_ body: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try frontMatter(body)
            XCTFail("expected an error", file: file, line: line)
            return ""
        } catch {
            return String(describing: error)
        }
    }

    func testFullExample() throws {
        let body = """
        title: 1.1 The forward process
        seed: 180
        model: auto            # optional
        weights: path/to/dir   # optional
        # a comment line

        parameters:
          steps: 33
          noise_levels: [250, 500, 750]
          prompt: "a high quality photo"
          guidance: 7.5
          enabled: true
          name: bare words here   # trailing comment
          mixed: [1, 2.5, "x, y", 'it''s', false, [3]]
          empty: []
          negative: -4
          tiny: 1e-3
        """
        let document = try NotebookParser.parse(text: "---\n\(body)\n---\nProse", path: "fm.md", vocabulary: .catalog)
        let fm = document.frontMatter
        XCTAssertEqual(fm.title, "1.1 The forward process")
        XCTAssertEqual(fm.seed, 180)
        XCTAssertEqual(fm.model, "auto")
        XCTAssertEqual(fm.weights, "path/to/dir")
        XCTAssertEqual(fm.parameters.map(\.name),
                       ["steps", "noise_levels", "prompt", "guidance", "enabled", "name", "mixed", "empty", "negative", "tiny"])
        XCTAssertEqual(fm.parameters.map(\.line), Array(9...18))
        XCTAssertEqual(fm.parameter(named: "steps")?.value, .int(33))
        XCTAssertEqual(fm.parameter(named: "noise_levels")?.value, .list([.int(250), .int(500), .int(750)]))
        XCTAssertEqual(fm.parameter(named: "prompt")?.value, .string("a high quality photo"))
        XCTAssertEqual(fm.parameter(named: "guidance")?.value, .double(7.5))
        XCTAssertEqual(fm.parameter(named: "enabled")?.value, .bool(true))
        XCTAssertEqual(fm.parameter(named: "name")?.value, .string("bare words here"))
        XCTAssertEqual(fm.parameter(named: "mixed")?.value,
                       .list([.int(1), .double(2.5), .string("x, y"), .string("it's"), .bool(false), .list([.int(3)])]))
        XCTAssertEqual(fm.parameter(named: "empty")?.value, .list([]))
        XCTAssertEqual(fm.parameter(named: "negative")?.value, .int(-4))
        XCTAssertEqual(fm.parameter(named: "tiny")?.value, .double(0.001))
        guard case .prose(let prose) = document.blocks.first else { return XCTFail("expected prose") }
        XCTAssertEqual(prose.line, 20)
    }

    func testStringKeysKeepBareTextAsWritten() throws {
        let fm = try frontMatter("title: 1.10\nweights: \"/data/IF weights\"\nmodel: 'IF-I-XL'")
        XCTAssertEqual(fm.title, "1.10", "a numeric-looking title stays text, not 1.1")
        XCTAssertEqual(fm.weights, "/data/IF weights")
        XCTAssertEqual(fm.model, "IF-I-XL")
    }

    func testQuotedStringEscapesAndHashInside() throws {
        let fm = try frontMatter(#"parameters:\#n  p: "say \"hi\"\t# not a comment\\" # comment"#)
        XCTAssertEqual(fm.parameters.first?.value, .string("say \"hi\"\t# not a comment\\"))
    }

    func testHashWithoutSpaceIsPartOfBareValue() throws {
        XCTAssertEqual(try frontMatter("title: Part#2").title, "Part#2")
        XCTAssertEqual(try frontMatter("title: C# notes # comment").title, "C# notes")
    }

    func testNoFrontMatterWhenFirstLineIsNotDelimiter() throws {
        let document = try NotebookParser.parse(text: "\n---\ntitle: x\n---\n", path: "p.md", vocabulary: .catalog)
        XCTAssertNil(document.frontMatter.title)
    }

    func testLargestSeed() throws {
        XCTAssertEqual(try frontMatter("seed: 18446744073709551615").seed, UInt64.max)
    }

    func testUnclosedFrontMatter() {
        XCTAssertThrowsError(try NotebookParser.parse(text: "---\ntitle: x\nseed: 1\n", path: "u.md", vocabulary: .catalog)) { error in
            XCTAssertEqual(String(describing: error), "u.md:1:1: error: front matter opened here is never closed by a '---' line")
        }
    }

    func testUnknownKeySuggestsClosest() {
        XCTAssertEqual(failure("title: x\ntilte: y"), "fm.md:3:1: error: unknown front-matter key 'tilte'; did you mean 'title'?")
        XCTAssertEqual(failure("paramters:"), "fm.md:2:1: error: unknown front-matter key 'paramters'; did you mean 'parameters'?")
        XCTAssertEqual(failure("colour: red"),
                       "fm.md:2:1: error: unknown front-matter key 'colour' (expected one of: title, seed, model, weights, weights2, embeddings, precision, parameters)")
    }

    func testSeedErrors() {
        XCTAssertEqual(failure("seed: -3"), "fm.md:2:7: error: seed must be a non-negative integer, found -3")
        XCTAssertEqual(failure("seed:   1.5"), "fm.md:2:9: error: seed must be a non-negative integer, found 1.5")
        XCTAssertEqual(failure("seed: \"7\""), "fm.md:2:7: error: seed must be a non-negative integer, found \"7\"")
        XCTAssertEqual(failure("seed: 18446744073709551616"),
                       "fm.md:2:7: error: seed 18446744073709551616 is too large (at most 18446744073709551615)")
    }

    func testModelMustBeKnown() {
        XCTAssertEqual(failure("model: IF-I-XXL"),
                       "fm.md:2:8: error: unknown model 'IF-I-XXL'; did you mean 'IF-I-XL'? (known: auto, trained, builtin, builtin-local, builtin-mean, IF-I-M, IF-I-L, IF-I-XL)")
        XCTAssertEqual(failure("model: [a]"), "fm.md:2:8: error: 'model' must be a string, found a list")
    }

    func testPrecisionMustBeKnown() {
        XCTAssertEqual(failure("precision: bf61"),
                       "fm.md:2:12: error: unknown precision 'bf61'; did you mean 'bf16'? (expected fp32 or bf16)")
        XCTAssertEqual(failure("precision: [bf16]"), "fm.md:2:12: error: 'precision' must be a string, found a list")
    }

    func testValueErrors() {
        XCTAssertEqual(failure("title:"), "fm.md:2:7: error: missing value after ':'")
        XCTAssertEqual(failure("title:   # nothing"), "fm.md:2:10: error: missing value after ':'")
        XCTAssertEqual(failure("title: \"open"), "fm.md:2:8: error: unterminated string")
        XCTAssertEqual(failure("title: \"a\" b"), "fm.md:2:12: error: unexpected text after the value")
        XCTAssertEqual(failure("title: \"a\\q\""), "fm.md:2:10: error: unknown escape '\\q' in string")
        XCTAssertEqual(failure("parameters:\n  xs: [1, 2"), "fm.md:3:7: error: unterminated list (missing ']')")
        XCTAssertEqual(failure("parameters:\n  xs: [1, , 2]"), "fm.md:3:11: error: missing value")
        XCTAssertEqual(failure("parameters:\n  xs: [\"a\" \"b\"]"), "fm.md:3:12: error: expected ',' or ']' in list")
        XCTAssertEqual(failure("parameters:\n  n: 99999999999999999999"), "fm.md:3:6: error: integer 99999999999999999999 is out of range")
    }

    func testStructureErrors() {
        XCTAssertEqual(failure("just words"), "fm.md:2:1: error: expected 'key: value', found 'just words'")
        XCTAssertEqual(failure("title: x\n  steps: 3"),
                       "fm.md:3:3: error: unexpected indented line; only entries under 'parameters:' are indented")
        XCTAssertEqual(failure("parameters:\n  noise-levels: 3"),
                       "fm.md:3:3: error: parameter name 'noise-levels' is not an identifier (letters, digits and '_', not starting with a digit)")
        XCTAssertEqual(failure("parameters:\n  2x: 3"),
                       "fm.md:3:3: error: parameter name '2x' is not an identifier (letters, digits and '_', not starting with a digit)")
        XCTAssertEqual(failure("parameters:\n  steps"), "fm.md:3:3: error: expected 'name: value', found 'steps'")
        XCTAssertEqual(failure("parameters: [1]"),
                       "fm.md:2:13: error: 'parameters:' takes indented 'name: value' lines below it, not a value on the same line")
        XCTAssertEqual(failure("seed: 1\nseed: 2"), "fm.md:3:1: error: duplicate key 'seed' (first set on line 2)")
        XCTAssertEqual(failure("parameters:\n  a: 1\n  a: 2"), "fm.md:4:3: error: duplicate parameter 'a' (first set on line 3)")
        XCTAssertEqual(failure("parameters:\n  a: 1\ntitle: t\n  b: 2"),
                       "fm.md:5:3: error: unexpected indented line; only entries under 'parameters:' are indented")
    }

    func testColumnsCountCharactersNotBytes() {
        XCTAssertEqual(failure("title: \"ε ≈ 🙂\" x"), "fm.md:2:16: error: unexpected text after the value")
    }

    func testParameterValueDescriptionRoundTrips() throws {
        let values: [ParameterValue] = [.int(-2), .double(0.25), .bool(false), .string("a \"q\" \\ b"),
                                        .list([.int(1), .list([.string("x")])])]
        for value in values {
            let parsed = try frontMatter("parameters:\n  v: \(value.description)").parameters.first?.value
            XCTAssertEqual(parsed, value)
        }
    }

    func testClosestMatchDistance() {
        XCTAssertNil(ClosestMatch.suggestion(for: "zzzzzz", among: FrontMatter.knownKeys))
        XCTAssertEqual(ClosestMatch.suggestion(for: "SEED", among: FrontMatter.knownKeys), "seed")
    }
}
