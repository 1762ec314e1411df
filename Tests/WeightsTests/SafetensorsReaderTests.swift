import Tensor
import TestSupport
import XCTest

@testable import Weights

/// Reading safetensors: values against mixed.safetensors (written by the safetensors
/// package in tools/make_weights_fixtures.py), and every malformed header with its message.
final class SafetensorsReaderTests: XCTestCase {
    func testReadsF32F16AndBF16ExactlyAsTorchStoredThem() throws {
        let file = try SafetensorsFile(path: try Fixtures.path("mixed.safetensors"))
        let expected = try XCTUnwrap(try Fixtures.json("mixed_expected.json") as? [String: Any])
        let tensors = try XCTUnwrap(expected["tensors"] as? [String: [String: Any]])
        XCTAssertEqual(file.names, tensors.keys.sorted())
        XCTAssertEqual(file.metadata, expected["metadata"] as? [String: String])
        for (name, record) in tensors where name != "steps.i64" {
            let (shape, values) = try XCTUnwrap(expectedTensor(record))
            let tensor = try file.tensor(named: name)
            XCTAssertEqual(tensor.shape, shape, name)
            // Exact: widening F16/BF16 to Float32 loses nothing, and the JSON holds the same values.
            XCTAssertEqual(tensor.scalars, values, name)
            XCTAssertEqual(file.entries[name]?.dtype.rawValue, record["dtype"] as? String)
        }
    }

    func testIntegerTensorIsListedButCannotBeWidened() throws {
        let path = try Fixtures.path("mixed.safetensors")
        let file = try SafetensorsFile(path: path)
        XCTAssertEqual(file.shape(of: "steps.i64"), [4])
        XCTAssertEqual(file.entries["steps.i64"]?.dtype, .i64)
        assertMessage("tensor 'steps.i64' in \(path) has dtype I64; only F32, F16 and BF16 can be read") {
            try file.tensor(named: "steps.i64")
        }
    }

    func testRequireReportsMissingAndMisshapenTensors() throws {
        let path = try Fixtures.path("mixed.safetensors")
        let file = try SafetensorsFile(path: path)
        assertMessage("tensor 'conv_in.weight' missing from \(path)") { try file.require("conv_in.weight", shape: [1]) }
        assertMessage("tensor 'weight.f32' in \(path) has shape [3, 4], expected [4, 3]") {
            try file.require("weight.f32", shape: [4, 3])
        }
        XCTAssertEqual(try file.require("weight.f32", shape: [3, 4]).shape, [3, 4])
    }

    func testStrictLoadingListsTensorsNothingRead() throws {
        let path = try Fixtures.path("mixed.safetensors")
        let file = try SafetensorsFile(path: path)
        _ = try file.tensor(named: "weight.f32")
        _ = try file.tensor(named: "weight.f16")
        _ = try file.halfStorage(named: "weight.f16")
        _ = try file.tensor(named: "weight.bf16")
        file.markConsumed("steps.i64")
        XCTAssertEqual(file.unconsumedNames(), ["scalar.f32"])
        assertMessage("\(path): unexpected tensor 'scalar.f32'") { try file.checkAllConsumed() }
        XCTAssertEqual(try file.tensor(named: "scalar.f32").shape, [])
        XCTAssertNoThrow(try file.checkAllConsumed())
    }

    func testHalfAccessKeepsTheStoredBits() throws {
        let file = try SafetensorsFile(path: try Fixtures.path("mixed.safetensors"))
        let half = try XCTUnwrap(try file.halfStorage(named: "weight.f16"))
        XCTAssertEqual(half.count, 10)
        XCTAssertEqual(half.widened(shape: [2, 5]), try file.tensor(named: "weight.f16"))
        var buffer = [Float](repeating: .nan, count: 10)
        buffer.withUnsafeMutableBufferPointer { half.widen(into: $0.baseAddress!) }
        XCTAssertEqual(buffer, try file.tensor(named: "weight.f16").scalars)
        XCTAssertNil(try file.halfStorage(named: "weight.f32"), "an F32 tensor has no half bits to keep")
    }

    func testHalfConversionCoversSubnormalsInfinitiesAndNaN() {
        // Bit patterns with their IEEE 754 binary16 values, from the standard's definition.
        XCTAssertEqual(HalfStorage.float(fromHalf: 0x3C00), 1)
        XCTAssertEqual(HalfStorage.float(fromHalf: 0xC000), -2)
        XCTAssertEqual(HalfStorage.float(fromHalf: 0x0001), 0x1p-24)      // smallest subnormal
        XCTAssertEqual(HalfStorage.float(fromHalf: 0x7BFF), 65504)        // largest finite
        XCTAssertEqual(HalfStorage.float(fromHalf: 0xFC00), -.infinity)
        XCTAssertTrue(HalfStorage.float(fromHalf: 0x7E00).isNaN)
        XCTAssertEqual(HalfStorage.float(fromHalf: 0x8000).sign, .minus)  // negative zero keeps its sign
        for bits in UInt16(0)...UInt16.max where !Float16(bitPattern: bits).isNaN {
            XCTAssertEqual(HalfStorage.float(fromHalf: bits), Float(Float16(bitPattern: bits)))
        }
    }

