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
