import Foundation
import Tensor
import XCTest
@testable import DeepFloyd
import Diffusion
import Imaging
import NN
import TestSupport

/// DeepFloyd IF stage II (the super-resolution UNet) against diffusers on two small random
/// stage-II-shaped models: 6 input channels, the noise level embedded like a timestep,
/// per-level layer counts, skip-time-activation resnets and the scale factors. Fixtures:
/// tools/make_stage2_fixtures.py (Fixtures/stage2: sr-a fp32 32x32, sr-b fp16 16x16).
final class StageTwoTests: XCTestCase {
    struct Expected: Decodable {
        let timesteps: [Int]
        let class_labels: [Int]
        let output_shape: [Int]
        let output: [Float]
        let max_abs_output: Float
        let parameter_count: Int
    }

    private func assertMatches(_ name: String, weightsFile: String) throws {
        let folder = "stage2/" + name
        let expected = try Fixtures.decode(Expected.self, folder, "expected.json")
        let inputs = try Fixtures.safetensors(folder, "inputs.safetensors")
        let unet = try IFUNet(configJSON: try Fixtures.data(folder, "config.json"),
                              weights: TensorDictionary(try Fixtures.safetensors(folder, weightsFile)))
        XCTAssertTrue(unet.config.classEmbedsTimestep)
        XCTAssertEqual(unet.config.inChannels, 6)
        XCTAssertEqual(unet.parameterCount, expected.parameter_count)
        let out = try unet.forward(try XCTUnwrap(inputs["x"]), timesteps: expected.timesteps,
                                   encoderHiddenStates: try XCTUnwrap(inputs["encoder_hidden_states"]), classLabels: expected.class_labels)
        XCTAssertEqual(out.shape, expected.output_shape)
        let difference = maxAbsDifference(out.scalars, expected.output)
        XCTAssertLessThanOrEqual(difference, 1e-4 * expected.max_abs_output, "\(name): max |ours - diffusers| = \(difference)")
        // The noise level matters: another one changes the output.
        let other = try unet.forward(try XCTUnwrap(inputs["x"]), timesteps: expected.timesteps,
                                     encoderHiddenStates: try XCTUnwrap(inputs["encoder_hidden_states"]), classLabels: [0, 0])
        XCTAssertGreaterThan(maxAbsDifference(other.scalars, expected.output), 1e-3)
    }

    func testFloat32StageTwoMatchesDiffusers() throws {
        try assertMatches("sr-a", weightsFile: "diffusion_pytorch_model.safetensors")
    }

    func testFloat16StageTwoMatchesDiffusers() throws {
        try assertMatches("sr-b", weightsFile: "diffusion_pytorch_model.fp16.safetensors")
    }

    func testClassLabelsAreRequiredExactlyWhenTheConfigEmbedsThem() throws {
        let unet = try IFUNet(configJSON: try Fixtures.data("stage2/sr-a", "config.json"),
                              weights: TensorDictionary(try Fixtures.safetensors("stage2/sr-a", "diffusion_pytorch_model.safetensors")))
        let inputs = try Fixtures.safetensors("stage2/sr-a", "inputs.safetensors")
        XCTAssertThrowsError(try unet.forward(try XCTUnwrap(inputs["x"]), timesteps: [900, 100],
                                              encoderHiddenStates: try XCTUnwrap(inputs["encoder_hidden_states"]))) { error in
            XCTAssertTrue("\(error)".contains("embeds a noise level per image"), "\(error)")
        }
    }
}

/// The super-resolution loop where users run it: the corner-aligned upscale, the noise level,
/// classifier-free guidance with the unconditional half first, the stage II scheduler with
/// thresholding over "leading" timesteps, every draw replayed from diffusers'
/// `IFSuperResolutionPipeline` run (tools/make_stage2_fixtures.py, Fixtures/stage2/loop).
final class SuperResolutionLoopTests: XCTestCase {
    struct Expected: Decodable {
        let timesteps: [Int]
        let guidance_scale: Float
        let noise_level: Int
        let upscaled: [Float]
        let noised_upscaled: [Float]
        let samples: [[Float]]
        let final: [Float]
        let max_abs_per_step: [Float]
    }

