import Foundation
import Tensor
import TestSupport
import XCTest

@testable import Weights

/// One tensor of a hand-written state dict pickle.
struct PickledTensor {
    let name: String
    /// "HalfStorage", "FloatStorage" or "BFloat16Storage".
    let storageType: String
    let key: String
    let numel: Int
    let offset: UInt8
    let size: [UInt8]
    let stride: [UInt8]
}

extension Op {
    /// `{name: _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()), ...}`
    /// as torch.save writes it; with `ordered`, the root is an OrderedDict, and with
    /// `metadata` it carries the `_metadata` attribute `state_dict()` sets (pickled by BUILD).
    static func stateDict(_ tensors: [PickledTensor], ordered: Bool = false, metadata: Bool = false) -> [UInt8] {
        let orderedDict = global("collections", "OrderedDict") + emptyTuple + reduce
        var p = proto2 + (ordered ? orderedDict : emptyDict)
        for t in tensors {
            p += unicode(t.name) + global("torch._utils", "_rebuild_tensor_v2")
            p += mark + mark + unicode("storage") + global("torch", t.storageType) + unicode(t.key) + unicode("cpu") + int2(t.numel) + tuple + persid
            p += int1(t.offset) + mark + t.size.flatMap { int1($0) } + tuple + mark + t.stride.flatMap { int1($0) } + tuple
            p += newFalse + orderedDict + tuple + reduce + setItem
        }
        if metadata {
            // state = {"_metadata": OrderedDict({"": {"version": 1}})}, then BUILD.
            p += emptyDict + unicode("_metadata") + orderedDict
            p += unicode("") + emptyDict + unicode("version") + int1(1) + setItem + setItem + setItem
            p += [0x62]
        }
        return p + stop
    }
}

/// Little-endian bytes of halves, floats or bfloat16s.
func halfBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { v -> [UInt8] in let b = DType.floatToHalf(v); return [UInt8(b & 0xFF), UInt8(b >> 8)] }
}
func floatBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { v -> [UInt8] in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } }
}

/// A torch.save-shaped archive under `folder/name` holding `pickle` and `storages` (key ->
/// bytes), each storage starting on a 64-byte boundary as torch.save aligns them, or one
/// byte past it with `misaligned`.
func writeTorchArchive(_ folder: String, _ name: String, pickle: [UInt8], storages: [(String, [UInt8])],
                       misaligned: Bool = false) throws -> String {
    var zip = StoredZipBuilder()
    zip.add("archive/data.pkl", pickle)
    zip.add("archive/byteorder", Array("little".utf8))
    for (key, bytes) in storages { zip.add("archive/data/\(key)", bytes, alignment: 64, remainder: misaligned ? 1 : 0) }
    return try writeFile(folder, name, zip.bytes)
}

/// TorchZipFile: lazy, per-tensor access to a torch.save archive, on hand-written archives.
final class TorchZipFileTests: XCTestCase {
    /// Storage 0: six halves 0...5; storage 1: four floats; storage 2: two bfloat16s.
    private func sample(ordered: Bool = false, metadata: Bool = false, misaligned: Bool = false) throws -> String {
        let tensors = [
            PickledTensor(name: "a", storageType: "HalfStorage", key: "0", numel: 6, offset: 1, size: [2, 2], stride: [2, 1]),
            PickledTensor(name: "tied", storageType: "HalfStorage", key: "0", numel: 6, offset: 1, size: [2, 2], stride: [2, 1]),
            PickledTensor(name: "t", storageType: "HalfStorage", key: "0", numel: 6, offset: 0, size: [3, 2], stride: [1, 3]),
            PickledTensor(name: "b", storageType: "FloatStorage", key: "1", numel: 4, offset: 0, size: [4], stride: [1]),
            PickledTensor(name: "c", storageType: "BFloat16Storage", key: "2", numel: 2, offset: 0, size: [2], stride: [1]),
        ]
        let bf16: [UInt8] = [0x80, 0x3F, 0x40, 0xC0]  // 1.0, -3.0
        return try writeTorchArchive(try temporaryFolder(self), "state.bin",
                                     pickle: Op.stateDict(tensors, ordered: ordered, metadata: metadata),
                                     storages: [("0", halfBytes([0, 1, 2, 3, 4, 5])), ("1", floatBytes([0.5, -1, 1e-3, 7])), ("2", bf16)],
                                     misaligned: misaligned)
    }

    func testServesHalfViewsAndWidensOnRequest() throws {
        let path = try sample()
        let file = try TorchZipFile(path: path)
        XCTAssertEqual(file.names, ["a", "b", "c", "t", "tied"])
        XCTAssertEqual(file.shape(of: "t"), [3, 2])
        XCTAssertEqual(file.dtype(of: "b"), .f32)
        XCTAssertNil(file.shape(of: "missing"))

        let a = try XCTUnwrap(try file.halfStorage(named: "a"))
        XCTAssertEqual(a.ownedByteCount, 0, "a contiguous, aligned F16 tensor is a view into the mapping")
        XCTAssertEqual(a.widened(shape: [2, 2]).scalars, [1, 2, 3, 4])
        XCTAssertEqual(try file.tensor(named: "tied"), Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), "two names, one storage")

