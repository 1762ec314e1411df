import Foundation
import XCTest
@testable import Diffusion
import Tensor
import TestSupport

/// Several loops run as one (`Sampler.denoise(_ loops:)`): each loop's result is the one it
/// gets alone, bit for bit, while the model is called once per timestep for all of them.
final class SamplerLoopsTests: XCTestCase {
    static let side = 16
    let laws: [String: GaussianDenoiser.Law] = [
        "a photo": GaussianDenoiser.uniform(mean: 0.3, deviation: 0.5, interpolator: 0.2, height: side, width: side),
        "": GaussianDenoiser.uniform(mean: 0, deviation: 0.6, interpolator: -0.1, height: side, width: side),
    ]

    /// The Gaussian model, recording the batch size of every call.
    final class Recording: Denoiser, @unchecked Sendable {
        let inner: GaussianDenoiser
        private let lock = NSLock()
        private var recorded = [Int]()
        init(_ inner: GaussianDenoiser) { self.inner = inner }
        var schedule: NoiseSchedule { inner.schedule }
        var displayName: String { inner.displayName }
        var identity: String { inner.identity }
        var batches: [Int] { lock.withLock { recorded } }
        func predict(_ input: DenoiserInput) throws -> Prediction {
            lock.withLock { recorded.append(input.batch) }
            return try inner.predict(input)
        }
    }

    func testLoopsRunTogetherGiveEachLoopsOwnResult() throws {
        let model = Recording(GaussianDenoiser(laws: laws))
        let sampler = try Sampler(denoiser: model)
        let estimate = sampler.guided(Condition(prompt: "a photo"), unconditional: Condition(prompt: ""), guidance: 7)
        var images = SeededRandom(seed: 90)
        // Three SDEdit-like loops: different starts, one with two images.
        let starts: [(iStart: Int, batch: Int, seed: UInt64)] = [(20, 1, 91), (1, 2, 92), (5, 1, 93)]
        let inputs = starts.map { images.normal(shape: [$0.batch, 3, Self.side, Self.side]) }

        var alone = [(image: Tensor, intermediates: [(t: Int, image: Tensor)])]()
        for (start, x) in zip(starts, inputs) {
            var random = SeededRandom(seed: start.seed)
            alone.append(try sampler.denoise(x, iStart: start.iStart, keepEvery: 4, random: &random, estimate: estimate))
        }
        let aloneCalls = model.batches.count

        var loops = zip(starts, inputs).map { Sampler.Loop($1, iStart: $0.iStart, random: SeededRandom(seed: $0.seed)) }
        let together = try sampler.denoise(&loops, keepEvery: 4, estimate: estimate)
        for (l, (a, b)) in zip(alone, together).enumerated() {
            XCTAssertEqual(a.image, b.image, "loop \(l)")
            XCTAssertEqual(a.intermediates.map(\.t), b.intermediates.map(\.t), "loop \(l)")
            XCTAssertEqual(a.intermediates.map(\.image), b.intermediates.map(\.image), "loop \(l)")
        }
        // One call per timestep from the earliest start (index 1: 32 steps), each of the loops
        // that have started, two passes (CFG) per image.
        let steps = sampler.timesteps.count - 1
        let calls = Array(model.batches.dropFirst(aloneCalls))
        XCTAssertEqual(aloneCalls, (steps - 20) + (steps - 1) + (steps - 5))
        XCTAssertEqual(calls, (1..<steps).map { i in 2 * (2 + (i >= 5 ? 1 : 0) + (i >= 20 ? 1 : 0)) })
        // Each loop's source has taken one draw per step of its own.
        var expected = SeededRandom(seed: 92)
        for _ in 1..<steps { _ = expected.normal(shape: [2, 3, Self.side, Self.side]) }
        XCTAssertEqual(loops[1].random.normal(shape: [1]), expected.normal(shape: [1]), "draws at t > 0 only, in step order")
    }

    func testACapOnTheBatchSplitsTheCallsAndChangesNoResult() throws {
        XCTAssertEqual(Sampler.groups([(0, 1), (1, 2), (2, 1), (3, 1), (4, 5)], maxBatch: 3), [[0, 1], [2, 3], [4]])
        XCTAssertEqual(Sampler.groups([], maxBatch: 3), [])
        let model = Recording(GaussianDenoiser(laws: laws))
        var sampler = try Sampler(denoiser: model)
        let estimate = sampler.conditional(Condition(prompt: "a photo"))
        var images = SeededRandom(seed: 95)
        let inputs = (0..<3).map { _ in images.normal(shape: [2, 3, Self.side, Self.side]) }
        func run() throws -> [Tensor] {
            var loops = inputs.enumerated().map { Sampler.Loop($1, iStart: 28 + $0, random: SeededRandom(seed: UInt64($0))) }
            return try sampler.denoise(&loops, estimate: estimate).map(\.image)
        }
        let whole = try run()
        sampler.maxBatch = 4
        let capped = try run()
        XCTAssertEqual(whole, capped)
        // Steps from index 28 to 32: the loops join at 28, 29 and 30; capped, two loops a call.
        let calls = model.batches
        XCTAssertEqual(Array(calls.prefix(5)), [2, 4, 6, 6, 6])
        XCTAssertEqual(Array(calls.dropFirst(5)), [2, 4, 4, 2, 4, 2, 4, 2])
    }

    func testAnAfterStepHookSeesItsLoopAndABadStartIsRefused() throws {
        let sampler = try Sampler(denoiser: GaussianDenoiser(laws: laws))
        let estimate = sampler.conditional(Condition(prompt: "a photo"))
        var loops = [Sampler.Loop(Tensor(zeros: [1, 3, Self.side, Self.side]), iStart: 30, random: SeededRandom(seed: 1)),
                     Sampler.Loop(Tensor(zeros: [1, 3, Self.side, Self.side]), iStart: 31, random: SeededRandom(seed: 2))]
        var seen = [(Int, Int)]()
        _ = try sampler.denoise(&loops, estimate: estimate) { loop, x, t, _ in
            seen.append((loop, t))
            return x
        }
        XCTAssertEqual(seen.map(\.0), [0, 0, 1, 0, 1])
        XCTAssertEqual(seen.map(\.1), [sampler.timesteps[31], sampler.timesteps[32], sampler.timesteps[32], 0, 0])
        var bad = [Sampler.Loop(Tensor(zeros: [1, 3, Self.side, Self.side]), iStart: sampler.timesteps.count - 1, random: SeededRandom(seed: 3))]
        XCTAssertThrowsError(try sampler.denoise(&bad, estimate: estimate)) { error in
            XCTAssertTrue("\(error)".contains("iStart"), "\(error)")
        }
    }
}
