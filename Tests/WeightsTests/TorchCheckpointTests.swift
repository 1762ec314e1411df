import Foundation
import Tensor
import TestSupport
import XCTest

@testable import Weights

/// torch.save archives from tools/make_weights_fixtures.py (prompts.pth and variants), and
/// hand-written pickles for the refusals.
final class TorchCheckpointTests: XCTestCase {
    private func checkPrompts(_ file: String) throws {
        let expected = try XCTUnwrap(try Fixtures.json("prompts_expected.json") as? [[String: Any]])
        let read = try TorchCheckpoint.read(try Fixtures.path(file))
        XCTAssertEqual(read.map(\.0), expected.compactMap { $0["prompt"] as? String }, "saved order is kept")
        for ((prompt, tensor), record) in zip(read, expected) {
            let (shape, values) = try XCTUnwrap(expectedTensor(record))
            XCTAssertEqual(tensor.shape, shape, prompt)
            XCTAssertEqual(tensor.scalars, values, prompt)  // exact: fp16 widened, same in JSON
        }
    }

    /// Includes a slice of a shared storage (offset 616) and a transposed, non-contiguous view.
    func testReadsTorchSaveProtocol2() throws { try checkPrompts("prompts.pth") }
    func testReadsTorchSaveProtocol4() throws { try checkPrompts("prompts_p4.pth") }
    func testReadsZip64Archive() throws { try checkPrompts("prompts_zip64.pth") }

    func testRefusesCodeExecutingGlobals() throws {
        let system = try Fixtures.path("malicious_system.pth")
        assertMessage("\(system): refusing pickle global 'posix.system': only tensors and dicts are read, no code is executed") {
            try TorchCheckpoint.read(system)
        }
        let eval = try Fixtures.path("malicious_eval.pth")
        assertMessage("\(eval): refusing pickle global 'builtins.eval': only tensors and dicts are read, no code is executed") {
            try TorchCheckpoint.read(eval)
        }
    }

    func testRefusesCompressedAndTruncatedArchives() throws {
        let deflated = try Fixtures.path("prompts_deflated.pth")
        assertMessage("\(deflated): entry 'archive/data.pkl' is compressed (zip method 8); only stored entries are read, as torch.save writes them") {
            try TorchCheckpoint.read(deflated)
        }
        let truncated = try Fixtures.path("prompts_truncated.pth")
        assertMessage("\(truncated): not a zip archive or truncated: no end-of-central-directory record") {
            try TorchCheckpoint.read(truncated)
        }
    }

    private func archive(_ entries: [(String, [UInt8])]) throws -> String {
        var zip = StoredZipBuilder()
        for (name, data) in entries { zip.add(name, data) }
        return try writeFile(try temporaryFolder(self), "t.pth", zip.bytes)
    }