    struct Upscale: Decodable {
        struct Case: Decodable { let size: [Int]; let output_shape: [Int]; let output: [Float] }
        let square: Case
        let odd: Case
    }

    func testCornerAlignedUpscaleMatchesTorch() throws {
        let expected = try Fixtures.decode(Upscale.self, "stage2/upscale", "expected.json")
        let inputs = try Fixtures.safetensors("stage2/upscale", "inputs.safetensors")
        for (name, c) in [("square", expected.square), ("odd", expected.odd)] {
            let out = try XCTUnwrap(inputs[name]).upscaledAligningCorners(height: c.size[0], width: c.size[1])
            XCTAssertEqual(out.shape, c.output_shape)
            XCTAssertLessThanOrEqual(maxAbsDifference(out.scalars, c.output), 1e-6, name)
        }
    }

    func testTheLoopMatchesThePipeline() throws {
        let expected = try Fixtures.decode(Expected.self, "stage2/loop", "expected.json")
        let inputs = try Fixtures.safetensors("stage2/loop", "inputs.safetensors")
        let unet = try IFUNet(configJSON: try Fixtures.data("stage2/sr-a", "config.json"),
                              weights: TensorDictionary(try Fixtures.safetensors("stage2/sr-a", "diffusion_pytorch_model.safetensors")))
        let schedule = try NoiseSchedule(schedulerConfig: try Fixtures.data("stage2/loop", "scheduler_config.json"))
        let imageNoising = try NoiseSchedule(schedulerConfig: try Fixtures.data("stage2/loop", "image_noising_scheduler_config.json"))
        let denoiser = try SuperResolutionDenoiser(unet: unet, schedule: schedule, displayName: "sr-a", identity: "sr-a")

        let timesteps = Sampler.leadingTimesteps(steps: expected.timesteps.count)
        XCTAssertEqual(Array(timesteps.dropLast()), expected.timesteps)
        let (upscaled, noised) = try Sampler.noisedUpscale(try XCTUnwrap(inputs["low_res"]), side: 32, noiseLevel: expected.noise_level,
                                                            imageNoising: imageNoising, noise: try XCTUnwrap(inputs["noise_level_noise"]))
        XCTAssertLessThanOrEqual(maxAbsDifference(upscaled.scalars, expected.upscaled), 1e-5, "Float32 rounding of the interpolation")
        XCTAssertLessThanOrEqual(maxAbsDifference(noised.scalars, expected.noised_upscaled), 1e-5)

        let sampler = try Sampler(denoiser: denoiser, timesteps: timesteps, rule: .scheduler)
        let steps = try XCTUnwrap(inputs["noise"])
        var replay = ReplayedNoise((0..<steps.shape[0]).map { steps.slice($0) })
        let condition = Condition(prompt: "cond", embedding: try XCTUnwrap(inputs["prompt_embeds"]).slice(0))
        let unconditional = Condition(prompt: "", embedding: try XCTUnwrap(inputs["negative_prompt_embeds"]).slice(0))
        let result = try sampler.denoise(try XCTUnwrap(inputs["x"]), iStart: 0, keepEvery: 1, random: &replay,
                                         estimate: sampler.superResolution(condition, unconditional: unconditional,
                                                                           guidance: expected.guidance_scale,
                                                                           lowResolution: noised, noiseLevel: expected.noise_level))
        XCTAssertEqual(replay.taken, steps.shape[0], "noise drawn only at t > 0")
        XCTAssertEqual(denoiser.textCache.statistics.misses, 1, "the prompts projected once for the loop")
        // Every step's sample (the last one is the result itself), within 1e-4 of its largest value.
        let ours = result.intermediates.map(\.image.scalars) + [result.image.scalars]
        XCTAssertEqual(ours.count, expected.samples.count + 1)
        for (i, (sample, reference)) in zip(ours, expected.samples).enumerated() {
            XCTAssertLessThanOrEqual(maxAbsDifference(sample, reference), 1e-4 * expected.max_abs_per_step[i], "step \(i + 1)")
        }
        XCTAssertLessThanOrEqual(maxAbsDifference(result.image.scalars, expected.final), 1e-4)
    }
}