    // MARK: malformed files, each with its exact message

    private func open(_ bytes: [UInt8]) throws -> (String, () throws -> SafetensorsFile) {
        let path = try writeFile(try temporaryFolder(self), "bad.safetensors", bytes)
        return (path, { try SafetensorsFile(path: path) })
    }

    func testTooShortFile() throws {
        let (path, load) = try open([1, 2, 3])
        assertMessage("\(path): file is 3 bytes, too short for a safetensors header", load)
    }

    func testHeaderLengthBeyondFileSize() throws {
        let (path, load) = try open(le64(1 << 62) + Array("{}".utf8))
        assertMessage("\(path): header length 4611686018427387904 exceeds the file size (10 bytes)", load)
    }

    func testHeaderNotJSON() throws {
        let (path, load) = try open(safetensorsImage("{\"a\": nope}"))
        assertMessage("\(path): header is not valid JSON: expected 'null' at byte 6", load)
    }

    func testHeaderNotAnObject() throws {
        let (path, load) = try open(safetensorsImage("[1, 2]"))
        assertMessage("\(path): header is not a JSON object", load)
    }

    func testDeeplyNestedHeaderIsRejectedNotRecursedInto() throws {
        let (path, load) = try open(safetensorsImage(String(repeating: "[", count: 100_000)))
        assertMessage("\(path): header is not valid JSON: JSON nested deeper than 64 levels at byte 64", load)
    }

    func testUnknownDType() throws {
        let (path, load) = try open(safetensorsImage(#"{"x":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}"#, data: .init(repeating: 0, count: 16)))
        assertMessage("tensor 'x' in \(path): unknown dtype 'F128'", load)
    }

    func testSizeNotMatchingOffsets() throws {
        let (path, load) = try open(safetensorsImage(#"{"x":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}"#, data: .init(repeating: 0, count: 20)))
        assertMessage("tensor 'x' in \(path): shape [2, 3] of F32 needs 24 bytes but data_offsets [0, 20] hold 20", load)
    }

    func testHugeDeclaredShapeIsCheckedBeforeAnyAllocation() throws {
        let (path, load) = try open(safetensorsImage(#"{"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]))
        assertMessage("tensor 'x' in \(path): shape [4294967296, 4294967296] is too large", load)
    }

    func testOffsetsPastTheData() throws {
        let (path, load) = try open(safetensorsImage(#"{"x":{"dtype":"F32","shape":[1000000000],"data_offsets":[0,4000000000]}}"#, data: [0, 0, 0, 0]))
        assertMessage("tensor 'x' in \(path): data_offsets [0, 4000000000] run past the data region of 4 bytes", load)
    }

    func testOverlappingOffsets() throws {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        let (path, load) = try open(safetensorsImage(header, data: .init(repeating: 0, count: 8)))
        assertMessage("tensor 'b' in \(path): data_offsets [4, 8] overlap those of tensor 'a'", load)
    }

    func testGapAndTrailingBytes() throws {
        let gap = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        let (path, load) = try open(safetensorsImage(gap, data: .init(repeating: 0, count: 8)))
        assertMessage("\(path): bytes 0..<4 of the data region belong to no tensor", load)
        let trailing = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let (path2, load2) = try open(safetensorsImage(trailing, data: .init(repeating: 0, count: 8)))
        assertMessage("\(path2): data region has 4 bytes after the last tensor", load2)
    }

    func testBadShapeOffsetsAndMetadataTypes() throws {
        let (p1, l1) = try open(safetensorsImage(#"{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#))
        assertMessage("tensor 'x' in \(p1): 'shape' must be an array of non-negative integers", l1)
        let (p2, l2) = try open(safetensorsImage(#"{"x":{"dtype":"F32","shape":[],"data_offsets":[4,0]}}"#))
        assertMessage("tensor 'x' in \(p2): 'data_offsets' must be two integers [begin, end] with 0 <= begin <= end", l2)
        let (p3, l3) = try open(safetensorsImage(#"{"__metadata__":{"k":1}}"#))
        assertMessage("\(p3): __metadata__ must map strings to strings ('k' does not)", l3)
        let (p4, l4) = try open(safetensorsImage(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{}}"#, data: [0, 0, 0, 0]))
        assertMessage("\(p4): header is not valid JSON: duplicate key 'x' at byte 54", l4)
    }

    func testEmptyHeaderAndZeroSizedTensorsAreValid() throws {
        let (_, load) = try open(safetensorsImage(#"{"e":{"dtype":"F16","shape":[0,3],"data_offsets":[0,0]}}"#))
        let file = try load()
        XCTAssertEqual(try file.tensor(named: "e"), Tensor(shape: [0, 3], scalars: []))
    }
}
