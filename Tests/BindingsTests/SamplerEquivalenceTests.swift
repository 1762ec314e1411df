import Diffusion
import Imaging
import Pipeline
import Script
import Tensor
import TestSupport
import XCTest
@testable import Bindings

/// Every diffusion built-in, called from a cell, gives exactly what the sampler it wraps gives
/// when called directly with the same noise: the conversions between display and model
/// range, the timesteps, prompts, guidance, `keepEvery` and both hybrid splits are the ones
/// the built-in claims. A Gaussian test model on 8x8 images keeps it fast.
final class SamplerEquivalenceTests: BindingsTestCase {
    static let side = 8
    static let seed: UInt64 = 2024

    let gaussian: GaussianDenoiser = {
        func law(_ mean: Float) -> GaussianDenoiser.Law {
            var random = SeededRandom(seed: UInt64(abs(mean * 1000)))
            return GaussianDenoiser.Law(mean: random.normal(shape: [3, side, side]) * 0.3 + mean, deviation: 0.4)
        }
        return GaussianDenoiser(laws: ["": law(0), "a cat": law(0.5), "a dog": law(-0.4), NotebookLibrary.photoPrompt: law(0.1)])
    }()

    /// Runs `source` (after the test image and mask are defined) with every call drawing from
    /// `seed`, and returns the cell's variables.
    private func cell(_ source: String) throws -> [String: Value] {
        let gaussian = self.gaussian
        let choice = ModelChoice(displayName: gaussian.displayName, components: [ModelComponent(role: "stage I", identity: gaussian.identity)],
                                 schedule: gaussian.schedule, load: { LoadedModel(denoiser: gaussian, side: Self.side) })
        let session = self.session(model: choice)
        session.fixedSeed = Self.seed
        return try run("""
        let img = rectangleMask(size: 8, x: 2, y: 1, width: 4, height: 5).rgb() * 0.8 + 0.1
        let mask = rectangleMask(size: 8, x: 4, y: 0, width: 4, height: 8)
        \(source)
        """, in: session)
    }

    private func images(_ value: Value?) -> [Tensor] {
        switch value {
        case let .native(image as ImageValue)?: return [image.tensor]
        case let .array(items)?: return items.flatMap { images($0) }
        default: return []
        }
    }

    /// The test image in the model range, `[1, 3, 8, 8]`.
    private func modelInput(_ values: [String: Value]) throws -> Tensor {
        let image = try XCTUnwrap(images(values["img"]).first)
        return try image.toModelRange().reshaped([1, 3, Self.side, Self.side])
    }

    private func sampler(stride: Int = 30) throws -> Sampler {
        try Sampler(denoiser: gaussian, timesteps: NoiseSchedule.stridedTimesteps(start: 990, stride: stride))
    }

    private func condition(_ prompt: String) -> Condition { Condition(prompt: prompt) }

    /// The images a direct run gives, back in the display range, `[3, H, W]` each.
    private func display(_ x: Tensor) -> [Tensor] {
        (0..<x.shape[0]).map { x.slice($0).fromModelRange() }
    }

    private func assertSame(_ builtin: [Tensor], _ direct: [Tensor], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(builtin.isEmpty, "\(what): the built-in gave no image", file: file, line: line)
        XCTAssertEqual(builtin.count, direct.count, "\(what): image count", file: file, line: line)
        for (a, b) in zip(builtin, direct) {
            XCTAssertEqual(a.shape, b.shape, what, file: file, line: line)
            XCTAssertEqual(maxAbsDifference(a.scalars, b.scalars), 0, "\(what): the built-in differs from the sampler", file: file, line: line)
        }
    }

