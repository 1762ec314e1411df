import Foundation
import Tensor
import TestSupport
import XCTest

@testable import Weights

/// .npy files written by numpy in tools/make_weights_fixtures.py.
final class NPYFileTests: XCTestCase {
    private func check(_ file: String, _ key: String) throws {
        let expected = try XCTUnwrap(try Fixtures.json("npy_expected.json") as? [String: Any])
        let (shape, values) = try XCTUnwrap(expectedTensor(expected[key]))
        let tensor = try NPYFile.read(try Fixtures.path(file))
        XCTAssertEqual(tensor.shape, shape)
        XCTAssertEqual(tensor.scalars, values)  // exact: the JSON holds the stored values
    }

    func testReadsFloat32Version1() throws { try check("f32.npy", "f32") }
    func testReadsFloat16() throws { try check("f16.npy", "f16") }
    func testReadsVersion2Header() throws { try check("f32_v2.npy", "f32_v2") }

    func testRefusesWhatItCannotRead() throws {
        let fortran = try Fixtures.path("fortran.npy")
        assertMessage("\(fortran): array is in Fortran order; only C order is read") { try NPYFile.read(fortran) }
        let big = try Fixtures.path("bigendian.npy")
        assertMessage("\(big): dtype '>f4' is not supported; only little-endian float32 ('<f4') and float16 ('<f2') are read") {
            try NPYFile.read(big)
        }
        let ints = try Fixtures.path("int64.npy")
        assertMessage("\(ints): dtype '<i8' is not supported; only little-endian float32 ('<f4') and float16 ('<f2') are read") {
            try NPYFile.read(ints)
        }
    }

    func testRefusesBadMagicVersionAndSizes() throws {
        let folder = try temporaryFolder(self)
        let notNPY = try writeFile(folder, "a.npy", Array("hello world!".utf8))
        assertMessage("\(notNPY): not a .npy file (no \\x93NUMPY magic)") { try NPYFile.read(notNPY) }
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        let v3 = try writeFile(folder, "b.npy", magic + [3, 0, 0, 0, 0, 0])
        assertMessage("\(v3): unsupported .npy version 3.0; only 1.0 and 2.0 are read") { try NPYFile.read(v3) }
        let long = try writeFile(folder, "c.npy", magic + [1, 0, 0xFF, 0xFF] + Array("{}".utf8))
        assertMessage("\(long): header length 65535 exceeds the file size (12 bytes)") { try NPYFile.read(long) }
        let header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n".utf8)
        let short = try writeFile(folder, "d.npy", magic + [1, 0, UInt8(header.count), 0] + header + [0, 0, 0, 0])
        assertMessage("\(short): data holds 4 bytes but shape [2, 3] of '<f4' needs 24") { try NPYFile.read(short) }
        let garbled = Array("{'descr': '<f4', 'shape': [2], }".utf8)
        let odd = try writeFile(folder, "e.npy", magic + [1, 0, UInt8(garbled.count), 0] + garbled)
        assertMessage("\(odd): header value for 'shape' is not understood") { try NPYFile.read(odd) }
    }

    func testWriteMatchesNumpyBytesAndRoundTrips() throws {
        let folder = try temporaryFolder(self)
        let original = try NPYFile.read(try Fixtures.path("f32.npy"))
        try NPYFile.write(original, to: folder + "/f32.npy")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder + "/f32.npy")),
                       try Data(contentsOf: URL(fileURLWithPath: try Fixtures.path("f32.npy"))))
        let half = try NPYFile.read(try Fixtures.path("f16.npy"))
        try NPYFile.write(half, to: folder + "/f16.npy", dtype: .f16)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder + "/f16.npy")),
                       try Data(contentsOf: URL(fileURLWithPath: try Fixtures.path("f16.npy"))))
        let scalar = Tensor(scalar: 7)
        try NPYFile.write(scalar, to: folder + "/s.npy")
        XCTAssertEqual(try NPYFile.read(folder + "/s.npy"), scalar)
    }
}
