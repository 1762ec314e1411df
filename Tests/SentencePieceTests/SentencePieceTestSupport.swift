import Diagnostics
import Foundation
import TestSupport
import XCTest

@testable import SentencePiece

/// The script that writes every file in Tests/SentencePieceTests/Fixtures.
let fixtureScript = "tools/make_tokenizer_fixtures.py"

/// The fixture folder; a missing file is reported with the script that makes it.
let Fixtures = FixtureFolder(bundle: .module, script: fixtureScript)

/// cases.json: what the reference `sentencepiece` package made of each prompt.
struct FixtureCases: Decodable {
    /// One prompt and its reference results.
    struct Case: Decodable {
        let text: String
        let normalized: String
        let ids: [Int]
        let t5_ids: [Int]
        let t5_mask: [Int]
    }
    /// The cases of one model file.
    struct Model: Decodable {
        let cases: [Case]
    }
    let script: String
    let sentencepiece_version: String
    let max_length: Int
    let models: [String: Model]

    /// The decoded cases.json.
    static func load() throws -> FixtureCases {
        try Fixtures.decode(FixtureCases.self, "cases.json")
    }
}

/// A prompt as failure messages show it: quoted, escaped, and cut after 60 characters.
func shown(_ text: String) -> String {
    text.count <= 60 ? text.debugDescription : String(text.prefix(60)).debugDescription + "... (\(text.count) characters)"
}

/// Asserts that `body` throws a `SentencePieceError` about `file` whose message starts with
/// "`file`: error: " as users see it and contains `fragment`.
func assertSentencePieceError<T>(file: String, containing fragment: String = "",
                                 _ context: @autoclosure () -> String = "",
                                 sourceFile: StaticString = #filePath, line: UInt = #line,
                                 _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected a SentencePieceError containing '\(fragment)' \(context())", file: sourceFile, line: line)
    } catch let error as SentencePieceError {
        XCTAssertEqual(error.file, file, context(), file: sourceFile, line: line)
        XCTAssertTrue(error.diagnostic.rendered(program: "noisebook").hasPrefix("\(file): error: "), "\(error) \(context())",
                      file: sourceFile, line: line)
        // (Swift's `contains("")` is false, so an empty fragment is not checked.)
        if !fragment.isEmpty {
            XCTAssertTrue(error.description.contains(fragment), "'\(error)' lacks '\(fragment)' \(context())",
                          file: sourceFile, line: line)
        }
    } catch {
        XCTFail("expected a SentencePieceError, got \(error) \(context())", file: sourceFile, line: line)
    }
}

/// Protobuf encoding for hand-built test models.
enum Proto {
    /// A base-128 varint.
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var out: [UInt8] = []
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
        return out
    }
    /// A field's tag.
    static func tag(_ field: Int, _ wireType: UInt8) -> [UInt8] { varint(UInt64(field) << 3 | UInt64(wireType)) }
    /// A varint field.
    static func varint(_ field: Int, _ value: UInt64) -> [UInt8] { tag(field, 0) + varint(value) }
    /// An int32 field (negative values as 10-byte varints, as protobuf writes them).
    static func int32(_ field: Int, _ value: Int32) -> [UInt8] {
        varint(field, UInt64(bitPattern: Int64(value)))
    }
    /// A length-delimited field.
    static func bytes(_ field: Int, _ value: [UInt8]) -> [UInt8] { tag(field, 2) + varint(UInt64(value.count)) + value }
    /// A string field.
    static func string(_ field: Int, _ value: String) -> [UInt8] { bytes(field, Array(value.utf8)) }
    /// A 32-bit field.
    static func fixed32(_ field: Int, _ value: UInt32) -> [UInt8] {
        tag(field, 5) + (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
    /// A 64-bit field.
    static func fixed64(_ field: Int, _ value: UInt64) -> [UInt8] {
        tag(field, 1) + (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}

/// A piece for a hand-built model: text, score, type (1 NORMAL ... 6 BYTE).
typealias TestPiece = (text: String, score: Float, type: UInt64)

/// A small vocabulary in T5's layout: pad 0, eos 1, unk 2, then normal pieces.
let tinyPieces: [TestPiece] = [
    ("<pad>", 0, 3), ("</s>", 0, 3), ("<unk>", 0, 2),
    ("▁", -2, 1), ("a", -3, 1), ("b", -3, 1), ("▁a", -2.5, 1), ("ab", -4, 1), ("x", -3, 1),
]

/// A serialized `ModelProto`: `pieces`, a trainer spec (unigram, unk 2, eos 1, pad 0, no
/// bos, plus `trainer`), and a normalizer spec of `normalizer` (empty: all defaults, no rules).
func modelBytes(pieces: [TestPiece] = tinyPieces, trainer: [UInt8] = [], normalizer: [UInt8] = []) -> [UInt8] {
    var out: [UInt8] = []
    for piece in pieces {
        out += Proto.bytes(1, Proto.string(1, piece.text) + Proto.fixed32(2, piece.score.bitPattern)
                            + Proto.varint(3, piece.type))
    }
    let spec = Proto.varint(3, 1) + Proto.int32(40, 2) + Proto.int32(41, -1) + Proto.int32(42, 1)
        + Proto.int32(43, 0) + trainer
    out += Proto.bytes(2, spec)
    out += Proto.bytes(3, Proto.string(1, "identity") + normalizer)
    return out
}

/// A tiny Darts-clone double array holding one key, the byte `key` (below 0x80), whose value
/// is `value`, followed by `replacements`: the smallest well-formed `precompiled_charsmap`.
/// Root unit 0 has offset 1 (children at 1 ^ byte); the key's unit has its leaf at
/// `position ^ 1`. `keyUnit` replaces the key's unit (to damage it).
func oneRuleCharsMap(key: UInt8 = UInt8(ascii: "a"), value: UInt32 = 0, replacements: [UInt8] = Array("b\0".utf8),
                     keyUnit: ((Int) -> UInt32)? = nil) -> [UInt8] {
    let position = 1 ^ Int(key)
    let leaf = position ^ 1
    // Darts-clone arrays come in blocks of 256 units, and readers insist on it.
    var units = [UInt32](repeating: 0, count: 256)
    units[0] = 1 << 10
    units[position] = keyUnit?(position) ?? (1 << 10 | 1 << 8 | UInt32(key))
    units[leaf] = 0x8000_0000 | value
    return charsMapBlob(units: units, replacements: replacements)
}

/// A `precompiled_charsmap` blob of `units` and `replacements`.
func charsMapBlob(units: [UInt32], replacements: [UInt8]) -> [UInt8] {
    var blob = le32(UInt32(units.count * 4))
    for unit in units { blob += le32(unit) }
    return blob + replacements
}

/// Little-endian bytes of a UInt32.
func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

/// A small deterministic generator (SplitMix64) for random-bytes tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
