import XCTest
import Diffusion
import Tensor
import TestSupport

/// Identities between the sampler's estimators, on `GaussianDenoiser` with a different
/// random mean at every pixel (so that views and filters act on something) and per-pixel
/// variance interpolators (so that the variance path is exercised too).
///
/// Where two runs do exactly the same Float operations on every element, they must agree
/// bit for bit (same seed, same noise draws). Where they differ only in the order of
/// equivalent arithmetic, they may differ by rounding, bounded by
/// `GaussianRecursion.roundingBound` (see there); a genuine difference between the laws
/// (another prompt, another filter) is checked to be far larger than that bound, so the
/// comparisons cannot pass by accident.
final class SamplerIdentityTests: XCTestCase {
    static let (side, batch) = (12, 2)
    let schedule = NoiseSchedule.squaredCosine()
    let cat = Condition(prompt: "a cat")
    let dog = Condition(prompt: "a dog")
    let empty = Condition(prompt: "")
    let gamma: Float = 7

    /// A law with means uniform in [-0.5, 0.5] and interpolators uniform in [-1, 1].
    func randomLaw(seed: UInt64, deviation: Float) -> GaussianDenoiser.Law {
        var random = SeededRandom(seed: seed)
        let shape = [3, Self.side, Self.side]
        let mean = Tensor(shape: shape) { _ in Float(random.nextUniform()) - 0.5 }
        let interpolator = Tensor(shape: shape) { _ in Float(2 * random.nextUniform()) - 1 }
        return GaussianDenoiser.Law(mean: mean, deviation: deviation, interpolator: interpolator)
    }

    /// "a cat" and "a dog" share the deviation 0.5 (so their noise estimates have the same
    /// slope); the unconditional law is wider.
    func randomLaws() -> [String: GaussianDenoiser.Law] {
        ["a cat": randomLaw(seed: 1, deviation: 0.5), "a dog": randomLaw(seed: 2, deviation: 0.5), "": randomLaw(seed: 3, deviation: 0.6)]
    }

    /// The slopes of the guided estimate, for the rounding bound.
    var guidedTerms: [GaussianRecursion.Term] { GaussianRecursion.guided((0, 0.5), (0, 0.6), gamma: Double(gamma)) }

    /// A run from the noise of `seed`, with the largest |x| and |estimate| met on the way;
    /// the guided estimate is a difference of products up to (|gamma| + |1 - gamma|) times
    /// larger than either pass, so `magnitude` scales by that too.
    func sample(_ sampler: Sampler, seed: UInt64, _ estimate: Sampler.Estimator) throws -> (image: Tensor, magnitude: Double) {
        var random = SeededRandom(seed: seed)
        let noise = random.normal(shape: [Self.batch, 3, Self.side, Self.side])
        var largest = 0.0
        let image = try sampler.denoise(noise, iStart: 0, random: &random, estimate: { x, t in
            let result = try estimate(x, t)
            largest = max(largest, Double(x.maxAbs()), Double(result.noise.maxAbs()))
            return result
        }).image
        return (image, max(largest, Double(image.maxAbs())) * Double(abs(gamma) + abs(1 - gamma)))
    }

    func maxDifference(_ a: Tensor, _ b: Tensor) -> Double {
        XCTAssertEqual(a.shape, b.shape)
        return zip(a.scalars, b.scalars).reduce(0) { max($0, Double(abs($1.0 - $1.1))) }
    }

    /// Bit-for-bit equality, reporting the largest difference when it fails.
    func assertIdentical(_ a: Tensor, _ b: Tensor, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(a == b, "\(what): differs by up to \(maxDifference(a, b))", file: file, line: line)
    }

    /// The bound for two runs that differ by rounding, with the larger magnitude of the two.
    func bound(_ a: (image: Tensor, magnitude: Double), _ b: (image: Tensor, magnitude: Double), roundings: Double = 8) -> Double {
        GaussianRecursion.roundingBound(schedule: schedule, timesteps: NoiseSchedule.stridedTimesteps(), terms: guidedTerms,
                                        magnitude: max(a.magnitude, b.magnitude), roundings: roundings)
    }

    // MARK: classifier-free guidance

