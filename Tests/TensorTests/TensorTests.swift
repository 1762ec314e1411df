import Tensor
import XCTest

final class TensorTests: XCTestCase {
    func testBroadcastingScalarChannelAndMask() throws {
        let image = Tensor(shape: [2, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])   // [C, H, W]
        let perChannel = Tensor(shape: [2, 1, 1], scalars: [10, 100])
        XCTAssertEqual(try image.adding(perChannel).scalars, [11, 12, 13, 14, 105, 106, 107, 108])
        let mask = Tensor(shape: [1, 2, 2], scalars: [1, 0, 0, 1])                  // [1, H, W]
        XCTAssertEqual(try image.multiplying(mask).scalars, [1, 0, 0, 4, 5, 0, 0, 8])
        XCTAssertEqual((image * 2).scalars, [2, 4, 6, 8, 10, 12, 14, 16])
        XCTAssertEqual(try Tensor(scalar: 1).subtracting(mask).scalars, [0, 1, 1, 0])
        XCTAssertEqual(try Tensor.broadcastShape([3, 1, 5], [4, 1]), [3, 4, 5])
    }

    func testIncompatibleShapesNameBothShapes() {
        let a = Tensor(zeros: [3, 4, 4]), b = Tensor(zeros: [3, 5, 5])
        XCTAssertThrowsError(try a.adding(b)) { error in
            XCTAssertEqual("\(error)", "+: shapes [3, 4, 4] and [3, 5, 5] do not match")
        }
    }

    func testReductions() throws {
        let t = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(t.sum(), 21)
        XCTAssertEqual(t.mean(), 3.5)
        XCTAssertEqual(t.variance(), 35.0 / 12.0, accuracy: 1e-12)
        XCTAssertEqual(try t.sum(axis: 0).scalars, [5, 7, 9])
        XCTAssertEqual(try t.sum(axis: 1).scalars, [6, 15])
        XCTAssertEqual(try t.mean(axis: 1).scalars, [2, 5])
        XCTAssertEqual(t.min(), 1)
        XCTAssertEqual(t.max(), 6)
        XCTAssertEqual((-t).maxAbs(), 6)
    }

    func testMatmulAgainstHandComputedProduct() throws {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
        XCTAssertEqual(try a.matmul(b).scalars, [58, 64, 139, 154])
        let bT = Tensor(shape: [2, 3], scalars: [7, 9, 11, 8, 10, 12])
        XCTAssertEqual(try a.matmul(bT, transposeOther: true).scalars, [58, 64, 139, 154])
        XCTAssertThrowsError(try a.matmul(a))
    }

    func testStackAndConcatenate() throws {
        let a = Tensor(shape: [1, 2], scalars: [1, 2]), b = Tensor(shape: [1, 2], scalars: [3, 4])
        XCTAssertEqual(try Tensor.stack([a, b]).shape, [2, 1, 2])
        let c = try Tensor.concatenate([a, b], axis: 1)
        XCTAssertEqual(c.shape, [1, 4])
        XCTAssertEqual(c.scalars, [1, 2, 3, 4])
        XCTAssertEqual(try Tensor.concatenate([a, b], axis: 0).scalars, [1, 2, 3, 4])
        XCTAssertEqual(try Tensor.stack([a, b]).slice(1), b)
    }

    /// Large enough to be split across the cores: every value where its definition puts it.
    func testLargeConcatenationAndSumsMatchTheirDefinitions() throws {
        var random = SeededRandom(seed: 45)
        let a = random.normal(shape: [2, 3, 40, 100]), b = random.normal(shape: [2, 5, 40, 100])
        let c = try Tensor.concatenate([a, b], axis: 1)
        XCTAssertEqual(c.shape, [2, 8, 40, 100])
        let plane = 40 * 100
        for i in 0..<2 {
            for channel in 0..<8 {
                let source = channel < 3 ? a.scalars[((i * 3 + channel) * plane)...].prefix(plane)
                                         : b.scalars[((i * 5 + channel - 3) * plane)...].prefix(plane)
                XCTAssertEqual(Array(c.scalars[((i * 8 + channel) * plane)...].prefix(plane)), Array(source),
                               "item \(i) channel \(channel)")
            }
        }
        let twice = try b.multiplying(Tensor(shape: [], scalars: [2]))
        XCTAssertEqual(try b.adding(twice).scalars, zip(b.scalars, twice.scalars).map { $0 + $1 })
        XCTAssertEqual(try c.subtracting(c.map { $0 * 0.5 }).scalars, c.scalars.map { $0 - $0 * 0.5 })
    }

    func testSeededNormalsAreReproducibleAndStandard() {
        var r1 = SeededRandom(seed: 42), r2 = SeededRandom(seed: 42), r3 = SeededRandom(seed: 43)
        let a = r1.normal(shape: [100_000]), b = r2.normal(shape: [100_000]), c = r3.normal(shape: [100_000])
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        // With n = 1e5 the sample mean has standard error 1/sqrt(n) ~ 0.0032 and the sample
        // variance about sqrt(2/n) ~ 0.0045: 5 standard errors cannot fail by chance.
        XCTAssertEqual(a.mean(), 0, accuracy: 5 * 0.0032)
        XCTAssertEqual(a.variance(), 1, accuracy: 5 * 0.0045)
    }

    func testXoshiroFirstOutputMatchesTheReferenceAlgorithm() {
        // Computed independently from Vigna's reference definitions: SplitMix64 from seed 0
        // fills the state (its first word is 0xE220A8397B1DCDAF); xoshiro256** then returns
        // rotl(s1 * 5, 7) * 9.
        var r = SeededRandom(seed: 0)
        XCTAssertEqual(r.next(), 0x99EC_5F36_CB75_F2B4)
    }

    func testBLASReportsAKernel() {
        XCTAssertFalse(BLASRuntime.coreName.isEmpty)
        XCTAssertNil(BLASRuntime.kernelOverride(environment: ["NOISEBOOK_BLAS_KERNEL": "keep"]))
        XCTAssertNil(BLASRuntime.kernelOverride(environment: ["NOISEBOOK_BLAS_KERNEL": BLASRuntime.coreName]))
        let other = BLASRuntime.coreName == "Haswell" ? "SkylakeX" : "Haswell"
        XCTAssertEqual(BLASRuntime.kernelOverride(environment: ["NOISEBOOK_BLAS_KERNEL": other]), other)
    }
}
