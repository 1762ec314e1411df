import XCTest
import Diffusion
import Tensor
import TestSupport

/// The anagram views: hand-worked examples, and each view undone by its inverse.
final class ImageViewTests: XCTestCase {
    /// 1 2 3 / 4 5 6 / 7 8 9 as a `[3, 3]` tensor.
    let grid = Tensor(shape: [3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])

    func testRotate90MatchesTorchRot90() throws {
        // torch.rot90(x, k=1, dims=[-2, -1]) turns the grid counterclockwise: the right
        // column (3 6 9) becomes the top row.
        XCTAssertEqual(try ImageView.rotate90.apply(grid).scalars, [3, 6, 9, 2, 5, 8, 1, 4, 7])
        // k = -1 (clockwise): the left column, read bottom to top, becomes the top row.
        XCTAssertEqual(try ImageView.rotate270.apply(grid).scalars, [7, 4, 1, 8, 5, 2, 9, 6, 3])
        XCTAssertEqual(try ImageView.rotate180.apply(grid).scalars, [9, 8, 7, 6, 5, 4, 3, 2, 1])
    }

    func testFlipMirrorAndNegateByHand() throws {
        // 2 x 3, not square: 1 2 3 / 4 5 6.
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try ImageView.flip.apply(x).scalars, [4, 5, 6, 1, 2, 3], "rows reversed")
        XCTAssertEqual(try ImageView.mirror.apply(x).scalars, [3, 2, 1, 6, 5, 4], "columns reversed")
        XCTAssertEqual(try ImageView.rotate180.apply(x).scalars, [6, 5, 4, 3, 2, 1])
        XCTAssertEqual(try ImageView.negate.apply(x).scalars, [-1, -2, -3, -4, -5, -6])
        XCTAssertEqual(try ImageView.identity.apply(x), x)
    }

    func testEveryViewComposedWithItsInverseIsTheIdentity() throws {
        var random = SeededRandom(seed: 3)
        let square = random.normal(shape: [2, 3, 5, 5])
        let wide = random.normal(shape: [2, 3, 4, 7])
        for view in ImageView.allCases {
            XCTAssertEqual(try view.inverse.apply(view.apply(square)), square, "\(view) then its inverse")
            XCTAssertEqual(try view.apply(view.inverse.apply(square)), square, "\(view)'s inverse then \(view)")
            XCTAssertEqual(try view.apply(square).shape, square.shape)
            switch view {
            case .rotate90, .rotate270:
                XCTAssertThrowsError(try view.apply(wide), "\(view) needs a square image")
            default:
                XCTAssertEqual(try view.inverse.apply(view.apply(wide)), wide, "\(view) on 4 x 7")
            }
            if view != .identity {
                XCTAssertNotEqual(try view.apply(square), square, "\(view) moves something")
            }
        }
    }

    func testRotationsCompose() throws {
        var random = SeededRandom(seed: 4)
        let x = random.normal(shape: [1, 3, 6, 6])
        let r90 = ImageView.rotate90
        XCTAssertEqual(try r90.apply(r90.apply(x)), try ImageView.rotate180.apply(x))
        XCTAssertEqual(try r90.apply(r90.apply(r90.apply(x))), try ImageView.rotate270.apply(x))
        XCTAssertEqual(try ImageView.flip.apply(ImageView.mirror.apply(x)), try ImageView.rotate180.apply(x))
    }

    func testEachChannelAndBatchItemIsViewedOnItsOwn() throws {
        // Two planes, 2 x 2 each: a view permutes within a plane, never across planes.
        let x = Tensor(shape: [2, 1, 2, 2], scalars: [1, 2, 3, 4, 10, 20, 30, 40])
        XCTAssertEqual(try ImageView.rotate90.apply(x).scalars, [2, 4, 1, 3, 20, 40, 10, 30])
        XCTAssertThrowsError(try ImageView.flip.apply(Tensor(shape: [4], scalars: [1, 2, 3, 4])), "a view needs two axes")
    }
}
