import XCTest

@testable import SentencePiece

/// Normalization details that the fixtures cannot reach: malformed bytes (a Swift String is
/// always valid UTF-8) and the flag combinations on a hand-built model.
final class NormalizerTests: XCTestCase {
    private func normalizer(_ normalizer: [UInt8] = [], pieces: [TestPiece] = tinyPieces) throws -> Normalizer {
        Normalizer(model: try SentencePieceModel(bytes: modelBytes(pieces: pieces, normalizer: normalizer), file: "n.model"))
    }

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    func testMalformedBytesBecomeOneReplacementCharacterEach() throws {
        let n = try normalizer()
        XCTAssertEqual(text(n.normalize([0x61, 0xFF, 0x62])), "▁a\u{FFFD}b")
        XCTAssertEqual(text(n.normalize([0xE2, 0x96])), "▁\u{FFFD}\u{FFFD}", "cut short")
        XCTAssertEqual(text(n.normalize([0xC0, 0x80])), "▁\u{FFFD}\u{FFFD}", "overlong")
        XCTAssertEqual(text(n.normalize([0xED, 0xA0, 0x80])), "▁\u{FFFD}\u{FFFD}\u{FFFD}", "surrogate")
        XCTAssertEqual(text(n.normalize([0xF4, 0x90, 0x80, 0x80])), "▁\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}", "past U+10FFFF")
        XCTAssertEqual(text(n.normalize(Array("é€😀".utf8))), "▁é€😀")
        XCTAssertEqual(Normalizer.validCharacterLength(Array("\u{FFFD}".utf8), at: 0), 3)
    }

    func testWhitespaceWithDefaults() throws {
        let n = try normalizer()
        XCTAssertEqual(text(n.normalize(Array("  a  b  ".utf8))), "▁a▁b")
        XCTAssertEqual(text(n.normalize(Array("   ".utf8))), "")
        XCTAssertEqual(text(n.normalize([])), "")
        // Without rules a tab is not a space: it is kept, and ends the leading run.
        XCTAssertEqual(text(n.normalize(Array("\ta".utf8))), "▁\ta")
        // A "▁" in the text is trimmed at the end like an escaped space.
        XCTAssertEqual(text(n.normalize(Array("a ▁".utf8))), "▁a")
        XCTAssertEqual(text(n.normalize(Array("▁".utf8))), "")
    }

    func testFlagsOff() throws {
        let keep = try normalizer(Proto.varint(4, 0))
        XCTAssertEqual(text(keep.normalize(Array("  a  b ".utf8))), "▁▁▁a▁▁b▁")
        let noPrefix = try normalizer(Proto.varint(3, 0))
        XCTAssertEqual(text(noPrefix.normalize(Array(" a  b ".utf8))), "a▁b")
        let noEscape = try normalizer(Proto.varint(5, 0))
        XCTAssertEqual(text(noEscape.normalize(Array("  a  b  ".utf8))), " a b")
        let nothing = try normalizer(Proto.varint(3, 0) + Proto.varint(4, 0) + Proto.varint(5, 0))
        XCTAssertEqual(text(nothing.normalize(Array(" a  b ".utf8))), " a  b ")
    }

    func testUserDefinedSymbolsBypassTheRules() throws {
        // The rule maps "a" to "b"; the user-defined "ax" is kept whole before the rules apply.
        let rules = Proto.bytes(2, oneRuleCharsMap())
        let plain = try normalizer(rules)
        XCTAssertEqual(text(plain.normalize(Array("ax a".utf8))), "▁bx▁b")
        let withSymbol = try normalizer(rules, pieces: tinyPieces + [("ax", 0, 4)])
        XCTAssertEqual(text(withSymbol.normalize(Array("ax a".utf8))), "▁ax▁b")
    }
}
