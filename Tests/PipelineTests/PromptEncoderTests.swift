import Foundation
import Pipeline
import Tensor
import Weights
import XCTest

/// `PromptEncoder`'s bookkeeping, on a stand-in encoder that records what it is asked: which
/// prompts reach the model, how they are batched, and how the on-disk store behaves when it is
/// missing, damaged or written by another encoder.
final class PromptEncoderTests: XCTestCase {
    /// Counts loads and encoded texts; each text's embedding is its length in every value.
    private final class Recorder: @unchecked Sendable {
        let lock = NSLock()
        var loads = 0
        var batches: [[String]] = []
    }

    private func makeEncoder(_ recorder: Recorder, folder: String?, identity: String = "t5:test", batchSize: Int = 4) -> PromptEncoder {
        let found = FoundTextEncoder(name: "test", encoderFolder: "/nonexistent/text_encoder", tokenizerModel: "/nonexistent/spiece.model")
        return PromptEncoder(found: found, identity: identity, cacheFolder: folder, batchSize: batchSize) {
            recorder.lock.withLock { recorder.loads += 1 }
            return LoadedTextEncoder(tokenize: { text in ([text.count], [1]) }, run: { ids, _ in
                recorder.lock.withLock { recorder.batches.append(ids.map { "\($0[0])" }) }
                let rows = ids.map { row in Tensor(shape: [77, 2], scalars: [Float](repeating: Float(row[0]), count: 154)) }
                return try Tensor.stack(rows)
            })
        }
    }

    private func temporaryFolder() -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("prompts-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        return folder
    }

    func testIFPreprocessingLowerCasesAndTrims() {
        XCTAssertEqual(PromptEncoder.preprocess("  A Photo of a DOG\t\n"), "a photo of a dog")
        XCTAssertEqual(PromptEncoder.preprocess(""), "")
    }

    func testEachTextIsEncodedOnceAndInBatches() throws {
        let recorder = Recorder()
        let encoder = makeEncoder(recorder, folder: nil, batchSize: 2)
        let out = try encoder.embeddings(for: ["A dog", "a dog ", "a cat", "ab", "abc"])
        XCTAssertEqual(out.map { $0.scalars[0] }, [5, 5, 5, 2, 3], "\"A dog\" and \"a dog \" are one text")
        XCTAssertEqual(recorder.loads, 1, "one load for all the misses")
        XCTAssertEqual(recorder.batches, [["5", "5"], ["2", "3"]], "four distinct texts in batches of two")
        _ = try encoder.embeddings(for: ["a cat"])
        XCTAssertEqual(recorder.loads, 1, "a text seen before is not encoded again")
    }

    func testTheStoreIsReadBackAndSurvivesDamage() throws {
        let folder = temporaryFolder()
        let first = Recorder()
        _ = try makeEncoder(first, folder: folder).embeddings(for: ["a dog"])
        let stored = try FileManager.default.contentsOfDirectory(atPath: folder)
        XCTAssertEqual(stored.count, 1)
        XCTAssertFalse(stored[0].contains(".tmp"), "written atomically")

        let second = Recorder()
        XCTAssertEqual(try makeEncoder(second, folder: folder).embeddings(for: ["a dog"])[0].shape, [77, 2])
        XCTAssertEqual(second.loads, 0, "another process reads the stored embedding")

        let other = Recorder()
        _ = try makeEncoder(other, folder: folder, identity: "t5:another").embeddings(for: ["a dog"])
        XCTAssertEqual(other.loads, 1, "another encoder's embedding is not taken")

        try Data("not safetensors".utf8).write(to: URL(fileURLWithPath: folder + "/" + stored[0]))
        let third = Recorder()
        XCTAssertEqual(try makeEncoder(third, folder: folder).embeddings(for: ["a dog"])[0].scalars[0], 5)
        XCTAssertEqual(third.loads, 1, "a damaged file is encoded again")
        XCTAssertEqual(try SafetensorsFile(path: folder + "/" + stored[0]).metadata["prompt"], "a dog", "and replaced")
    }

    func testAFailedEncodeStoresNothing() throws {
        let folder = temporaryFolder()
        let found = FoundTextEncoder(name: "test", encoderFolder: "/nonexistent", tokenizerModel: "/nonexistent")
        let failing = PromptEncoder(found: found, identity: "t5:test", cacheFolder: folder) {
            throw PipelineError("cannot load the text encoder")
        }
        XCTAssertThrowsError(try failing.embeddings(for: ["a dog"])) { XCTAssertTrue("\($0)".contains("cannot load the text encoder")) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder), "no partial store")
    }
}