    func testGuidanceOneIsTheConditionalSampler() throws {
        let sampler = try Sampler(denoiser: GaussianDenoiser(schedule: schedule, laws: randomLaws()))
        let conditional = try sample(sampler, seed: 7, sampler.conditional(cat)).image
        // eps_u + 1 (eps_c - eps_u) is computed as 0 eps_u + 1 eps_c: exact in Float.
        let guided = try sample(sampler, seed: 7, sampler.guided(cat, unconditional: empty, guidance: 1)).image
        assertIdentical(guided, conditional, "CFG with gamma 1 is the conditional sampler, bit for bit")
        // Control: the unconditional law really is another law.
        let unconditional = try sample(sampler, seed: 7, sampler.guided(cat, unconditional: empty, guidance: 0)).image
        XCTAssertGreaterThan(maxDifference(unconditional, conditional), 0.1)
    }

    // MARK: visual anagrams

    func testAnagramOfRepeatedIdentityViewsIsPlainGuidance() throws {
        let sampler = try Sampler(denoiser: GaussianDenoiser(schedule: schedule, laws: randomLaws()))
        let plain = try sample(sampler, seed: 8, sampler.guided(cat, unconditional: empty, guidance: gamma))
        // Two identical estimates: (0 + g + g) * 0.5 is exactly g.
        let twice = try sample(sampler, seed: 8, sampler.anagram([(cat, .identity), (cat, .identity)], unconditional: empty, guidance: gamma))
        assertIdentical(twice.image, plain.image, "an anagram of two identity views with one prompt is plain CFG")
        // Three: (g + g + g) * (1/3) rounds, so equal within the rounding bound.
        let thrice = try sample(sampler, seed: 8, sampler.anagram(Array(repeating: (cat, .identity), count: 3),
                                                                  unconditional: empty, guidance: gamma))
        XCTAssertLessThanOrEqual(maxDifference(thrice.image, plain.image), bound(thrice, plain))
    }

    func testAnagramOfOneViewIsGuidanceOnTheViewedLaw() throws {
        // The model seeing V(x) with means mu and mapping its estimate back through V^-1 is
        // the model seeing x with means V^-1(mu): k (V x - r mu) pulled back is
        // k (x - r V^-1 mu), element for element the same Float operations (for negate:
        // -(k (-x - r mu)) = k (x + r mu), rounding being symmetric). The variance channels
        // move with the pixels but are not negated.
        let laws = randomLaws()
        let sampler = try Sampler(denoiser: GaussianDenoiser(schedule: schedule, laws: laws))
        let plain = try sample(sampler, seed: 9, sampler.guided(cat, unconditional: empty, guidance: gamma)).image
        for view in ImageView.allCases {
            let viewedLaws = try laws.mapValues { law in
                GaussianDenoiser.Law(mean: try view.inverse.apply(law.mean), deviation: law.deviation,
                                     interpolator: try law.interpolator.map { view == .negate ? $0 : try view.inverse.apply($0) })
            }
            let equivalent = try Sampler(denoiser: GaussianDenoiser(schedule: schedule, laws: viewedLaws))
            let expected = try sample(equivalent, seed: 9, equivalent.guided(cat, unconditional: empty, guidance: gamma)).image
            let anagram = try sample(sampler, seed: 9, sampler.anagram([(cat, view)], unconditional: empty, guidance: gamma)).image
            assertIdentical(anagram, expected, "anagram with the single view \(view)")
            if view != .identity {
                XCTAssertGreaterThan(maxDifference(anagram, plain), 0.05, "the view \(view) changes the result")
            }
        }
    }

    func testTwoPromptAnagramAveragesTheViewedLaws() throws {
        // With equal slopes, the mean of k (x - r mu_cat) and flip^-1 of k (flip x - r mu_dog)
        // is k (x - r (mu_cat + flip(mu_dog)) / 2): the guided sampler of the averaged laws
        // (the unconditional law averaged with its own flip, as both passes see the view).
        let laws = randomLaws()
        let sampler = try Sampler(denoiser: GaussianDenoiser(schedule: schedule, laws: laws))
        let anagram = try sample(sampler, seed: 10, sampler.anagram([(cat, .identity), (dog, .flip)], unconditional: empty, guidance: gamma))
        func average(_ a: Tensor?, _ b: Tensor?) throws -> Tensor? {
            guard let a, let b else { return nil }
            return (a + (try ImageView.flip.apply(b))) * 0.5
        }
        guard let catLaw = laws["a cat"], let dogLaw = laws["a dog"], let emptyLaw = laws[""],
              let catMean = try average(catLaw.mean, dogLaw.mean), let emptyMean = try average(emptyLaw.mean, emptyLaw.mean) else {
            return XCTFail("laws missing")
        }
        let averaged = GaussianDenoiser(schedule: schedule, laws: [
            "a cat": .init(mean: catMean, deviation: 0.5, interpolator: try average(catLaw.interpolator, dogLaw.interpolator)),
            "": .init(mean: emptyMean, deviation: 0.6, interpolator: try average(emptyLaw.interpolator, emptyLaw.interpolator)),
        ])
        let equivalent = try Sampler(denoiser: averaged)
        let expected = try sample(equivalent, seed: 10, equivalent.guided(cat, unconditional: empty, guidance: gamma))
        let tolerance = bound(anagram, expected)
        XCTAssertLessThanOrEqual(maxDifference(anagram.image, expected.image), tolerance)
        let catOnly = try sample(sampler, seed: 10, sampler.guided(cat, unconditional: empty, guidance: gamma))
        XCTAssertGreaterThan(maxDifference(anagram.image, catOnly.image), 100 * tolerance, "the second prompt counts")
    }