    func testOneStepDenoise() throws {
        let values = try cell(#"let out = oneStepDenoise(img, t: 500, prompt: "a cat")"#)
        let direct = try sampler().oneStepDenoise(try modelInput(values), t: 500, condition: condition("a cat"))
        assertSame(images(values["out"]), display(direct), "oneStepDenoise")
    }

    func testIterativeDenoiseWithKeepEvery() throws {
        let values = try cell(#"let out = iterativeDenoise(img, iStart: 10, prompt: "a dog", keepEvery: 5)"#)
        let sampler = try self.sampler()
        var random = SeededRandom(seed: Self.seed)
        let direct = try sampler.denoise(try modelInput(values), iStart: 10, keepEvery: 5, random: &random,
                                         estimate: sampler.conditional(condition("a dog")))
        let kept = direct.intermediates.filter { $0.t > 0 }.flatMap { display($0.image) }
        assertSame(images(values["out"]), kept + display(direct.image), "iterativeDenoise(keepEvery: 5)")
        // 23 steps from iStart 10: the samples after steps 5, 10, 15 and 20, then the result.
        XCTAssertEqual(images(values["out"]).count, 5)
    }

    func testIterativeDenoiseCFG() throws {
        let values = try cell(#"let out = iterativeDenoiseCFG(img, iStart: 20, prompt: "a cat", guidance: 3)"#)
        let sampler = try self.sampler()
        var random = SeededRandom(seed: Self.seed)
        let direct = try sampler.denoise(try modelInput(values), iStart: 20, random: &random,
                                         estimate: sampler.guided(condition("a cat"), unconditional: condition(""), guidance: 3))
        assertSame(images(values["out"]), display(direct.image), "iterativeDenoiseCFG")
    }

    func testSampleAndSampleCFG() throws {
        let values = try cell(#"let a = sample(count: 2, prompt: "a cat", steps: 7)"#)
        let sampler = try Sampler(denoiser: gaussian, timesteps: NoiseSchedule.timesteps(steps: 7))
        var random = SeededRandom(seed: Self.seed)
        let x = random.normal(shape: [2, 3, Self.side, Self.side])
        let direct = try sampler.denoise(x, iStart: 0, random: &random, estimate: sampler.conditional(condition("a cat")))
        assertSame(images(values["a"]), display(direct.image), "sample")

        let guided = try cell(#"let b = sampleCFG(count: 1, prompt: "a dog", guidance: 5, steps: 7)"#)
        var r2 = SeededRandom(seed: Self.seed)
        let x2 = r2.normal(shape: [1, 3, Self.side, Self.side])
        let direct2 = try sampler.denoise(x2, iStart: 0, random: &r2,
                                          estimate: sampler.guided(condition("a dog"), unconditional: condition(""), guidance: 5))
        assertSame(images(guided["b"]), display(direct2.image), "sampleCFG")
    }

    func testDefaultPromptIsTheCoursesPhotoPrompt() throws {
        let values = try cell("let out = oneStepDenoise(img, t: 300)")
        let direct = try sampler().oneStepDenoise(try modelInput(values), t: 300, condition: condition(NotebookLibrary.photoPrompt))
        assertSame(images(values["out"]), display(direct), "oneStepDenoise without prompt:")
    }

    func testSDEdit() throws {
        let values = try cell(#"let out = sdedit(img, iStart: 12, prompt: "a cat", guidance: 3)"#)
        var random = SeededRandom(seed: Self.seed)
        let direct = try sampler().sdedit(try modelInput(values), iStart: 12, condition: condition("a cat"), unconditional: condition(""),
                                          guidance: 3, random: &random)
        assertSame(images(values["out"]), display(direct), "sdedit")
    }

    /// A list of starts, or of images, gives what the map over them gives: the same images and
    /// provenance.
    func testSDEditOverAListIsTheMap() throws {
        let values = try cell(#"""
        let list = sdedit(img, iStart: [12, 3, 25], prompt: "a cat", guidance: 3)
        let map = [12, 3, 25].map { sdedit(img, iStart: $0, prompt: "a cat", guidance: 3) }
        let one = sdedit(img, iStart: [3], prompt: "a cat", guidance: 3)
        let other = img.flipped()
        let images = sdedit([img, other], iStart: 7, prompt: "a dog", guidance: 2)
        let each = [img, other].map { sdedit($0, iStart: 7, prompt: "a dog", guidance: 2) }
        """#)
        for (listName, mapName, count) in [("list", "map", 3), ("one", "map", 1), ("images", "each", 2)] {
            guard case let .array(list)? = values[listName], case var .array(map)? = values[mapName] else {
                return XCTFail("sdedit over a list gives a list: \(String(describing: values[listName]))")
            }
            if listName == "one" { map = [map[1]] }
            XCTAssertEqual(list.count, count, listName)
            for (a, b) in zip(list, map) {
                guard case let .native(x as ImageValue) = a, case let .native(y as ImageValue) = b else { return XCTFail("images") }
                XCTAssertEqual(x.tensor, y.tensor, listName)
                XCTAssertEqual(x.provenance, y.provenance, listName)
            }
        }
        let photo = "rectangleMask(size: 64, x: 0, y: 0, width: 2, height: 2).rgb()"
        var message = failure("let x = sdedit(\(photo), iStart: [3, \"a\"])")
        XCTAssertTrue(message.contains("'iStart'"), message)
        message = failure("let x = sdedit([\(photo), \(photo)], iStart: [3, 4])")
        XCTAssertTrue(message.contains("'image' and 'iStart' are both lists"), message)
    }

    func testInpaint() throws {
        let values = try cell(#"let out = inpaint(img, mask: mask, prompt: "a dog", guidance: 3)"#)
        let mask = try XCTUnwrap(images(values["mask"]).first).reshaped([1, 1, Self.side, Self.side])
        var random = SeededRandom(seed: Self.seed)
        let direct = try sampler().inpaint(original: try modelInput(values), mask: mask, condition: condition("a dog"),
                                           unconditional: condition(""), guidance: 3, random: &random)
        assertSame(images(values["out"]), display(direct), "inpaint")
    }

    func testVisualAnagram() throws {
        let values = try cell(#"let out = visualAnagram(prompts: ["a cat", "a dog"], views: ["identity", "rotate90"], guidance: 3)"#)
        let sampler = try self.sampler()
        var random = SeededRandom(seed: Self.seed)
        let x = random.normal(shape: [1, 3, Self.side, Self.side])
        let direct = try sampler.denoise(x, iStart: 0, random: &random,
                                         estimate: sampler.anagram([(condition("a cat"), .identity), (condition("a dog"), .rotate90)],
                                                                   unconditional: condition(""), guidance: 3))
        assertSame(images(values["out"]), display(direct.image), "visualAnagram")
    }

    func testHybridBothSplits() throws {
        let sampler = try self.sampler()
        for (split, lowPass) in [("frequency", { (x: Tensor) throws -> Tensor in try x.gaussianBlur(kernelSize: 3, sigma: 1) }),
                                 ("color", { (x: Tensor) throws -> Tensor in NotebookLibrary.channelMean(x) })] {
            let values = try cell(#"let out = hybridImage(low: "a cat", high: "a dog", guidance: 3, kernelSize: 3, sigma: 1, split: "\#(split)")"#)
            var random = SeededRandom(seed: Self.seed)
            let x = random.normal(shape: [1, 3, Self.side, Self.side])
            let direct = try sampler.denoise(x, iStart: 0, random: &random,
                                             estimate: sampler.hybrid(low: condition("a cat"), high: condition("a dog"), unconditional: condition(""),
                                                                      guidance: 3, lowPass: lowPass))
            assertSame(images(values["out"]), display(direct.image), "hybridImage(split: \(split))")
        }
    }

    func testForward() throws {
        let values = try cell("let out = forward(img, t: 400)")
        var random = SeededRandom(seed: Self.seed)
        let x0 = try modelInput(values)
        let direct = Sampling.forward(x0, t: 400, noise: try random.normal(shape: [3, Self.side, Self.side]).reshaped([1, 3, Self.side, Self.side]),
                                      schedule: gaussian.schedule)
        assertSame(images(values["out"]), display(direct), "forward")
    }
}
