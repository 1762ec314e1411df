import Foundation
import Tensor
import TestSupport
import XCTest

@testable import Weights

/// ShardedCheckpoint on folders laid out as transformers writes them, built here: safetensors
/// shards (SafetensorsWriter), torch .bin shards (hand-written archives), and indexes.
final class ShardedCheckpointTests: XCTestCase {
    private func writeText(_ folder: String, _ name: String, _ text: String) throws {
        _ = try writeFile(folder, name, Array(text.utf8))
    }

    private func writeIndex(_ folder: String, _ name: String, _ map: [String: String]) throws {
        let members = map.keys.sorted().map { "\"\($0)\": \"\(map[$0] ?? "")\"" }.joined(separator: ", ")
        try writeText(folder, name, "{\"metadata\": {\"total_size\": 0}, \"weight_map\": {\(members)}}")
    }

    private func writeSafetensors(_ folder: String, _ name: String, _ tensors: [String: Tensor], dtype: DType = .f32) throws {
        try SafetensorsWriter.write(tensors, to: folder + "/" + name, dtype: dtype)
    }

    /// A .bin shard holding "y" [2] (F16) and "z" [3] (F32).
    private func writeBinShard(_ folder: String, _ name: String) throws {
        let tensors = [
            PickledTensor(name: "y", storageType: "HalfStorage", key: "0", numel: 2, offset: 0, size: [2], stride: [1]),
            PickledTensor(name: "z", storageType: "FloatStorage", key: "1", numel: 3, offset: 0, size: [3], stride: [1]),
        ]
        _ = try writeTorchArchive(folder, name, pickle: Op.stateDict(tensors),
                                  storages: [("0", halfBytes([0.5, -2])), ("1", floatBytes([1, 2, 3]))])
    }