    // MARK: factorized hybrids

    /// A 3x3 box filter over the last two axes, edges clamped: linear, as the identity needs.
    func boxBlur(_ x: Tensor) -> Tensor {
        let (h, w) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
        var out = [Float](repeating: 0, count: x.count)
        for p in 0..<(x.count / (h * w)) {
            for r in 0..<h {
                for c in 0..<w {
                    var sum: Float = 0
                    for dr in -1...1 {
                        for dc in -1...1 {
                            sum += x.scalars[p * h * w + min(max(r + dr, 0), h - 1) * w + min(max(c + dc, 0), w - 1)]
                        }
                    }
                    out[p * h * w + r * w + c] = sum / 9
                }
            }
        }
        return Tensor(shape: x.shape, scalars: out)
    }

    func testHybridOfAPromptWithItselfIsPlainGuidance() throws {
        let sampler = try Sampler(denoiser: GaussianDenoiser(schedule: schedule, laws: randomLaws()))
        let plain = try sample(sampler, seed: 12, sampler.guided(cat, unconditional: empty, guidance: gamma))
        let hybrid = try sample(sampler, seed: 12, sampler.hybrid(low: cat, high: cat, unconditional: empty, guidance: gamma,
                                                                  lowPass: { self.boxBlur($0) }))
        // low + (x - low) is x up to two roundings per step.
        let tolerance = bound(hybrid, plain)
        XCTAssertLessThanOrEqual(maxDifference(hybrid.image, plain.image), tolerance)
        let other = try sample(sampler, seed: 12, sampler.hybrid(low: cat, high: dog, unconditional: empty, guidance: gamma,
                                                                 lowPass: { self.boxBlur($0) }))
        XCTAssertGreaterThan(maxDifference(other.image, plain.image), 100 * tolerance, "another high-pass prompt counts")
    }

    func testHybridTakesLowFrequenciesFromOnePromptAndHighFromTheOther() throws {
        // With a linear filter L and equal slopes, L(eps_cat) + eps_dog - L(eps_dog) is the
        // guided estimate of a law with mean L(mu_cat) + mu_dog - L(mu_dog); the variance is
        // the mean of the two interpolators.
        let laws = randomLaws()
        let sampler = try Sampler(denoiser: GaussianDenoiser(schedule: schedule, laws: laws))
        let hybrid = try sample(sampler, seed: 13, sampler.hybrid(low: cat, high: dog, unconditional: empty, guidance: gamma,
                                                                  lowPass: { self.boxBlur($0) }))
        guard let catLaw = laws["a cat"], let dogLaw = laws["a dog"], let emptyLaw = laws[""],
              let catV = catLaw.interpolator, let dogV = dogLaw.interpolator else { return XCTFail("laws missing") }
        let mixed = boxBlur(catLaw.mean) + (dogLaw.mean - boxBlur(dogLaw.mean))
        let equivalent = try Sampler(denoiser: GaussianDenoiser(schedule: schedule, laws: [
            "a cat": .init(mean: mixed, deviation: 0.5, interpolator: (catV + dogV) * 0.5), "": emptyLaw,
        ]))
        let expected = try sample(equivalent, seed: 13, equivalent.guided(cat, unconditional: empty, guidance: gamma))
        // The two 9-term filter sums, the subtraction and the addition add about 20
        // roundings per estimate to the 8 of the plain comparison: 32 allowed.
        let tolerance = bound(hybrid, expected, roundings: 32)
        XCTAssertLessThanOrEqual(maxDifference(hybrid.image, expected.image), tolerance)
        let catOnly = try sample(sampler, seed: 13, sampler.guided(cat, unconditional: empty, guidance: gamma))
        XCTAssertGreaterThan(maxDifference(hybrid.image, catOnly.image), 100 * tolerance, "the high-pass prompt counts")
    }
}
