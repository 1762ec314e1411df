import XCTest
import Diffusion
import Tensor
import EmojiModel

/// The local score machine: the exact identity with the posterior mean when patches cover
/// the image, and a brute-force reference (every patch summed pixel by pixel) otherwise.
final class BuiltinLocalScoreTests: XCTestCase {
    func testWholeImagePatchesEqualThePosteriorMean() throws {
        let set = try BuiltinTestSets.random(count: 7)
        // k = 15 = 2 * 8 - 1: every pixel's patch holds the whole 8x8 image.
        let local = LocalScoreDenoiser(set: set, patchSchedule: try .fixed(15))
        let oracle = PosteriorMeanDenoiser(set: set)
        var random = SeededRandom(seed: 5)
        let x = random.normal(shape: [3, 3, 8, 8])
        let timesteps = [100, 500, 900]
        let conditions = [Condition(prompt: ""), Condition(prompt: "item"), Condition(prompt: "")]
        let a = try local.denoised(x, timesteps: timesteps, conditions: conditions)
        let b = try oracle.denoised(x, timesteps: timesteps, conditions: conditions)
        // Same maths, different summation order (Float64 box sums against a Float32 GEMM).
        for (u, v) in zip(a.scalars, b.scalars) { XCTAssertEqual(u, v, accuracy: 1e-4) }
    }

    func testSmallPatchesMatchABruteForceReference() throws {
        let set = try BuiltinTestSets.random(count: 5, seed: 11)
        let k = 3, t = 600
        let model = LocalScoreDenoiser(set: set, patchSchedule: try .fixed(k))
        var random = SeededRandom(seed: 6)
        let x = random.normal(shape: [1, 3, 8, 8])
        let clean = try model.denoised(x, timesteps: [t], conditions: [Condition(prompt: "")])
        let a = Double(model.schedule.alphaBar(t))
        let side = 8, plane = 64, r = k / 2
        for py in 0..<side {
            for px in 0..<side {
                // Distances over the in-image part of the k x k window, in Float64.
                let logits = (0..<5).map { i -> Double in
                    var distance = 0.0
                    for qy in max(py - r, 0)...min(py + r, side - 1) {
                        for qx in max(px - r, 0)...min(px + r, side - 1) {
                            for c in 0..<3 {
                                let q = c * plane + qy * side + qx
                                let d = Double(x.scalars[q]) - a.squareRoot() * Double(set.images.scalars[i * 3 * plane + q])
                                distance += d * d
                            }
                        }
                    }
                    return -distance / (2 * (1 - a))
                }
                let top = logits.max() ?? 0
                let w = logits.map { exp($0 - top) }
                let total = w.reduce(0, +)
                for c in 0..<3 {
                    let p = c * plane + py * side + px
                    let expected = (0..<5).map { w[$0] * Double(set.images.scalars[$0 * 3 * plane + p]) }.reduce(0, +) / total
                    XCTAssertEqual(Double(clean.scalars[p]), expected, accuracy: 1e-4, "pixel (\(c), \(py), \(px))")
                }
            }
        }
    }

    func testEachPixelFollowsItsOwnNearestPatch() throws {
        // Two images; x is image 0 on the left half and image 1 on the right half. Near
        // t = 0 with 3x3 patches, pixels away from the seam copy their own side's image:
        // a mosaic, which the posterior mean can never produce.
        let set = try BuiltinTestSets.random(count: 2, seed: 21)
        let model = LocalScoreDenoiser(set: set, patchSchedule: try .fixed(3))
        let plane = 64
        var values = [Float](repeating: 0, count: 3 * plane)
        for c in 0..<3 {
            for y in 0..<8 {
                for x in 0..<8 {
                    let q = c * plane + y * 8 + x
                    values[q] = set.images.scalars[(x < 4 ? 0 : 3 * plane) + q]
                }
            }
        }
        let x = Tensor(shape: [1, 3, 8, 8], scalars: values)
        let clean = try model.denoised(x, timesteps: [0], conditions: [Condition(prompt: "")])
        for c in 0..<3 {
            for y in 0..<8 {
                for column in [0, 1, 2, 5, 6, 7] {
                    let q = c * plane + y * 8 + column
                    XCTAssertEqual(clean.scalars[q], values[q], accuracy: 1e-4, "pixel (\(c), \(y), \(column))")
                }
            }
        }
    }

    func testPatchScheduleShrinksAsNoiseFalls() throws {
        let schedule = PatchSchedule.emoji64
        XCTAssertEqual(schedule.patchSize(999), schedule.stages[0].size)
        XCTAssertEqual(schedule.patchSize(0), schedule.stages[schedule.stages.count - 1].size)
        var previous = Int.max
        for t in stride(from: 999, through: 0, by: -1) {
            let k = schedule.patchSize(t)
            XCTAssertLessThanOrEqual(k, previous, "k(t) never grows as t falls (t = \(t))")
            XCTAssertEqual(k % 2, 1, "odd patch at t = \(t)")
            previous = k
        }
        XCTAssertThrowsError(try PatchSchedule.fixed(4))
        XCTAssertThrowsError(try PatchSchedule(stages: []))
    }

    func testPredictionHasNoVarianceAndNamesItself() throws {
        let set = try BuiltinTestSets.random(count: 3)
        let model = LocalScoreDenoiser(set: set, patchSchedule: try .fixed(3))
        let prediction = try model.predict(Tensor(zeros: [2, 3, 8, 8]), timesteps: [10, 20],
                                           conditions: [Condition(prompt: ""), Condition(prompt: "")])
        XCTAssertEqual(prediction.noise.shape, [2, 3, 8, 8])
        XCTAssertNil(prediction.variance)
        XCTAssertEqual(model.displayName, "built-in emoji model (local score)")
        XCTAssertTrue(model.identity.contains("patches:3@0"), model.identity)
    }
}
