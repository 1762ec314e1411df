import XCTest

@testable import SentencePiece

/// The encoder against the reference: every prompt of cases.json, written by
/// tools/make_tokenizer_fixtures.py with the `sentencepiece` package, for each of its models.
final class UnigramTokenizerTests: XCTestCase {
    /// Checks every case of one fixture model: normalized text and ids identical.
    private func checkCases(of modelName: String) throws {
        let cases = try FixtureCases.load()
        let tokenizer = try UnigramTokenizer(contentsOf: try Fixtures.path(modelName))
        let model = try XCTUnwrap(cases.models[modelName], "\(modelName) has no cases; rerun \(fixtureScript)")
        XCTAssertGreaterThan(model.cases.count, 5)
        for item in model.cases {
            let context = "\(modelName), prompt \(shown(item.text)) (reference from \(cases.script), sentencepiece \(cases.sentencepiece_version))"
            XCTAssertEqual(tokenizer.normalize(item.text), item.normalized, "normalized: " + context)
            let ids = tokenizer.encode(item.text)
            XCTAssertEqual(ids, item.ids, "ids: \(tokenizer.pieceTexts(ids)) vs \(tokenizer.pieceTexts(item.ids)), " + context)
        }
    }

    func testT5LikeModelMatchesSentencePiece() throws { try checkCases(of: "spiece.model") }

    func testUserDefinedSymbolsMatchSentencePiece() throws { try checkCases(of: "user.model") }

    func testHandWrittenRulesMatchSentencePiece() throws { try checkCases(of: "rules.model") }

    func testFixturesCoverWhatTheyClaim() throws {
        let cases = try FixtureCases.load()
        XCTAssertEqual(cases.script, fixtureScript)
        let spiece = try XCTUnwrap(cases.models["spiece.model"]).cases
        XCTAssertTrue(spiece.contains { $0.ids.count > cases.max_length }, "no prompt longer than the window")
        XCTAssertTrue(spiece.contains { $0.ids.contains(2) }, "no prompt with an unknown piece")
        XCTAssertTrue(spiece.contains { $0.text.isEmpty })
        let user = try XCTUnwrap(cases.models["user.model"]).cases
        let model = try SentencePieceModel(contentsOf: try Fixtures.path("user.model"))
        let userDefined = Set(model.pieces.indices.filter { model.pieces[$0].type == .userDefined })
        XCTAssertTrue(user.contains { !userDefined.isDisjoint(with: $0.ids) }, "no user-defined piece produced")
    }

    func testUnknownCharactersMergeIntoOneUnknownId() throws {
        let tokenizer = try UnigramTokenizer(contentsOf: try Fixtures.path("spiece.model"))
        // Three CJK characters outside the vocabulary: one <unk>, after the "▁" piece.
        XCTAssertEqual(tokenizer.encode("漢字漢"), [4, 2])
        XCTAssertEqual(tokenizer.pieceTexts([4, 2, 9999]), ["▁", "<unk>", "<invalid id 9999>"])
    }

    func testUserDefinedPiecesAreAlwaysPreferred() throws {
        // "ab" as USER_DEFINED beats "a" + "b" (-6) although its NORMAL score would be -40.
        var pieces = tinyPieces
        pieces[7] = ("ab", -40, 4)
        let tokenizer = UnigramTokenizer(model: try SentencePieceModel(bytes: modelBytes(pieces: pieces), file: "t.model"))
        XCTAssertEqual(tokenizer.encode("ab"), [3, 7])
        pieces[7] = ("ab", -40, 1)
        let normal = UnigramTokenizer(model: try SentencePieceModel(bytes: modelBytes(pieces: pieces), file: "t.model"))
        XCTAssertEqual(normal.encode("ab"), [6, 5])
    }

    func testUnusedAndControlPiecesAreNeverMatched() throws {
        var pieces = tinyPieces
        pieces[6] = ("▁a", -0.1, 5)   // UNUSED: "▁" + "a" instead
        pieces.append(("b</s>", -0.1, 3))  // CONTROL text is not matched either
        let tokenizer = UnigramTokenizer(model: try SentencePieceModel(bytes: modelBytes(pieces: pieces), file: "t.model"))
        XCTAssertEqual(tokenizer.encode("a"), [3, 4])
        XCTAssertEqual(tokenizer.encode("b</s>"), [3, 5, 2])
    }

    func testTiesKeepTheEarlierCandidate() throws {
        // "▁ab" splits as "▁" + "ab" (-1 - 6) or "▁" + "a" + "b" (-1 - 3 - 3): a tie. Both end
        // at the last byte; "ab" (from byte 3) is considered before "b" (from byte 4), and
        // a later candidate replaces the best path only when strictly greater.
        var pieces = tinyPieces
        pieces[3] = ("▁", -1, 1)
        pieces[6] = ("▁a", -40, 1)
        pieces[7] = ("ab", -6, 1)
        let tokenizer = UnigramTokenizer(model: try SentencePieceModel(bytes: modelBytes(pieces: pieces), file: "t.model"))
        XCTAssertEqual(tokenizer.encode("ab"), [3, 7])
        pieces[7] = ("ab", -6.5, 1)
        let split = UnigramTokenizer(model: try SentencePieceModel(bytes: modelBytes(pieces: pieces), file: "t.model"))
        XCTAssertEqual(split.encode("ab"), [3, 4, 5])
    }

    func testMalformedBytesInNormalizedTextBecomeUnknown() throws {
        let tokenizer = UnigramTokenizer(model: try SentencePieceModel(bytes: modelBytes(), file: "t.model"))
        // A stray continuation byte counts as one character; a cut-short lead byte as its
        // announced length, clipped at the end.
        XCTAssertEqual(tokenizer.encode(normalized: [0x61, 0x80, 0x62]), [4, 2, 5])
        XCTAssertEqual(tokenizer.encode(normalized: [0x61, 0xE2]), [4, 2])
        XCTAssertEqual(tokenizer.encode(normalized: []), [])
    }
}
