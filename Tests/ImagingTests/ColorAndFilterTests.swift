import Imaging
import Tensor
import TestSupport
import XCTest

/// Colour conversions, value ranges and blur argument checks.
final class ColorAndFilterTests: XCTestCase {
    func testGrayscaleUsesTorchvisionWeightsAndToRGBRepeats() throws {
        let pixel = Tensor(shape: [3, 1, 1], scalars: [1, 0.5, 0.25])
        let gray = try pixel.grayscale()
        XCTAssertEqual(gray.shape, [1, 1, 1])
        // 0.2989 * 1 + 0.587 * 0.5 + 0.114 * 0.25, one Float32 rounding per term.
        XCTAssertEqual(gray.scalars[0], 0.2989 + 0.2935 + 0.0285, accuracy: 1e-6)
        XCTAssertEqual(try gray.toRGB().scalars, [gray.scalars[0], gray.scalars[0], gray.scalars[0]])
        XCTAssertEqual(try gray.grayscale(), gray, "gray stays gray")
        XCTAssertEqual(try pixel.toRGB(), pixel, "RGB stays RGB")
        XCTAssertThrowsError(try Tensor(zeros: [2, 3, 3]).grayscale()) { error in
            XCTAssertEqual("\(error)", "grayscale: a tensor of shape [2, 3, 3] is not a gray or RGB image ([..., 1 or 3, H, W])")
        }
    }

    func testModelRangeRoundTripAndInvert() {
        let image = Tensor(shape: [1, 1, 3], scalars: [0, 0.25, 1])
        XCTAssertEqual(image.toModelRange().scalars, [-1, -0.5, 1])
        XCTAssertEqual(image.toModelRange().fromModelRange(), image)
        XCTAssertEqual(image.inverted().scalars, [1, 0.75, 0])
    }

    func testGaussianKernelIsNormalisedAndSymmetric() throws {
        let kernel = try Tensor.gaussianKernel1D(size: 33, sigma: 2)
        XCTAssertEqual(kernel.reduce(0, +), 1, accuracy: 1e-6)
        XCTAssertEqual(kernel, kernel.reversed())
        XCTAssertEqual(try Tensor.gaussianKernel1D(size: 1, sigma: 1), [1], "a 1-tap kernel leaves the image alone")
    }

    func testBlurArgumentErrors() {
        let image = Tensor(zeros: [1, 8, 8])
        XCTAssertThrowsError(try image.gaussianBlur(kernelSize: 4, sigma: 1)) { error in
            XCTAssertEqual("\(error)", "gaussianBlur: kernel size must be a positive odd number, got 4")
        }
        XCTAssertThrowsError(try image.gaussianBlur(kernelSize: -3, sigma: 1))
        XCTAssertThrowsError(try image.gaussianBlur(kernelSize: 3, sigma: 0)) { error in
            XCTAssertEqual("\(error)", "gaussianBlur: sigma must be positive, got 0.0")
        }
        XCTAssertThrowsError(try image.gaussianBlur(kernelSize: 17, sigma: 2)) { error in
            XCTAssertEqual("\(error)", "gaussianBlur: kernel size 17 needs reflect padding of 8, which must be smaller "
                           + "than the image's height and width (8x8); use a kernel below 15 or a larger image")
        }
        XCTAssertNoThrow(try image.gaussianBlur(kernelSize: 15, sigma: 2), "padding 7 < 8 is allowed")
    }
}
