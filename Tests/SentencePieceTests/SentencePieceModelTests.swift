import Diagnostics
import Foundation
import XCTest

@testable import SentencePiece

/// Loading models: the fixtures of tools/make_tokenizer_fixtures.py, hand-built models that
/// must be refused, and damaged copies of the fixture that must throw, never crash.
final class SentencePieceModelTests: XCTestCase {
    func testFixtureModelFields() throws {
        let model = try SentencePieceModel(contentsOf: try Fixtures.path("spiece.model"))
        XCTAssertEqual(model.vocabularySize, 320)
        XCTAssertEqual([model.padID, model.eosID, model.unkID, model.bosID], [0, 1, 2, -1])
        XCTAssertEqual(model.pieces[0], model.pieces[0])
        XCTAssertEqual(model.pieces[0].piece, "<pad>")
        XCTAssertEqual(model.pieces[0].type, .control)
        XCTAssertEqual(model.pieces[1].piece, "</s>")
        XCTAssertEqual(model.pieces[2].type, .unknown)
        XCTAssertEqual(model.pieces[3].type, .normal)
        XCTAssertLessThan(model.pieces[3].score, 0)
        XCTAssertEqual(model.normalizerName, "nmt_nfkc")
        XCTAssertTrue(model.addDummyPrefix && model.removeExtraWhitespaces && model.escapeWhitespaces)
        XCTAssertNotNil(model.charsMap)

        let user = try SentencePieceModel(contentsOf: try Fixtures.path("user.model"))
        XCTAssertEqual(user.normalizerName, "identity")
        XCTAssertNil(user.charsMap)
        XCTAssertFalse(user.addDummyPrefix || user.removeExtraWhitespaces)
        XCTAssertTrue(user.escapeWhitespaces)
        XCTAssertEqual(user.pieces.filter { $0.type == .userDefined }.map(\.piece), ["<cat>", "[MASK]", "DDPM", "photo of"])
    }

    func testUnreadableFiles() throws {
        assertSentencePieceError(file: "/nonexistent/spiece.model", containing: "cannot read the SentencePiece model: no such file") {
            try SentencePieceModel(contentsOf: "/nonexistent/spiece.model")
        }
        let folder = NSTemporaryDirectory()
        assertSentencePieceError(file: folder, containing: "it is a directory") { try SentencePieceModel(contentsOf: folder) }
        let error = SentencePieceError.malformed(file: "a/b.model", reason: "x")
        XCTAssertEqual(error.diagnostic.rendered(program: "noisebook"), "a/b.model: error: not a valid SentencePiece model: x")
        XCTAssertEqual(error.description, "a/b.model: not a valid SentencePiece model: x", "inside another diagnostic: no second 'error:'")
        XCTAssertEqual(SentencePieceError.unsupported(file: "f", reason: "y").diagnostic.rendered(program: "noisebook"),
                       "f: error: unsupported SentencePiece model: y")
    }

