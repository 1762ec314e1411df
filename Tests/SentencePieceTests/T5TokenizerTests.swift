import XCTest

@testable import SentencePiece

/// T5's padded ids and mask against cases.json, which tools/make_tokenizer_fixtures.py
/// computes as transformers' T5Tokenizer does (truncate to 76, EOS 1, pad 0 to 77).
final class T5TokenizerTests: XCTestCase {
    func testEveryFixturePromptMatchesTransformersPadding() throws {
        let cases = try FixtureCases.load()
        let tokenizer = try T5Tokenizer(contentsOf: try Fixtures.path("spiece.model"))
        XCTAssertEqual(tokenizer.maxLength, cases.max_length)
        for item in try XCTUnwrap(cases.models["spiece.model"]).cases {
            let context = "prompt \(shown(item.text)) (reference from \(cases.script))"
            XCTAssertEqual(tokenizer.pieces(item.text), item.ids, context)
            let tokens = tokenizer.encode(item.text)
            XCTAssertEqual(tokens, T5Tokens(ids: item.t5_ids, mask: item.t5_mask), context)
        }
    }

    func testEmptyPromptIsEOSThenPadding() throws {
        let tokens = try T5Tokenizer(contentsOf: try Fixtures.path("spiece.model")).encode("")
        XCTAssertEqual(tokens.ids, [1] + Array(repeating: 0, count: 76))
        XCTAssertEqual(tokens.mask, [1] + Array(repeating: 0, count: 76))
    }

    func testLongPromptIsTruncatedBeforeEOS() throws {
        let tokenizer = try T5Tokenizer(contentsOf: try Fixtures.path("spiece.model"), maxLength: 8)
        let text = "a photo of a dog on the beach at night, digital art"
        let pieces = tokenizer.pieces(text)
        XCTAssertGreaterThan(pieces.count, 8)
        let tokens = tokenizer.encode(text)
        XCTAssertEqual(tokens.ids, Array(pieces.prefix(7)) + [1])
        XCTAssertEqual(tokens.mask, Array(repeating: 1, count: 8))
        let short = tokenizer.encode("a dog")
        XCTAssertEqual(short.ids.count, 8)
        XCTAssertEqual(short.mask.filter { $0 == 1 }.count, tokenizer.pieces("a dog").count + 1)
    }

    func testDoesNotLowercase() throws {
        let tokenizer = try T5Tokenizer(contentsOf: try Fixtures.path("spiece.model"))
        XCTAssertNotEqual(tokenizer.pieces("A Dog"), tokenizer.pieces("a dog"))
    }

    func testModelWithoutPadIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("nopad.model").path
        try Data(modelBytes(trainer: Proto.int32(43, -1))).write(to: URL(fileURLWithPath: path))
        assertSentencePieceError(file: path, containing: "needs eos_id and pad_id, but they are 1 and -1") {
            try T5Tokenizer(contentsOf: path)
        }
    }
}