    private let x = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])

    func testIndexJoinsSafetensorsAndTorchShards() throws {
        let folder = try temporaryFolder(self)
        try writeSafetensors(folder, "model.fp16-00001-of-00002.safetensors", ["x": x], dtype: .f16)
        try writeBinShard(folder, "model.fp16-00002-of-00002.bin")
        try writeIndex(folder, "model.safetensors.index.fp16.json",
                       ["x": "model.fp16-00001-of-00002.safetensors", "y": "model.fp16-00002-of-00002.bin", "z": "model.fp16-00002-of-00002.bin"])
        let checkpoint = try ShardedCheckpoint(folder: folder)
        XCTAssertEqual(checkpoint.index, folder + "/model.safetensors.index.fp16.json")
        XCTAssertEqual(checkpoint.shards, [folder + "/model.fp16-00001-of-00002.safetensors", folder + "/model.fp16-00002-of-00002.bin"])
        XCTAssertEqual(checkpoint.names, ["x", "y", "z"])
        XCTAssertEqual(checkpoint.shape(of: "x"), [2, 2])
        XCTAssertEqual(checkpoint.shape(of: "z"), [3])
        XCTAssertNil(checkpoint.shape(of: "w"))
        XCTAssertEqual(try checkpoint.tensor(named: "x"), x)
        XCTAssertEqual(try checkpoint.tensor(named: "y").scalars, [0.5, -2])
        XCTAssertEqual(try checkpoint.tensor(named: "z").scalars, [1, 2, 3])
        XCTAssertEqual(try XCTUnwrap(try checkpoint.halfStorage(named: "x")).ownedByteCount, 0, "viewed in the safetensors mapping")
        XCTAssertEqual(try XCTUnwrap(try checkpoint.halfStorage(named: "y")).ownedByteCount, 0, "viewed in the zip mapping")
        XCTAssertNil(try checkpoint.halfStorage(named: "z"))
        assertMessage("tensor 'w' missing from \(folder)/model.safetensors.index.fp16.json") { try checkpoint.tensor(named: "w") }
    }

    func testFolderChoosesFp16FirstThenSafetensors() throws {
        let folder = try temporaryFolder(self)
        try writeBinShard(folder, "pytorch_model.bin")
        XCTAssertEqual(try ShardedCheckpoint(folder: folder).shards, [folder + "/pytorch_model.bin"])
        try writeSafetensors(folder, "model.safetensors", ["x": x])
        XCTAssertEqual(try ShardedCheckpoint(folder: folder).shards, [folder + "/model.safetensors"])
        try writeSafetensors(folder, "model.fp16-00001-of-00001.safetensors", ["x": x], dtype: .f16)
        try writeIndex(folder, "model.fp16.safetensors.index.json", ["x": "model.fp16-00001-of-00001.safetensors"])
        let chosen = try ShardedCheckpoint(folder: folder)
        XCTAssertEqual(chosen.index, folder + "/model.fp16.safetensors.index.json")
        XCTAssertNil(chosen.shards.first { !$0.contains("fp16") })
        let single = try ShardedCheckpoint(path: folder + "/model.safetensors")
        XCTAssertNil(single.index)
        XCTAssertEqual(single.names, ["x"])
    }

    func testFolderWithoutCheckpointListsWhatWasTried() throws {
        let folder = try temporaryFolder(self)
        assertMessage("\(folder) holds no checkpoint: none of model.safetensors, pytorch_model.bin is present") {
            try ShardedCheckpoint(folder: folder, fileNames: ["model.safetensors", "pytorch_model.bin"])
        }
    }

    func testIndexAndShardsMustAgree() throws {
        let folder = try temporaryFolder(self)
        let index = folder + "/model.safetensors.index.json"
        try writeSafetensors(folder, "s1.safetensors", ["x": x])
        try writeSafetensors(folder, "s2.safetensors", ["x": x, "y": x])

        try writeIndex(folder, "model.safetensors.index.json", ["x": "s1.safetensors", "q": "s1.safetensors"])
        assertMessage("tensor 'q' in \(index): the weight_map puts it in s1.safetensors, which does not hold it") {
            try ShardedCheckpoint(folder: folder)
        }
        try writeIndex(folder, "model.safetensors.index.json", ["y": "s2.safetensors"])
        assertMessage("tensor 'x' in \(folder)/s2.safetensors: the shard holds it, but \(index)'s weight_map does not list it") {
            try ShardedCheckpoint(folder: folder)
        }
        try writeIndex(folder, "model.safetensors.index.json", ["x": "s1.safetensors", "y": "s2.safetensors"])
        assertMessage("tensor 'x' in \(folder)/s2.safetensors: the shard holds it, but \(index)'s weight_map puts it in s1.safetensors") {
            try ShardedCheckpoint(folder: folder)
        }
        try writeIndex(folder, "model.safetensors.index.json", ["x": "s1.safetensors", "b": "s3.safetensors", "a": "s3.safetensors"])
        assertMessage("\(index): shard 's3.safetensors' is missing (the weight_map puts tensor 'a' in it)") {
            try ShardedCheckpoint(folder: folder)
        }
    }

    func testMalformedIndexesAreNamed() throws {
        let folder = try temporaryFolder(self)
        let index = folder + "/model.safetensors.index.json"
        func assertIndex(_ text: String, _ message: String, line: UInt = #line) throws {
            try writeText(folder, "model.safetensors.index.json", text)
            assertMessage(message, line: line) { try ShardedCheckpoint(folder: folder) }
        }
        try assertIndex(#"{"metadata": {}}"#, "\(index): has no \"weight_map\" object mapping tensor names to shard files")
        try assertIndex(#"{"weight_map": []}"#, "\(index): has no \"weight_map\" object mapping tensor names to shard files")
        try assertIndex(#"{"weight_map": {}}"#, "\(index): the weight_map is empty")
        try assertIndex(#"{"weight_map": {"x": 3}}"#, "tensor 'x' in \(index): the weight_map gives 3, not a shard file name")
        try assertIndex(#"{"weight_map": {"x": "../s.safetensors"}}"#,
                        "tensor 'x' in \(index): the weight_map names shard '../s.safetensors', which is not a file beside the index")
        try writeText(folder, "model.safetensors.index.json", #"{"weight_map": {"x": "s1.safe"#)
        do {
            _ = try ShardedCheckpoint(folder: folder)
            XCTFail("a truncated index opened")
        } catch let error as WeightsError {
            XCTAssertTrue(error.description.hasPrefix("\(index): not valid JSON ("), error.description)
        }
    }
}
