import Foundation
import TestSupport
import Weights
import XCTest

/// The refusals among the checkpoint fixtures of tools/make_t5_fixtures.py: a torch.save
/// archive whose pickle asks for posix.system, an index cut off mid-way, and an index
/// naming a shard that is not there.
final class T5CheckpointTests: XCTestCase {
    private func message(_ body: () throws -> Any) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as WeightsError {
            return error.description
        } catch {
            return "not a WeightsError: \(error)"
        }
    }

    func testForbiddenPickleGlobalIsRefused() throws {
        let folder = try Fixtures.path("forbidden")
        XCTAssertEqual(message { try ShardedCheckpoint(folder: folder) },
                       "\(folder)/pytorch_model.bin: refusing pickle global 'posix.system': only tensors and dicts are read, no code is executed")
    }

    func testTruncatedIndexIsRefused() throws {
        let folder = try Fixtures.path("truncated-index")
        let text = try XCTUnwrap(message { try ShardedCheckpoint(folder: folder) })
        XCTAssertTrue(text.hasPrefix("\(folder)/model.safetensors.index.json: not valid JSON ("), text)
    }

    func testMissingShardIsNamed() throws {
        let folder = try Fixtures.path("missing-shard")
        XCTAssertEqual(message { try ShardedCheckpoint(folder: folder) },
                       "\(folder)/model.safetensors.index.json: shard 'model-00002-of-00002.safetensors' is missing (the weight_map puts tensor 'y' in it)")
    }

    func testFixtureFoldersAreFoundByTheirIndexes() throws {
        let a = try ShardedCheckpoint(folder: try Fixtures.path("t5-a"))
        XCTAssertEqual(a.index.map { ($0 as NSString).lastPathComponent }, "model.safetensors.index.json")
        XCTAssertEqual(a.shards.map { ($0 as NSString).lastPathComponent },
                       ["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"])
        let b = try ShardedCheckpoint(folder: try Fixtures.path("t5-b"))
        XCTAssertEqual(b.index.map { ($0 as NSString).lastPathComponent }, "pytorch_model.bin.index.fp16.json")
        XCTAssertEqual(b.shards.count, 3)
        XCTAssertTrue(b.names.contains("encoder.embed_tokens.weight"), "the tied copy, saved beside shared.weight")
        XCTAssertEqual(try b.tensor(named: "encoder.embed_tokens.weight"), try b.tensor(named: "shared.weight"))
        let whole = try ShardedCheckpoint(folder: try Fixtures.path("t5-b-whole"))
        XCTAssertNil(whole.index)
        XCTAssertEqual(whole.names, b.names)
    }
}
