import Imaging
import Tensor
import TestSupport
import XCTest

/// Flips, quarter turns and crops: identities and small hand-checked cases.
final class GeometryTests: XCTestCase {
    /// `[2, 3, 4]` holding 0, 1, 2, ... so every element is distinguishable.
    let counting = Tensor(shape: [2, 3, 4]) { Float($0) }

    func testFourQuarterTurnsAreIdentity() {
        var image = counting
        for _ in 0..<4 { image = image.rotated90(times: 1) }
        XCTAssertEqual(image, counting)
        XCTAssertEqual(counting.rotated90(times: 4), counting)
        XCTAssertEqual(counting.rotated90(times: -1), counting.rotated90(times: 3))
        XCTAssertEqual(counting.rotated90(times: 1).rotated90(times: -1), counting)
    }

    func testFlipTwiceIsIdentity() {
        XCTAssertEqual(counting.flippedVertically().flippedVertically(), counting)
        XCTAssertEqual(counting.flippedHorizontally().flippedHorizontally(), counting)
        XCTAssertEqual(counting.flippedVertically().flippedHorizontally(), counting.rotated90(times: 2),
                       "both flips are a half turn")
    }

    func testQuarterTurnIsCounterclockwiseLikeTorchRot90() {
        // torch.rot90(torch.tensor([[1, 2], [3, 4]]), 1, [0, 1]) == [[2, 4], [1, 3]]
        let square = Tensor(shape: [1, 2, 2], scalars: [1, 2, 3, 4])
        XCTAssertEqual(square.rotated90(times: 1).scalars, [2, 4, 1, 3])
        let wide = Tensor(shape: [1, 2, 3], scalars: [1, 2, 3, 4, 5, 6])
        // torch.rot90([[1, 2, 3], [4, 5, 6]]) == [[3, 6], [2, 5], [1, 4]]
        XCTAssertEqual(wide.rotated90(times: 1), Tensor(shape: [1, 3, 2], scalars: [3, 6, 2, 5, 1, 4]))
        XCTAssertEqual(wide.rotated90(times: 3), Tensor(shape: [1, 3, 2], scalars: [4, 1, 5, 2, 6, 3]))
    }

    func testFlipsMoveRowsAndColumns() {
        let image = Tensor(shape: [1, 2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(image.flippedVertically().scalars, [4, 5, 6, 1, 2, 3])
        XCTAssertEqual(image.flippedHorizontally().scalars, [3, 2, 1, 6, 5, 4])
    }

    func testRankBelowTwoIsReturnedUnchanged() {
        let vector = Tensor(shape: [3], scalars: [1, 2, 3])
        XCTAssertEqual(vector.flippedVertically(), vector)
        XCTAssertEqual(vector.rotated90(times: 1), vector)
    }

    func testCenterCropSquareAndErrors() throws {
        XCTAssertEqual(try counting.centerCrop().shape, [2, 3, 3])
        // Width 4 -> 3: left = round(0.5) = 0 under round-half-to-even, as torchvision.
        XCTAssertEqual(try counting.centerCrop().scalars.prefix(3), [0, 1, 2])
        XCTAssertThrowsError(try counting.centerCrop(width: 5, height: 3)) { error in
            XCTAssertEqual("\(error)", "centerCrop: cannot crop 5x3 from a 4x3 image")
        }
        XCTAssertThrowsError(try counting.centerCrop(width: 0, height: 1))
        XCTAssertThrowsError(try Tensor(zeros: [4]).centerCrop()) { error in
            XCTAssertEqual("\(error)", "centerCrop: a tensor of shape [4] is not an image ([..., H, W] with H, W >= 1)")
        }
    }

    func testCroppedWindow() throws {
        let window = try counting.cropped(x: 1, y: 1, width: 2, height: 2)
        XCTAssertEqual(window, Tensor(shape: [2, 2, 2], scalars: [5, 6, 9, 10, 17, 18, 21, 22]))
        XCTAssertThrowsError(try counting.cropped(x: 3, y: 0, width: 2, height: 1))
    }

    func testResizeToSameSizeIsIdentityAndBadSizesThrow() throws {
        let image = counting / 23
        assertClose(try image.resized(width: 4, height: 3), image, tolerance: 1e-6, "same size")
        XCTAssertThrowsError(try image.resized(width: 0, height: 3)) { error in
            XCTAssertEqual("\(error)", "resized: the target size must be positive, got 0x3")
        }
        XCTAssertEqual(try image.resized(to: 8).shape, [2, 8, 8])
    }

    func testResizePreservesConstantImages() throws {
        // Normalised filter weights: a flat image stays flat (to Float32 rounding) at any size.
        let flat = Tensor(repeating: 0.3, shape: [1, 17, 29])
        for (w, h) in [(5, 3), (40, 50), (29, 1), (1, 1)] {
            assertClose(try flat.resized(width: w, height: h), Tensor(repeating: 0.3, shape: [1, h, w]),
                        tolerance: 1e-6, "flat \(w)x\(h)")
        }
    }
}
