import Imaging
import Tensor
import TestSupport
import XCTest

/// Every PNG kind decodes to the values its writer stored. Fixtures (PNG files written by
/// hand with zlib, and the expected values): `tools/make_imaging_fixtures.py` (png/).
final class PNGDecodeTests: XCTestCase {
    struct Manifest: Decodable {
        struct Case: Decodable { var file: String; var expected: String; var description: String }
        var cases: [Case]
    }

    /// Straight-alpha compositing over white in Float32 against float64 in the script, and
    /// libpng's 16-bit premultiplied output, which rounds c*a to a 16-bit step (at most
    /// 0.5 / 65535 = 7.6e-6): 1e-5 absolute.
    let tolerance: Float = 1e-5

    func testEveryKindDecodesToItsStoredValues() throws {
        let cases = try Fixtures.decode(Manifest.self, "png/manifest.json").cases
        let kinds = Set(cases.map(\.file))
        for kind in ["gray8.png", "gray16.png", "gray_alpha8.png", "gray_alpha16.png", "rgb8.png", "rgb16.png",
                     "rgba8.png", "rgba16.png", "palette8.png", "palette8_trns.png", "rgb8_interlaced.png"] {
            XCTAssertTrue(kinds.contains(kind), "fixture \(kind) is generated")
        }
        for c in cases {
            let image = try PNG.decode(Fixtures.bytes("png/" + c.file), name: c.file)
            assertClose(image, try Fixtures.npy("png/" + c.expected), tolerance: tolerance, c.description)
        }
    }

    func testTransparentPixelBecomesWhiteAndOpaqueKeepsItsColour() throws {
        for depth in [8, 16] {
            let image = try PNG.decode(Fixtures.bytes("png/rgba\(depth).png"), name: "rgba\(depth).png")
            let expected = try Fixtures.npy("png/rgba\(depth).npy")
            for c in 0..<3 {
                XCTAssertEqual(image[c, 0, 0], 1, "fully transparent pixel is white (\(depth)-bit)")
                XCTAssertEqual(image[c, 0, 1], expected[c, 0, 1], accuracy: 1e-7, "opaque pixel is its colour")
            }
        }
    }

    func testChannelOptions() throws {
        let gray = try Fixtures.bytes("png/gray8.png")
        let expected = try Fixtures.npy("png/gray8.npy")  // [3, H, W], channels equal
        XCTAssertEqual(try PNG.decode(gray, name: "g", channels: .asStored).shape, [1, 5, 7])
        assertClose(try PNG.decode(gray, name: "g", channels: .gray), expected.slicedFirstChannel(),
                    tolerance: 1e-7, "gray file read as gray keeps its values")
        let rgb = try Fixtures.bytes("png/rgb8.png")
        XCTAssertEqual(try PNG.decode(rgb, name: "c", channels: .asStored).shape, [3, 5, 7])
        assertClose(try PNG.decode(rgb, name: "c", channels: .gray), try Fixtures.npy("png/rgb8.npy").grayscale(),
                    tolerance: 1e-6, "colour file read as gray uses the luma weights")
    }
}

extension Tensor {
    /// `[1, H, W]`: the first channel of `[C, H, W]`.
    func slicedFirstChannel() -> Tensor {
        let plane = shape[1] * shape[2]
        return Tensor(shape: [1, shape[1], shape[2]], scalars: Array(scalars[0..<plane]))
    }
}
