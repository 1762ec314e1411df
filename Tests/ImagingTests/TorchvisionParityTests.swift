import Imaging
import Tensor
import TestSupport
import XCTest

/// Parity with torchvision 0.14. Fixtures: `tools/make_imaging_fixtures.py` (numeric/).
final class TorchvisionParityTests: XCTestCase {
    struct Manifest: Decodable {
        struct Blur: Decodable { var input: String; var kernelSize: Int; var sigma: Float; var output: String }
        struct Rejected: Decodable { var input: String; var kernelSize: Int; var sigma: Float; var torchvisionError: String }
        struct Resize: Decodable { var input: String; var height: Int; var width: Int; var antialias: Bool; var output: String }
        struct Gray: Decodable { var input: String; var output: String }
        struct Crop: Decodable { var input: String; var height: Int; var width: Int; var output: String }
        var blur: [Blur]
        var blurRejected: [Rejected]
        var resize: [Resize]
        var grayscale: [Gray]
        var centerCrop: [Crop]
    }

    /// Float32 differences from summation order only; 1e-5 absolute on values in [0, 1].
    let tolerance: Float = 1e-5

    func manifest() throws -> Manifest {
        try Fixtures.decode(Manifest.self, "numeric/manifest.json")
    }

    func testGaussianBlurMatchesTorchvision() throws {
        let cases = try manifest().blur
        XCTAssertTrue(cases.contains { $0.kernelSize == 33 && $0.sigma == 2 }, "the course's 33/2 blur is covered")
        for c in cases {
            let input = try Fixtures.npy("numeric/" + c.input)
            let blurred = try input.gaussianBlur(kernelSize: c.kernelSize, sigma: c.sigma)
            assertClose(blurred, try Fixtures.npy("numeric/" + c.output), tolerance: tolerance,
                        "blur k=\(c.kernelSize) sigma=\(c.sigma) of \(c.input)")
        }
    }

    func testBlurRejectsPaddingTorchvisionRejects() throws {
        let cases = try manifest().blurRejected
        XCTAssertFalse(cases.isEmpty)
        for c in cases {
            let input = try Fixtures.npy("numeric/" + c.input)
            XCTAssertThrowsError(try input.gaussianBlur(kernelSize: c.kernelSize, sigma: c.sigma),
                                 "torchvision: \(c.torchvisionError)") { error in
                XCTAssertTrue("\(error)".contains("reflect padding of \(c.kernelSize / 2)"), "\(error)")
            }
        }
    }

    func testResizeMatchesTorchvision() throws {
        let cases = try manifest().resize
        XCTAssertTrue(cases.contains { !$0.antialias })
        for c in cases {
            let input = try Fixtures.npy("numeric/" + c.input)
            let resized = try input.resized(width: c.width, height: c.height, antialias: c.antialias)
            assertClose(resized, try Fixtures.npy("numeric/" + c.output), tolerance: tolerance,
                        "resize \(c.input) to \(c.height)x\(c.width) antialias=\(c.antialias)")
        }
    }

    func testGrayscaleMatchesTorchvision() throws {
        for c in try manifest().grayscale {
            let gray = try Fixtures.npy("numeric/" + c.input).grayscale()
            assertClose(gray, try Fixtures.npy("numeric/" + c.output), tolerance: tolerance, "grayscale of \(c.input)")
        }
    }

    func testCenterCropMatchesTorchvision() throws {
        for c in try manifest().centerCrop {
            let crop = try Fixtures.npy("numeric/" + c.input).centerCrop(width: c.width, height: c.height)
            // A crop copies values, so it must be exact.
            assertClose(crop, try Fixtures.npy("numeric/" + c.output), tolerance: 0, "center crop \(c.height)x\(c.width)")
        }
    }

    func testBatchedBlurEqualsPerImageBlur() throws {
        let image = try Fixtures.npy("numeric/b_3x20x24.npy")
        let batch = try Tensor.stack([image, image.inverted()])  // [2, 3, 20, 24]
        let blurred = try batch.gaussianBlur(kernelSize: 5, sigma: 1.5)
        assertClose(blurred.slice(1), try image.inverted().gaussianBlur(kernelSize: 5, sigma: 1.5),
                    tolerance: 0, "second image of the batch")
    }
}
