import XCTest

@testable import SentencePiece

/// The double-array rules: a hand-built trie, the fixture's compiled NFKC rules, and damage.
final class PrecompiledCharsMapTests: XCTestCase {
    func testHandBuiltTrie() throws {
        let map = try PrecompiledCharsMap(blob: oneRuleCharsMap(), file: "m.model")
        let match = try XCTUnwrap(map.longestMatch(in: Array("abc".utf8), from: 0))
        XCTAssertEqual(match.length, 1)
        XCTAssertEqual(Array(match.replacement), Array("b".utf8))
        XCTAssertNil(map.longestMatch(in: Array("abc".utf8), from: 1))
        XCTAssertNil(map.longestMatch(in: [], from: 0))
    }

    func testFixtureRules() throws {
        // spiece.model holds the "nmt_nfkc" rules of tools/make_tokenizer_fixtures.py.
        let model = try SentencePieceModel(contentsOf: try Fixtures.path("spiece.model"))
        let map = try XCTUnwrap(model.charsMap)
        func replace(_ text: String) -> String? {
            map.longestMatch(in: Array(text.utf8), from: 0).map { String(decoding: $0.replacement, as: UTF8.self) }
        }
        XCTAssertEqual(replace("ﬁx"), "fi")
        XCTAssertEqual(replace("Ａ"), "A")
        XCTAssertEqual(replace("Ⅻ"), "XII")
        XCTAssertEqual(replace("①"), "1")
        XCTAssertEqual(replace("\t"), " ")
        XCTAssertNil(replace("a"))
        XCTAssertNil(replace("漢"))
    }

    func testDamagedBlobsAreRefused() {
        let good = oneRuleCharsMap()
        let cases: [([UInt8], String)] = [
            ([], "0 bytes is too short"),
            ([0, 4, 0, 0], "4 bytes is too short"),
            (le32(4096) + Array(good.dropFirst(4)), "the trie's size 4096 runs past the end (1026 bytes follow the size)"),
            (le32(1024) + Array(good.dropFirst(4).prefix(1024)), "the trie's size 1024 runs past the end (1024 bytes follow the size)"),
            (le32(1020) + Array(good.dropFirst(4)), "the trie's size 1020 is not a positive multiple of 1024"),
            (le32(0) + [0], "the trie's size 0 is not a positive multiple of 1024"),
            (oneRuleCharsMap(value: 7), "trie unit 96 points at replacement 7, which has no end within 2 bytes"),
            (oneRuleCharsMap(replacements: Array("bc".utf8)), "trie unit 96 points at replacement 0, which has no end within 2 bytes"),
            (oneRuleCharsMap(keyUnit: { position in
                // A leaf whose value unit lies past the array's end.
                UInt32((position ^ 300) << 10) | 1 << 8 | UInt32(UInt8(ascii: "a"))
            }), "trie unit 96 has its value at unit 300, past the end (256 units)"),
        ]
        for (blob, message) in cases {
            assertSentencePieceError(file: "m.model", containing: "precompiled_charsmap: \(message)") {
                try PrecompiledCharsMap(blob: blob, file: "m.model")
            }
        }
    }

    func testCyclicTrieLoadsAndLookupsStayBounded() throws {
        // The key's unit points its children back at the root's: "a", "aa", ... all walk the
        // same unit. A valid DAWG never does this, but a lookup must still end.
        let blob = oneRuleCharsMap(keyUnit: { position in UInt32((position ^ 1) << 10) | UInt32(UInt8(ascii: "a")) })
        let map = try PrecompiledCharsMap(blob: blob, file: "m.model")
        XCTAssertNil(map.longestMatch(in: [UInt8](repeating: UInt8(ascii: "a"), count: 1000), from: 0))
    }

    func testDamagedCharsMapInAModelIsRefused() throws {
        // Take the fixture model's real rules and make the trie's size run past the end.
        let proto = try ModelProto(bytes: try Fixtures.bytes("spiece.model"), file: "spiece.model")
        var blob = proto.normalizerSpec.precompiledCharsMap
        blob.replaceSubrange(0..<4, with: le32(UInt32(blob.count)))
        let bytes = modelBytes(normalizer: Proto.bytes(2, blob))
        assertSentencePieceError(file: "bad.model", containing: "precompiled_charsmap: the trie's size \(blob.count) runs past the end") {
            try SentencePieceModel(bytes: bytes, file: "bad.model")
        }
        // The real rules, undamaged, load in the hand-built model.
        blob.replaceSubrange(0..<4, with: proto.normalizerSpec.precompiledCharsMap[0..<4])
        XCTAssertNotNil(try SentencePieceModel(bytes: modelBytes(normalizer: Proto.bytes(2, blob)), file: "ok.model").charsMap)
    }
}
