import Foundation
import Imaging
import Tensor
import TestSupport
import XCTest

/// Encoding then decoding gives back the 8-bit quantised input exactly.
final class PNGRoundTripTests: XCTestCase {
    /// A pseudo-random image with values spread over [-0.2, 1.2] so clamping is exercised.
    func sampleImage(channels: Int, height: Int, width: Int, seed: UInt64) -> Tensor {
        var state = seed
        return Tensor(shape: [channels, height, width]) { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24) * 1.4 - 0.2
        }
    }

    /// The 8-bit level each value should become: clamp, scale, round half up.
    func quantised(_ image: Tensor) -> Tensor {
        image.map { value in
            let clamped = Swift.min(Swift.max(value, 0), 1)
            return (clamped * 255 + 0.5).rounded(.down) / 255
        }
    }

    func testRGBRoundTripIsExactAfterQuantisation() throws {
        let image = sampleImage(channels: 3, height: 9, width: 13, seed: 1)
        let decoded = try PNG.decode(PNG.encode(image), name: "round trip")
        XCTAssertEqual(decoded, quantised(image))
    }

    func testGrayRoundTripStaysOneChannel() throws {
        let image = sampleImage(channels: 1, height: 6, width: 4, seed: 2)
        let bytes = try PNG.encode(image)
        XCTAssertEqual(try PNG.decode(bytes, name: "gray", channels: .asStored), quantised(image))
        XCTAssertEqual(try PNG.decode(bytes, name: "gray").shape, [3, 6, 4], "default decoding is RGB")
    }

    func testEncodingIsDeterministic() throws {
        // Same pixels, same file: the decoded image (already 8-bit) encodes to the very
        // bytes it was decoded from, and a separately built copy encodes alike.
        let image = sampleImage(channels: 3, height: 8, width: 8, seed: 3)
        let bytes = try PNG.encode(image)
        let decoded = try PNG.decode(bytes, name: "deterministic")
        XCTAssertEqual(decoded, quantised(image))
        XCTAssertEqual(try PNG.encode(decoded), bytes)
        XCTAssertEqual(try PNG.encode(sampleImage(channels: 3, height: 8, width: 8, seed: 3)), bytes)
        XCTAssertFalse(containsChunk("tIME", in: bytes), "no time stamp")
    }

    func testNaNEncodesAsBlack() throws {
        let image = Tensor(shape: [1, 1, 2], scalars: [.nan, .infinity])
        XCTAssertEqual(try PNG.decode(PNG.encode(image), name: "nan", channels: .asStored).scalars, [0, 1])
    }

    func testWriteThenReadFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("imaging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("out.png").path
        let first = sampleImage(channels: 3, height: 5, width: 5, seed: 4)
        let second = sampleImage(channels: 3, height: 5, width: 5, seed: 5)
        try PNG.write(first, to: path)
        try PNG.write(second, to: path)  // replaces the file
        XCTAssertEqual(try PNG.read(path: path), quantised(second))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        XCTAssertEqual(leftovers, ["out.png"], "no temporary files remain")
    }

    func testEncodeRejectsNonImages() {
        for shape in [[2, 4, 4], [4, 4], [3, 0, 4], [1, 3, 4, 4]] {
            XCTAssertThrowsError(try PNG.encode(Tensor(zeros: shape)), "shape \(shape)") { error in
                XCTAssertEqual("\(error)", "PNG.encode: a tensor of shape \(Tensor.format(shape)) is not a [1, H, W] or [3, H, W] image")
            }
        }
    }

    private func containsChunk(_ type: String, in bytes: [UInt8]) -> Bool {
        let needle = Array(type.utf8)
        return bytes.count >= 4 && (0...(bytes.count - 4)).contains { Array(bytes[$0..<($0 + 4)]) == needle }
    }
}
