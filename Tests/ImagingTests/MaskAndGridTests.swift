import Imaging
import Tensor
import TestSupport
import XCTest

/// Masks and grids against hand-drawn expectations.
final class MaskAndGridTests: XCTestCase {
    func testRectangleMaskCoversExactlyItsPixels() throws {
        let mask = try Image.rectangleMask(width: 4, height: 3, x: 1, y: 1, w: 2, h: 5)
        XCTAssertEqual(mask, Tensor(shape: [1, 3, 4], scalars: [0, 0, 0, 0,
                                                                0, 1, 1, 0,
                                                                0, 1, 1, 0]), "cut off at the bottom edge")
        let outside = try Image.rectangleMask(width: 3, height: 3, x: -5, y: 0, w: 2, h: 3)
        XCTAssertEqual(outside.scalars.reduce(0, +), 0, "entirely left of the image")
        XCTAssertThrowsError(try Image.rectangleMask(width: 0, height: 3, x: 0, y: 0, w: 1, h: 1)) { error in
            XCTAssertEqual("\(error)", "rectangleMask: width and height must be between 1 and 16384, got 0x3")
        }
        XCTAssertThrowsError(try Image.rectangleMask(width: 3, height: 3, x: 0, y: 0, w: -1, h: 1))
    }

    func testEllipseMaskUsesPixelCentres() throws {
        // Circle of radius 1.5 centred on the middle of a 5x5 image: the 3x3 block of pixel
        // centres is within 1.5 of (2.5, 2.5) (diagonal neighbours at 1.41); the next ring
        // is at 2 or more.
        let mask = try Image.ellipseMask(width: 5, height: 5, centerX: 2.5, centerY: 2.5, radiusX: 1.5, radiusY: 1.5)
        XCTAssertEqual(mask.scalars, [0, 0, 0, 0, 0,
                                      0, 1, 1, 1, 0,
                                      0, 1, 1, 1, 0,
                                      0, 1, 1, 1, 0,
                                      0, 0, 0, 0, 0])
        XCTAssertThrowsError(try Image.ellipseMask(width: 5, height: 5, centerX: 0, centerY: 0, radiusX: 0, radiusY: 1))
    }

    func testGridLayoutPaddingAndPromotion() throws {
        let gray = Tensor(repeating: 0, shape: [1, 2, 2])
        let rgb = Tensor(repeating: 0.5, shape: [3, 2, 2])
        let grid = try Image.grid([gray, rgb, gray], columns: 2, padding: 1, background: 1)
        // 2 columns x 2 rows of 2x2 cells with 1 pixel around and between: 7 wide, 7 high.
        XCTAssertEqual(grid.shape, [3, 7, 7])
        XCTAssertEqual(grid[0, 0, 0], 1, "frame")
        XCTAssertEqual(grid[1, 1, 1], 0, "first image, promoted to RGB")
        XCTAssertEqual(grid[2, 1, 4], 0.5, "second image in the second column")
        XCTAssertEqual(grid[0, 4, 1], 0, "third image starts the second row")
        XCTAssertEqual(grid[0, 4, 4], 1, "the empty last cell shows the background")
    }

    func testGridCentresSmallerImagesAndStaysGray() throws {
        let big = Tensor(repeating: 0, shape: [1, 3, 3])
        let small = Tensor(repeating: 0.5, shape: [1, 1, 1])
        let grid = try Image.grid([big, small], columns: 2, padding: 0, background: 1)
        XCTAssertEqual(grid.shape, [1, 3, 6])
        XCTAssertEqual(grid.scalars.filter { $0 == 0.5 }.count, 1)
        XCTAssertEqual(grid[0, 1, 4], 0.5, "centred in its 3x3 cell")
    }

    func testGridErrors() {
        XCTAssertThrowsError(try Image.grid([], columns: 1)) { error in
            XCTAssertEqual("\(error)", "grid: needs at least one image")
        }
        XCTAssertThrowsError(try Image.grid([Tensor(zeros: [1, 2, 2])], columns: 0))
        XCTAssertThrowsError(try Image.grid([Tensor(zeros: [2, 2, 2])], columns: 1))
        XCTAssertThrowsError(try Image.grid([Tensor(zeros: [2, 2])], columns: 1))
    }
}