    func testEmptyAndRandomFilesAreRefused() {
        assertSentencePieceError(file: "empty.model", containing: "the file is empty") {
            try SentencePieceModel(bytes: [], file: "empty.model")
        }
        var generator = SplitMix64(state: 2024)
        for round in 0..<300 {
            let count = Int.random(in: 1...600, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            assertSentencePieceError(file: "random.model", "round \(round)") {
                try SentencePieceModel(bytes: bytes, file: "random.model")
            }
        }
    }

    /// The byte offsets where the fixture's top-level fields end.
    private func topLevelBoundaries(_ bytes: [UInt8]) throws -> Set<Int> {
        var reader = ProtobufReader(bytes: bytes, file: "spiece.model")
        var boundaries: Set<Int> = []
        while !reader.isAtEnd {
            try reader.skip(try reader.readTag().wireType)
            boundaries.insert(reader.offset)
        }
        return boundaries
    }

    func testTruncatedFixtureThrowsOrEndsOnAFieldBoundary() throws {
        let bytes = try Fixtures.bytes("spiece.model")
        let boundaries = try topLevelBoundaries(bytes)
        let cuts = Array(1..<80) + Array(stride(from: 80, to: bytes.count, by: 997)) + [bytes.count - 1, bytes.count - 3]
        var refused = 0
        for cut in cuts {
            do {
                _ = try SentencePieceModel(bytes: Array(bytes.prefix(cut)), file: "cut.model")
                // Protobuf cannot tell a file cut between fields from a shorter file: then the
                // missing fields' defaults apply, and must still make a consistent model.
                XCTAssertTrue(boundaries.contains(cut), "a cut at \(cut) inside a field loaded")
            } catch let error as SentencePieceError {
                XCTAssertEqual(error.file, "cut.model")
                refused += 1
            }
        }
        XCTAssertGreaterThan(refused, cuts.count / 2)
        // Cut inside the normalizer spec: the last field's length runs past the end.
        assertSentencePieceError(file: "cut.model", containing: "runs past the end") {
            try SentencePieceModel(bytes: Array(bytes.dropLast(10)), file: "cut.model")
        }
    }

    func testFlippedLengthByteIsRefused() throws {
        let bytes = try Fixtures.bytes("spiece.model")
        // The first piece: tag 0x0A, then its length (one byte for a short piece).
        XCTAssertEqual(bytes[0], 0x0A)
        XCTAssertLessThan(bytes[1], 0x80)
        for flipped in [UInt8(0x7F), 0x00, 0x01, bytes[1] ^ 0x01] {
            var damaged = bytes
            damaged[1] = flipped
            assertSentencePieceError(file: "flip.model", "length byte \(flipped)") {
                try SentencePieceModel(bytes: damaged, file: "flip.model")
            }
        }
        var huge = bytes
        huge.replaceSubrange(1...1, with: Proto.varint(UInt64(bytes.count)))
        assertSentencePieceError(file: "flip.model", containing: "at byte 1: length \(bytes.count) runs past the end") {
            try SentencePieceModel(bytes: huge, file: "flip.model")
        }
    }

    func testGroupsAreRefused() throws {
        let bytes = try Fixtures.bytes("spiece.model")
        assertSentencePieceError(file: "g.model", containing: "at byte \(bytes.count): field 9: groups (wire type 3) are not supported") {
            try SentencePieceModel(bytes: bytes + Proto.tag(9, 3) + Proto.tag(9, 4), file: "g.model")
        }
        let inPiece = Proto.bytes(1, Proto.tag(1, 3)) + modelBytes()
        assertSentencePieceError(file: "g.model", containing: "at byte 2: field 1: groups (wire type 3)") {
            try SentencePieceModel(bytes: inPiece, file: "g.model")
        }
    }

    func testWrongWireTypeForAKnownField() {
        let bytes = Proto.varint(1, 5) + modelBytes()
        assertSentencePieceError(file: "w.model", containing: "at byte 0: ModelProto field 1 has wire type VARINT, expected LEN") {
            try SentencePieceModel(bytes: bytes, file: "w.model")
        }
        let score = modelBytes(trainer: Proto.fixed32(40, 2))
        assertSentencePieceError(file: "w.model", containing: "TrainerSpec field 40 has wire type I32, expected VARINT") {
            try SentencePieceModel(bytes: score, file: "w.model")
        }
    }

    func testUnsupportedModelsAreRefused() {
        let cases: [([UInt8], String)] = [
            (modelBytes(trainer: Proto.varint(3, 2)), "unsupported SentencePiece model: it is a BPE model; only UNIGRAM models (T5's) are supported"),
            (modelBytes(trainer: Proto.varint(3, 4)), "it is a CHAR model"),
            (modelBytes(trainer: Proto.varint(3, 9)), "it is model_type 9"),
            (modelBytes(trainer: Proto.varint(35, 1)), "byte_fallback is not supported (T5's vocabulary has no byte pieces)"),
            (modelBytes(trainer: Proto.varint(24, 1)), "treat_whitespace_as_suffix is not supported"),
            (modelBytes(pieces: tinyPieces + [("<0x41>", 0, 6)]), "piece 9 ('<0x41>') is a BYTE piece; byte fallback is not supported"),
        ]
        for (bytes, message) in cases {
            assertSentencePieceError(file: "u.model", containing: message) { try SentencePieceModel(bytes: bytes, file: "u.model") }
        }
    }

    func testInconsistentVocabulariesAreRefused() {
        var twoUnknowns = tinyPieces
        twoUnknowns[8] = ("x", 0, 2)
        var emptyPiece = tinyPieces
        emptyPiece[5] = ("", -1, 1)
        var duplicate = tinyPieces
        duplicate[8] = ("a", -1, 1)
        var badType = tinyPieces
        badType[4] = ("a", -1, 9)
        var nan = tinyPieces
        nan[4] = ("a", .nan, 1)
        let cases: [([UInt8], String)] = [
            (modelBytes(pieces: []), "not a valid SentencePiece model: the model has no pieces"),
            (modelBytes(trainer: Proto.int32(40, 9)), "unk_id 9 is outside the vocabulary of 9 pieces"),
            (modelBytes(trainer: Proto.int32(40, -1)), "unk_id -1 is outside the vocabulary"),
            (modelBytes(trainer: Proto.int32(40, 1)), "unk_id 1 names '</s>', which is not of type UNKNOWN"),
            (modelBytes(pieces: twoUnknowns), "there are 2 UNKNOWN pieces (ids 2, 8); there must be one"),
            (modelBytes(pieces: emptyPiece), "piece 5 is empty"),
            (modelBytes(pieces: duplicate), "piece 8 ('a') repeats piece 4"),
            (modelBytes(pieces: badType), "piece 4 ('a') has the unknown type 9"),
            (modelBytes(pieces: nan), "piece 4 ('a') has the score nan"),
            (modelBytes(pieces: tinyPieces + [("a\0b", -1, 1)]), "piece 9 contains a NUL byte"),
            (modelBytes(pieces: tinyPieces + [(String(repeating: "x", count: 8000), -1, 1)]), "piece 9 is 8000 bytes long; at most 7999"),
            (modelBytes(trainer: Proto.int32(42, 9)), "eos_id 9 is outside the vocabulary of 9 pieces"),
            (modelBytes(trainer: Proto.int32(43, -2)), "pad_id -2 is outside the vocabulary"),
        ]
        for (bytes, message) in cases {
            assertSentencePieceError(file: "v.model", containing: message) { try SentencePieceModel(bytes: bytes, file: "v.model") }
        }
    }

    func testAcceptedOddities() throws {
        // The same text as a CONTROL and a NORMAL piece lives in SentencePiece's two maps;
        // an UNUSED "\0" piece (written by some converters) is skipped; a model without a
        // trainer spec's ids gets proto2's defaults.
        let model = try SentencePieceModel(bytes: modelBytes(pieces: tinyPieces + [("</s>", -9, 1), ("\0", 0, 5)]), file: "o.model")
        XCTAssertEqual(model.vocabularySize, 11)
        XCTAssertTrue(model.pieces[10].isNullPlaceholder)
        let tokenizer = UnigramTokenizer(model: model)
        XCTAssertEqual(tokenizer.encode("</s>"), [3, 9])
        let defaults = try SentencePieceModel(bytes: Proto.bytes(1, Proto.string(1, "<unk>") + Proto.varint(3, 2))
                                              + Proto.bytes(1, Proto.string(1, "<s>") + Proto.varint(3, 3))
                                              + Proto.bytes(1, Proto.string(1, "</s>") + Proto.varint(3, 3)), file: "d.model")
        XCTAssertEqual([defaults.unkID, defaults.bosID, defaults.eosID, defaults.padID], [0, 1, 2, -1])
        XCTAssertTrue(defaults.addDummyPrefix && defaults.removeExtraWhitespaces && defaults.escapeWhitespaces)
        XCTAssertEqual(UnigramTokenizer(model: defaults).encode("ab c"), [0])
    }
}
