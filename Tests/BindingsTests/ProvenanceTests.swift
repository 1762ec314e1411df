import Bindings
import XCTest

/// Every image a cell shows can say what made it: arithmetic names its operands, a patch
/// schedule is part of the operation, and noise made by size equals noise made by example.
final class ProvenanceTests: BindingsTestCase {
    func testArithmeticNamesWhatItCombined() throws {
        let values = try run("""
        let mask = rectangleMask(size: 8, x: 0, y: 0, width: 4, height: 8)
        let picture = rectangleMask(size: 8, x: 0, y: 0, width: 8, height: 8).rgb() * 0.5
        let hole = picture * (1 - mask)
        let scaled = 2 * gaussianBlur(picture, kernelSize: 3, sigma: 1)
        """)
        XCTAssertEqual(try image(values, "hole").provenance.operation, "(rectangleMask × 0.5) × (1 − rectangleMask)")
        XCTAssertEqual(try image(values, "scaled").provenance.operation, "2 × gaussianBlur(3, σ 1.0)")
        // A long chain is summed up rather than spelled out.
        let chain = try run("""
        var x = rectangleMask(size: 4, x: 0, y: 0, width: 4, height: 4).rgb()
        for _ in 0..<20 { x = x * 0.9 + 0.05 }
        """)
        XCTAssertEqual(try image(chain, "x").provenance.operation, "image arithmetic (+)")
    }

    /// An illusion shown both ways: the second reading says how it was turned.
    func testAChangeOfViewIsNamedAfterWhatMadeTheImage() throws {
        let values = try run("""
        let blurred = gaussianBlur(rectangleMask(size: 8, x: 0, y: 0, width: 4, height: 8).rgb(), kernelSize: 3, sigma: 1)
        let upsideDown = blurred.flipped()
        let turned = blurred.rotated(by: 90).inverted()
        let plain = rectangleMask(size: 8, x: 0, y: 0, width: 4, height: 8).rgb().mirrored()
        """)
        XCTAssertEqual(try image(values, "upsideDown").provenance.operation, "gaussianBlur(3, σ 1.0), then flipped")
        XCTAssertEqual(try image(values, "turned").provenance.operation, "gaussianBlur(3, σ 1.0), then rotated by 90°, then inverted")
        XCTAssertEqual(try image(values, "plain").provenance.operation, "rectangleMask, then mirrored")
    }

    func testNoiseBySizeIsNoiseLikeAnImageOfThatSize() throws {
        let values = try run("""
        let bySize = gaussianNoise(size: 8, seed: 3, draw: 2)
        let byExample = gaussianNoise(like: rectangleMask(size: 8, x: 0, y: 0, width: 8, height: 8).rgb().toModelRange(), seed: 3, draw: 2)
        let difference = maxDifference(bySize, byExample)
        """)
        XCTAssertEqual(try image(values, "bySize").tensor.shape, [3, 8, 8])
        XCTAssertEqual(values["difference"], .double(0))
        XCTAssertTrue(failure("let n = gaussianNoise(seed: 1)").contains("give the shape once"))
        XCTAssertTrue(failure("let n = gaussianNoise(like: gaussianNoise(size: 4), size: 4)").contains("give the shape once"))
        XCTAssertTrue(failure("let n = gaussianNoise(size: 0)").contains("size must be between 1 and 4096, got 0"))
    }
}
