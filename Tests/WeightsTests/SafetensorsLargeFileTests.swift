import Foundation
import Tensor
import XCTest

@testable import Weights

/// Offsets past 4 GiB, as in IF-I-XL's 8.6 GB fp16 file, read through the mapped path: a
/// sparse file (a few kilobytes on disk) whose last tensors start 5 GiB into the data region.
final class SafetensorsLargeFileTests: XCTestCase {
    func testTensorsPastFiveGiBReadThroughTheMapping() throws {
        let filler = 5 << 30                                         // bytes of the first tensor
        let late: [Float] = [1.5, -2.25, 0.0009765625, 65504, -0.0, 3]
        let lateHalf: [UInt16] = late.map { Float16($0).bitPattern }
        let header = """
        {"filler":{"dtype":"U8","shape":[\(filler)],"data_offsets":[0,\(filler)]},\
        "late.f32":{"dtype":"F32","shape":[2,3],"data_offsets":[\(filler),\(filler + 24)]},\
        "late.f16":{"dtype":"F16","shape":[6],"data_offsets":[\(filler + 24),\(filler + 36)]}}
        """
        let padded = header + String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        let path = NSTemporaryDirectory() + "noisebook-sparse-\(getpid()).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(le64(UInt64(padded.utf8.count)) + Array(padded.utf8))))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let dataStart = UInt64(8 + padded.utf8.count)
        // Only the late tensors are written: the filler stays a hole in the file.
        try handle.seek(toOffset: dataStart + UInt64(filler))
        try handle.write(contentsOf: late.withUnsafeBytes { Data($0) } + lateHalf.withUnsafeBytes { Data($0) })
        try handle.close()
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        XCTAssertGreaterThan(size, 5 << 30, "the file reaches past 5 GiB")

        let file = try SafetensorsFile(path: path)
        XCTAssertEqual(file.names, ["filler", "late.f16", "late.f32"])
        XCTAssertEqual(file.entries["late.f32"]?.dataOffsets.lowerBound, filler)
        let f32 = try file.tensor(named: "late.f32")
        XCTAssertEqual(f32.shape, [2, 3])
        XCTAssertEqual(f32.scalars, late)
        let half = try XCTUnwrap(try file.halfStorage(named: "late.f16"), "an F16 tensor is viewed in the mapping")
        XCTAssertEqual(half.widened(shape: [6]).scalars, late, "exact: every value is representable in half precision")
        XCTAssertEqual(try file.tensor(named: "late.f16").scalars, late)
    }
}