    func testHandWrittenArchiveGathersOffsetAndStrides() throws {
        // Storage of 6 halves 0...5; a [2, 2] view at offset 1 with strides (2, 1) reads 1, 2, 3, 4.
        let halves: [UInt8] = [0x0000, 0x3C00, 0x4000, 0x4200, 0x4400, 0x4500].flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let path = try archive([("a/data.pkl", Op.tensorDict(key: "x", numel: 6, offset: 1, size: [2, 2], stride: [2, 1])),
                                ("a/data/0", halves)])
        let read = try TorchCheckpoint.read(path)
        XCTAssertEqual(read.first?.1, Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
        let transposed = try archive([("a/data.pkl", Op.tensorDict(key: "x", numel: 6, offset: 0, size: [3, 2], stride: [1, 3])),
                                      ("a/data/0", halves)])
        XCTAssertEqual(try TorchCheckpoint.read(transposed).first?.1, Tensor(shape: [3, 2], scalars: [0, 3, 1, 4, 2, 5]))
    }

    func testRefusesViewsReadingPastTheirStorage() throws {
        let halves = [UInt8](repeating: 0, count: 12)
        let path = try archive([("a/data.pkl", Op.tensorDict(key: "x", numel: 6, offset: 3, size: [2, 2], stride: [2, 1])),
                                ("a/data/0", halves)])
        assertMessage("tensor 'x' in \(path): size [2, 2], stride [2, 1] and offset 3 read past the storage's 6 elements") {
            try TorchCheckpoint.read(path)
        }
        let short = try archive([("a/data.pkl", Op.tensorDict(key: "x", numel: 6, offset: 0, size: [2], stride: [1])),
                                 ("a/data/0", [0, 0])])
        assertMessage("tensor 'x' in \(short): storage 'a/data/0' holds 2 bytes, expected 6 elements of 2 bytes") {
            try TorchCheckpoint.read(short)
        }
        let missing = try archive([("a/data.pkl", Op.tensorDict(key: "x", numel: 6, offset: 0, size: [2], stride: [1]))])
        assertMessage("tensor 'x' in \(missing): storage 'a/data/0' is missing") { try TorchCheckpoint.read(missing) }
    }

    func testRefusesNonDictRootsNonStringKeysAndStrangeOpcodes() throws {
        let list = try archive([("a/data.pkl", Op.proto2 + [0x5D] + Op.stop)])
        assertMessage("\(list): holds a list, not a dict of tensors") { try TorchCheckpoint.read(list) }
        let intKey = try archive([("a/data.pkl", Op.proto2 + Op.emptyDict + Op.int1(1) + Op.int1(2) + Op.setItem + Op.stop)])
        assertMessage("\(intKey): has a int key; only string keys are read") { try TorchCheckpoint.read(intKey) }
        let notTensor = try archive([("a/data.pkl", Op.proto2 + Op.emptyDict + Op.unicode("k") + Op.int1(2) + Op.setItem + Op.stop)])
        assertMessage("tensor 'k' in \(notTensor): value is a int, not a tensor") { try TorchCheckpoint.read(notTensor) }
        let float = try archive([("a/data.pkl", Op.proto2 + [0x47] + [UInt8](repeating: 0, count: 8) + Op.stop)])
        assertMessage("\(float): pickle byte 2: opcode 0x47 is not among those torch.save uses for tensors") {
            try TorchCheckpoint.read(float)
        }
        let noStop = try archive([("a/data.pkl", Op.proto2 + Op.emptyDict)])
        assertMessage("\(noStop): pickle byte 3: pickle ends without STOP") { try TorchCheckpoint.read(noStop) }
        let underflow = try archive([("a/data.pkl", Op.proto2 + Op.setItem + Op.stop)])
        assertMessage("\(underflow): pickle byte 2: stack underflow") { try TorchCheckpoint.read(underflow) }
        let badMemo = try archive([("a/data.pkl", Op.proto2 + [0x68, 9] + Op.stop)])
        assertMessage("\(badMemo): pickle byte 2: memo entry 9 was never stored") { try TorchCheckpoint.read(badMemo) }
        let noPickle = try archive([("a/other", [1])])
        assertMessage("\(noPickle): holds no data.pkl; not a torch.save archive") { try TorchCheckpoint.read(noPickle) }
        let bigEndian = try archive([("a/data.pkl", Op.proto2 + Op.emptyDict + Op.stop), ("a/byteorder", Array("big".utf8))])
        assertMessage("\(bigEndian): storages are big-endian; only little-endian is read") { try TorchCheckpoint.read(bigEndian) }
    }

    func testHostileNestingNeitherRecursesNorLeaksIntoTheResult() throws {
        // 200,000 lists each appended into the one below: a chain that would overflow the
        // stack if released recursively. The stream still has to be refused (root is a list).
        let depth = 200_000
        let chain = Op.proto2 + [UInt8](repeating: 0x5D, count: depth) + [UInt8](repeating: 0x61, count: depth - 1) + Op.stop
        let lists = try archive([("a/data.pkl", chain)])
        assertMessage("\(lists): holds a list, not a dict of tensors") { try TorchCheckpoint.read(lists) }
        // A dict that contains itself (memo 0 fetched back into it) is released too.
        let cycle = Op.proto2 + Op.emptyDict + [0x71, 0] + Op.unicode("me") + [0x68, 0] + Op.setItem + Op.stop
        let cyclic = try archive([("a/data.pkl", cycle)])
        assertMessage("tensor 'me' in \(cyclic): value is a dict, not a tensor") { try TorchCheckpoint.read(cyclic) }
        let tuples = Op.proto2 + Op.int1(0) + [UInt8](repeating: 0x85, count: 40) + Op.stop
        let nested = try archive([("a/data.pkl", tuples)])
        assertMessage("\(nested): pickle byte 36: tuples nested deeper than 32 levels") { try TorchCheckpoint.read(nested) }
    }

    func testDetectsCorruptEntryThroughItsCRC() throws {
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: try Fixtures.path("prompts.pth"))))
        let archive = try ZipArchive(path: try Fixtures.path("prompts.pth"))
        let entry = try XCTUnwrap(archive.entry(named: "archive/data/1"))
        // Flip one byte inside entry archive/data/1's payload, located by its local header.
        let local = entry.localHeaderOffset
        let nameLength = Int(bytes[local + 26]) | Int(bytes[local + 27]) << 8
        let extraLength = Int(bytes[local + 28]) | Int(bytes[local + 29]) << 8
        bytes[local + 30 + nameLength + extraLength + 5] ^= 0xFF
        let path = try writeFile(try temporaryFolder(self), "corrupt.pth", bytes)
        assertMessage("\(path): zip entry 'archive/data/1': CRC-32 mismatch: the archive is corrupt") {
            try TorchCheckpoint.read(path)
        }
    }
}
