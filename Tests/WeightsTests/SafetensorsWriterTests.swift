import Foundation
import Tensor
import TestSupport
import XCTest

@testable import Weights

/// Writing safetensors: byte-identical to the file tools/make_weights_fixtures.py wrote by
/// the specification, and round trips in every float dtype.
final class SafetensorsWriterTests: XCTestCase {
    func testWritesTheSameBytesAsTheReferenceSerialisation() throws {
        // embeddings.safetensors holds fp16-exact values, names sorted, no metadata.
        let reference = try SafetensorsFile(path: try Fixtures.path("embeddings.safetensors"))
        var tensors: [String: Tensor] = [:]
        for name in reference.names { tensors[name] = try reference.tensor(named: name) }
        let path = try temporaryFolder(self) + "/out.safetensors"
        try SafetensorsWriter.write(tensors, to: path, dtype: .f16)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        let expected = try Data(contentsOf: URL(fileURLWithPath: try Fixtures.path("embeddings.safetensors")))
        XCTAssertEqual(written, expected)
    }

    func testRoundTripsF32ExactlyWithMetadataAndAlignedHeader() throws {
        let folder = try temporaryFolder(self)
        let path = folder + "/round.safetensors"
        let a = Tensor(shape: [2, 3], scalars: [1, -2.5, 3.25, .pi, 1e-30, -0])
        let b = Tensor(scalar: 42)
        try SafetensorsWriter.write(["b": b, "a": a], metadata: ["format": "pt", "quote": "say \"hi\"\n"], to: path)
        let file = try SafetensorsFile(path: path)
        XCTAssertEqual(file.names, ["a", "b"])
        XCTAssertEqual(try file.tensor(named: "a"), a)
        XCTAssertEqual(try file.tensor(named: "b"), b)
        XCTAssertEqual(file.metadata, ["format": "pt", "quote": "say \"hi\"\n"])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(headerLength % 8, 0, "data region must start 8-byte aligned")
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix(#"{"__metadata__":{"format":"pt","#), header)
        XCTAssertTrue(header.hasSuffix("}") || header.hasSuffix(" "), "padding is spaces after the JSON")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["round.safetensors"],
                       "no temporary file may be left behind")
    }

    func testF16AndBF16RoundToNearestEven() throws {
        let path = try temporaryFolder(self) + "/r.safetensors"
        // 1 + 2^-11 is halfway between two halves: ties go to the even 1.0. 1 + 3*2^-11 goes up.
        // For bfloat16 the halfway point above 1 is 1 + 2^-8.
        let t = Tensor(shape: [4], scalars: [1 + 0x1p-11, 1 + 3 * 0x1p-11, 1 + 0x1p-8, 1 + 3 * 0x1p-8])
        try SafetensorsWriter.write(["t": t], to: path, dtype: .f16)
        XCTAssertEqual(try SafetensorsFile(path: path).tensor(named: "t").scalars[0...1], [1, 1 + 0x1p-9])
        try SafetensorsWriter.write(["t": t], to: path, dtype: .bf16)
        XCTAssertEqual(try SafetensorsFile(path: path).tensor(named: "t").scalars[2...3], [1, 1 + 0x1p-6])
    }

    func testRefusesNonFloatDTypeAndReportsUnwritableFolder() throws {
        assertMessage("/nonexistent-folder/x.safetensors: cannot write dtype I64; only F32, F16 and BF16 are written") {
            try SafetensorsWriter.write([:], to: "/nonexistent-folder/x.safetensors", dtype: .i64)
        }
        assertMessage("/nonexistent-folder/x.safetensors: cannot create a temporary file: No such file or directory") {
            try SafetensorsWriter.write([:], to: "/nonexistent-folder/x.safetensors")
        }
    }
}