        let t = try XCTUnwrap(try file.halfStorage(named: "t"))
        XCTAssertGreaterThan(t.ownedByteCount, 0, "a transposed view is copied")
        XCTAssertEqual(t.widened(shape: [3, 2]).scalars, [0, 3, 1, 4, 2, 5])
        XCTAssertEqual(try file.tensor(named: "t").scalars, [0, 3, 1, 4, 2, 5])

        XCTAssertNil(try file.halfStorage(named: "b"), "F32 is not served as halves")
        XCTAssertEqual(try file.tensor(named: "b").scalars, [0.5, -1, 1e-3, 7])
        XCTAssertEqual(try file.tensor(named: "c").scalars, [1, -3])
        assertMessage("tensor 'missing' missing from \(path)") { try file.tensor(named: "missing") }
        assertMessage("tensor 'missing' missing from \(path)") { try file.halfStorage(named: "missing") }
    }

    func testCopiesMisalignedHalves() throws {
        let file = try TorchZipFile(path: try sample(misaligned: true))
        let a = try XCTUnwrap(try file.halfStorage(named: "a"))
        XCTAssertEqual(a.ownedByteCount, 8, "halves at an odd address are copied")
        XCTAssertEqual(a.widened(shape: [2, 2]).scalars, [1, 2, 3, 4])
        XCTAssertEqual(try file.tensor(named: "b").scalars, [0.5, -1, 1e-3, 7], "floats read at any alignment")
        XCTAssertEqual(try file.tensor(named: "c").scalars, [1, -3])
    }

    /// `torch.save(model.state_dict())`: an OrderedDict carrying `_metadata`, set by BUILD.
    func testAcceptsAnOrderedDictStateDictWithMetadata() throws {
        let file = try TorchZipFile(path: try sample(ordered: true, metadata: true))
        XCTAssertEqual(file.names, ["a", "b", "c", "t", "tied"])
        XCTAssertEqual(try file.tensor(named: "a").scalars, [1, 2, 3, 4])
        let plain = try TorchCheckpoint.read(try sample(ordered: true))
        XCTAssertEqual(plain.map(\.0), ["a", "tied", "t", "b", "c"], "saved order")
    }

    func testRefusesBuildWithOtherState() throws {
        let pickle = Op.proto2 + Op.emptyDict + Op.int1(3) + [0x62] + Op.stop
        let path = try writeTorchArchive(try temporaryFolder(self), "x.bin", pickle: pickle, storages: [])
        assertMessage("\(path): pickle byte 5: BUILD is only accepted on a dict, with attributes named by strings") {
            try TorchZipFile(path: path)
        }
    }

    func testChecksViewsWhenOpeningAndDataWhenFirstRead() throws {
        let folder = try temporaryFolder(self)
        let overreach = [PickledTensor(name: "x", storageType: "HalfStorage", key: "0", numel: 6, offset: 3, size: [2, 2], stride: [2, 1])]
        let bad = try writeTorchArchive(folder, "bad.bin", pickle: Op.stateDict(overreach), storages: [("0", halfBytes([0, 0, 0, 0, 0, 0]))])
        assertMessage("tensor 'x' in \(bad): size [2, 2], stride [2, 1] and offset 3 read past the storage's 6 elements") {
            try TorchZipFile(path: bad)
        }
        // A corrupt storage opens (nothing is read yet) and fails on its first read.
        let path = try sample()
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let entry = try XCTUnwrap(try ZipArchive(path: path).entry(named: "archive/data/1"))
        let local = entry.localHeaderOffset
        let nameLength = Int(bytes[local + 26]) | Int(bytes[local + 27]) << 8
        let extraLength = Int(bytes[local + 28]) | Int(bytes[local + 29]) << 8
        bytes[local + 30 + nameLength + extraLength + 2] ^= 0xFF
        let corrupt = try writeFile(folder, "corrupt.bin", bytes)
        let file = try TorchZipFile(path: corrupt)
        XCTAssertEqual(try file.tensor(named: "a").scalars, [1, 2, 3, 4], "other storages still read")
        assertMessage("\(corrupt): zip entry 'archive/data/1': CRC-32 mismatch: the archive is corrupt") {
            try file.tensor(named: "b")
        }
    }

    func testCRCMatchesZlibOnLongInputs() {
        // zlib.crc32 of these byte strings (lengths around the 8-byte steps).
        let cases: [([UInt8], UInt32)] = [
            (Array("123456789".utf8), 0xCBF4_3926),
            ([], 0),
            (Array("The quick brown fox jumps over the lazy dog".utf8), 0x414F_A339),
            ([UInt8](repeating: 0xFF, count: 17), 0x025D_4ABC),
        ]
        for (bytes, expected) in cases {
            XCTAssertEqual(bytes.withUnsafeBytes { CRC32.checksum($0) }, expected, "\(bytes.count) bytes")
        }
    }
}
