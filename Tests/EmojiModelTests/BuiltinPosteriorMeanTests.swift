import XCTest
import Diffusion
import Tensor
import EmojiModel

/// The exact posterior-mean denoiser on tiny synthetic sets, against closed-form answers
/// computed here with plain Float64 loops.
final class BuiltinPosteriorMeanTests: XCTestCase {
    func testSmallTimestepReturnsTheNearestTrainingImage() throws {
        let set = try BuiltinTestSets.random(count: 6)
        let model = PosteriorMeanDenoiser(set: set)
        // Image 4 plus a little noise: at t = 5 (noise std about 0.02) image 4 is nearer
        // than any other by a distance far larger than the temperature.
        var random = SeededRandom(seed: 9)
        let t = 5
        let a = model.schedule.alphaBar(t)
        let x = Tensor.linearCombination(a.squareRoot(), BuiltinTestSets.image(4, of: set),
                                         (1 - a).squareRoot(), random.normal(shape: [1, 3, 8, 8]))
        let weights = try model.posteriorWeights(x, timesteps: [t], conditions: [Condition(prompt: "")])
        XCTAssertEqual(weights.scalars[4], 1, accuracy: 1e-6, "all posterior mass on the nearest image")
        let clean = try model.denoised(x, timesteps: [t], conditions: [Condition(prompt: "")])
        let target = BuiltinTestSets.image(4, of: set)
        XCTAssertLessThan(zip(clean.scalars, target.scalars).map { abs($0 - $1) }.max() ?? 1, 1e-5,
                          "x0_hat is image 4 itself")
    }

    func testLastTimestepReturnsTheMeanOfTheSubset() throws {
        let set = try BuiltinTestSets.captioned([("red dog", []), ("blue dog", []), ("cat", []), ("dog face", [])])
        let model = PosteriorMeanDenoiser(set: set)
        var random = SeededRandom(seed: 2)
        let x = random.normal(shape: [1, 3, 8, 8])
        let clean = try model.denoised(x, timesteps: [999], conditions: [Condition(prompt: "a dog")])
        // At t = 999 sqrt(abar) is about 0.006: the likelihood is nearly flat, so x0_hat is
        // the plain mean of the three dog images (0, 1, 3); 1e-3 allows for that residual tilt.
        let plane = 3 * 64
        for j in 0..<plane {
            let mean = (set.images.scalars[j] + set.images.scalars[plane + j] + set.images.scalars[3 * plane + j]) / 3
            XCTAssertEqual(clean.scalars[j], mean, accuracy: 1e-3)
        }
    }

    func testWeightsSumToOneAndMatchTheClosedForm() throws {
        let set = try BuiltinTestSets.random(count: 5)
        let model = PosteriorMeanDenoiser(set: set)
        var random = SeededRandom(seed: 3)
        let timesteps = [300, 700]
        let x = random.normal(shape: [2, 3, 8, 8])
        let conditions = [Condition(prompt: ""), Condition(prompt: "item")]
        let weights = try model.posteriorWeights(x, timesteps: timesteps, conditions: conditions)
        XCTAssertEqual(weights.shape, [2, 5])
        for b in 0..<2 {
            let row = Array(weights.scalars[(b * 5)..<((b + 1) * 5)])
            XCTAssertEqual(Double(row.reduce(0, +)), 1, accuracy: 1e-6, "row \(b) sums to one")
            // The softmax written out in Float64, straight from the definition.
            let a = Double(model.schedule.alphaBar(timesteps[b]))
            let logits = (0..<5).map { i -> Double in
                var distance = 0.0
                for j in 0..<192 {
                    let d = Double(x.scalars[b * 192 + j]) - a.squareRoot() * Double(set.images.scalars[i * 192 + j])
                    distance += d * d
                }
                return -distance / (2 * (1 - a))
            }
            let top = logits.max() ?? 0
            let total = logits.map { exp($0 - top) }.reduce(0, +)
            for i in 0..<5 {
                // Float32 GEMM distances: 1e-4 absolute on weights in [0, 1].
                XCTAssertEqual(Double(row[i]), exp(logits[i] - top) / total, accuracy: 1e-4, "w[\(b), \(i)]")
            }
        }
    }

    func testNoiseEstimateIsConsistentWithTheCleanEstimate() throws {
        let set = try BuiltinTestSets.random(count: 4)
        let model = PosteriorMeanDenoiser(set: set)
        var random = SeededRandom(seed: 4)
        let x = random.normal(shape: [1, 3, 8, 8])
        let t = 400
        let prediction = try model.predict(x, timesteps: [t], conditions: [Condition(prompt: "")])
        XCTAssertNil(prediction.variance)
        let clean = try model.denoised(x, timesteps: [t], conditions: [Condition(prompt: "")])
        let implied = BuiltinTestSets.clean(x, noise: prediction.noise, alphaBar: model.schedule.alphaBar(t))
        for (u, v) in zip(implied.scalars, clean.scalars) { XCTAssertEqual(u, v, accuracy: 1e-4) }
    }

    func testRejectsInputsOfTheWrongShapeOrTimestep() throws {
        let model = PosteriorMeanDenoiser(set: try BuiltinTestSets.random(count: 3))
        XCTAssertThrowsError(try model.predict(Tensor(zeros: [1, 3, 16, 16]), timesteps: [10],
                                               conditions: [Condition(prompt: "")])) { error in
            XCTAssertTrue("\(error)".contains("[B, 3, 8, 8]"), "\(error)")
        }
        XCTAssertThrowsError(try model.predict(Tensor(zeros: [1, 3, 8, 8]), timesteps: [1000],
                                               conditions: [Condition(prompt: "")]))
        XCTAssertThrowsError(try model.predict(Tensor(zeros: [2, 3, 8, 8]), timesteps: [10],
                                               conditions: [Condition(prompt: "")]))
    }

    func testIdentityNamesTheAtlasAndVersion() throws {
        let model = PosteriorMeanDenoiser(set: try BuiltinTestSets.random(count: 3))
        XCTAssertTrue(model.identity.contains("atlas:test"), model.identity)
        XCTAssertTrue(model.identity.contains("/v"), model.identity)
        XCTAssertEqual(model.displayName, "built-in emoji model (posterior mean)")
        XCTAssertEqual(model.schedule.alphasCumprod, NoiseSchedule.squaredCosine().alphasCumprod,
                       "the same betas as IF")
    }
}
