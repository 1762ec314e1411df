import Foundation
import Tensor
import Weights
import TestSupport
import XCTest

/// `noisebook encode` on a snapshot-shaped folder (a small random T5 encoder as sharded fp16
/// safetensors, and the test SentencePiece model) reproduces SentencePiece's ids and
/// transformers' `last_hidden_state`. Fixture: Tests/noisebookTests/Fixtures/encode, made by
/// tools/make_encode_fixtures.py (after tools/make_tokenizer_fixtures.py).
final class EncodeCommandTests: CommandTestCase {
    private struct Expected: Decodable {
        var prompts: [String]
        var texts: [String]
        var input_ids: [[Int]]
        var attention_mask: [[Int]]
        var shape: [Int]
        var max_abs: Float
    }

    private static let fixture = root + "/Tests/noisebookTests/Fixtures/encode"

    private func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: Self.fixture + "/expected.json")))
    }

    /// The int64 values of a .npy file noisebook wrote, and its shape.
    private func readIntegers(_ path: String) throws -> (shape: [Int], values: [Int]) {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.contains("'descr': '<i8'"), header)
        let shapeText = try XCTUnwrap(header.split(separator: "(").last?.split(separator: ")").first)
        let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let data = bytes[(10 + headerLength)...]
        let values = stride(from: data.startIndex, to: data.endIndex, by: 8).map { start in
            (0..<8).reduce(Int64(0)) { $0 | Int64(data[start + $1]) << (8 * Int64($1)) }
        }
        return (shape, values.map(Int.init))
    }

    func testEncodeMatchesSentencePieceAndTransformers() throws {
        let expected = try expected()
        let result = try noisebook(["encode", "--weights", Self.fixture + "/snapshot", "--out", "e.npy", "--ids-out", "ids.npy"] + expected.prompts)
        XCTAssertEqual(result.status, 0, result.err)
        let ids = try readIntegers(scratch + "/ids.npy")
        XCTAssertEqual(ids.shape, [expected.prompts.count, 77])
        for (row, prompt) in expected.prompts.enumerated() {
            XCTAssertEqual(Array(ids.values[(row * 77)..<((row + 1) * 77)]), expected.input_ids[row],
                           "token ids of \"\(prompt)\" differ from SentencePiece's (tools/make_encode_fixtures.py)")
        }
        let output = try NPYFile.read(scratch + "/e.npy")
        let reference = try SafetensorsFile(path: Self.fixture + "/expected.safetensors").tensor(named: "last_hidden_state")
        XCTAssertEqual(output.shape, expected.shape)
        // Float32 arithmetic in a different order from PyTorch's: 1e-4 of the largest value.
        let worst = maxAbsDifference(Array(output.scalars), Array(reference.scalars))
        XCTAssertLessThanOrEqual(worst, 1e-4 * expected.max_abs, "largest difference from transformers: \(worst)")
    }

    func testRawSkipsIFPreprocessing() throws {
        let result = try noisebook(["encode", "--weights", Self.fixture + "/snapshot", "--out", "e.npy", "--ids-out", "ids.npy", "--raw", "A Dog", "a dog"])
        XCTAssertEqual(result.status, 0, result.err)
        let ids = try readIntegers(scratch + "/ids.npy")
        XCTAssertNotEqual(Array(ids.values[0..<77]), Array(ids.values[77..<154]), "upper case reaches the tokenizer with --raw")
    }

    func testFolderWithoutEncoderIsAUsageError() throws {
        let result = try noisebook(["encode", "--weights", scratch, "--out", "e.npy", "a dog"])
        XCTAssertEqual(result.status, 64, result.err)
        XCTAssertTrue(result.err.contains("holds no text encoder"), result.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/e.npy"), "no output on failure")
    }

    func testDamagedTokenizerNamesTheFile() throws {
        let snapshot = scratch + "/snapshot"
        try FileManager.default.copyItem(atPath: Self.fixture + "/snapshot", toPath: snapshot)
        try Data([0x0A, 0xFF, 0xFF]).write(to: URL(fileURLWithPath: snapshot + "/tokenizer/spiece.model"))
        let result = try noisebook(["encode", "--weights", snapshot, "--out", "e.npy", "a dog"])
        XCTAssertEqual(result.status, 65, result.err)
        XCTAssertTrue(result.err.contains(snapshot + "/tokenizer/spiece.model: error:"), result.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/e.npy"))
    }
}
