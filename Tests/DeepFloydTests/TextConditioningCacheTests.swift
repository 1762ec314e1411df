import Foundation
import Tensor
import XCTest
@testable import DeepFloyd
import Diffusion
import TestSupport

/// The denoisers' reuse of the prompts' projections across the steps of a loop: every
/// prediction equals, bit for bit, the plain forward that projects the text again, and
/// only text states that are bit for bit the same reuse an entry. The tiny-a model and its
/// inputs come from tools/make_if_fixtures.py.
final class TextConditioningCacheTests: XCTestCase {
    private struct Setup {
        let unet: IFUNet
        let denoiser: IFDenoiser
        let x: Tensor
        let text: Tensor
    }

    private func setup() throws -> Setup {
        let inputs = try Fixtures.safetensors("tiny-a", "inputs.safetensors")
        let unet = try IFUNet(configJSON: try Fixtures.data("tiny-a", "config.json"),
                              weights: TensorDictionary(try Fixtures.safetensors("tiny-a", "diffusion_pytorch_model.safetensors")))
        let schedule = NoiseSchedule.squaredCosine()
        return Setup(unet: unet, denoiser: IFDenoiser(unet: unet, schedule: schedule, displayName: "tiny-a", identity: "tiny-a"),
                     x: try XCTUnwrap(inputs["x"]), text: try XCTUnwrap(inputs["encoder_hidden_states"]))
    }

    /// The noise half of the plain forward, which projects the text on every call.
    private func uncached(_ s: Setup, _ x: Tensor, _ timesteps: [Int], _ text: Tensor) throws -> Tensor {
        try s.unet.forward(x, timesteps: timesteps, encoderHiddenStates: text).splitChannels(at: x.shape[1]).0
    }

    private func conditions(_ text: Tensor) -> [Condition] {
        (0..<text.shape[0]).map { Condition(prompt: "item \($0)", embedding: text.slice($0)) }
    }

    func testStepsOfALoopProjectThePromptsOnceAndMatchThePlainForwardBitForBit() throws {
        let s = try setup()
        let prompts = conditions(s.text)
        for (i, t) in [990, 660, 330, 0].enumerated() {
            let x = s.x * Float(1 + i)  // a different image each step, as a loop's are
            let prediction = try s.denoiser.predict(x, timesteps: [t, t], conditions: prompts)
            XCTAssertEqual(prediction.noise, try uncached(s, x, [t, t], s.text), "step \(i) (t = \(t))")
        }
        let counts = s.denoiser.textCache.statistics
        XCTAssertEqual(counts.misses, 1, "projected at the first step only")
        XCTAssertEqual(counts.hits, 3)
    }

    func testChangedTextStatesAreProjectedAgain() throws {
        let s = try setup()
        _ = try s.denoiser.predict(s.x, timesteps: [500, 500], conditions: conditions(s.text))
        // One value one ulp away, and a zero turned negative: equal under `==` but other bits.
        var nudged = s.text
        nudged.scalars[17] = nudged.scalars[17].nextUp
        var negativeZero = s.text
        negativeZero.scalars[3] = 0
        var positiveZero = negativeZero
        negativeZero.scalars[3] = -0.0
        XCTAssertEqual(negativeZero, positiveZero, "the pair the cache must still tell apart")
        for (name, text) in [("nudged", nudged), ("+0", positiveZero), ("-0", negativeZero)] {
            let prediction = try s.denoiser.predict(s.x, timesteps: [500, 500], conditions: conditions(text))
            XCTAssertEqual(prediction.noise, try uncached(s, s.x, [500, 500], text), name)
        }
        XCTAssertEqual(s.denoiser.textCache.statistics.misses, 4, "every changed text projected anew")
        XCTAssertEqual(s.denoiser.textCache.statistics.hits, 0)
    }

    func testTheLeastRecentlyUsedEntryGoesFirst() throws {
        let s = try setup()
        let capacity = TextConditioningCache.capacity
        let texts = (0...capacity).map { s.text * Float(1 + $0) }
        func predict(_ i: Int) throws { _ = try s.denoiser.predict(s.x, timesteps: [500, 500], conditions: conditions(texts[i])) }
        for i in 0..<capacity { try predict(i) }        // full: 0, 1, ..., capacity - 1
        try predict(0)                                    // a hit that makes 0 the most recent
        try predict(capacity)                             // evicts 1, the least recent
        XCTAssertEqual(s.denoiser.textCache.statistics.misses, capacity + 1)
        try predict(0)
        XCTAssertEqual(s.denoiser.textCache.statistics.misses, capacity + 1, "0 was kept")
        try predict(1)
        XCTAssertEqual(s.denoiser.textCache.statistics.misses, capacity + 2, "1 was evicted")
        XCTAssertEqual(s.denoiser.textCache.statistics.hits, 2)
    }

    func testTextForAnotherBatchSizeIsAnError() throws {
        let s = try setup()
        let text = try s.unet.textConditioning(encoderHiddenStates: s.text)
        XCTAssertThrowsError(try s.unet.conditioning(timesteps: [500], text: text)) { error in
            XCTAssertTrue("\(error)".contains("the text conditioning has batch 2, the timesteps 1"), "\(error)")
        }
    }
}
