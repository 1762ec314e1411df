import Foundation
import Tensor
import XCTest
@testable import DeepFloyd
import NN
import Diffusion
import Weights
import TestSupport

/// The IF UNet against diffusers' UNet2DConditionModel on two small IF-shaped models with
/// random weights; fixtures from tools/make_if_fixtures.py (Fixtures/tiny-a: fp32 weights,
/// one layer per block, 16x16; Fixtures/tiny-b: fp16 weights, two layers per block, 32x32).
final class IFUNetTests: XCTestCase {
    struct Expected: Decodable {
        let timesteps: [Int]
        let output_shape: [Int]
        let output: [Float]
        let max_abs_output: Float
        let parameter_count: Int
        let tensor_count: Int
    }

    struct Model {
        let config: Data
        let weights: [String: Tensor]
        let x: Tensor
        let text: Tensor
        let expected: Expected
    }

    private func model(_ name: String, weightsFile: String) throws -> Model {
        let inputs = try TestSafetensors.read(try Fixtures.data(name, "inputs.safetensors"))
        return Model(config: try Fixtures.data(name, "config.json"),
                     weights: try TestSafetensors.read(try Fixtures.data(name, weightsFile)),
                     x: try XCTUnwrap(inputs["x"]),
                     text: try XCTUnwrap(inputs["encoder_hidden_states"]),
                     expected: try Fixtures.decode(Expected.self, name, "expected.json"))
    }

    private func assertMatchesDiffusers(_ name: String, weightsFile: String) throws {
        let m = try model(name, weightsFile: weightsFile)
        XCTAssertEqual(m.weights.count, m.expected.tensor_count)
        let unet = try IFUNet(configJSON: m.config, weights: TensorDictionary(m.weights))
        XCTAssertEqual(unet.parameterCount, m.expected.parameter_count)
        let out = try unet.forward(m.x, timesteps: m.expected.timesteps, encoderHiddenStates: m.text)
        XCTAssertEqual(out.shape, m.expected.output_shape)
        // Agreement to 1e-4 of the output's scale: Float32 rounding through ~100 layers.
        let difference = maxAbsDifference(out.scalars, m.expected.output)
        XCTAssertLessThanOrEqual(difference, 1e-4 * m.expected.max_abs_output, "\(name): max |ours - diffusers| = \(difference)")
        print("\(name): max |ours - diffusers| = \(difference), max |output| = \(m.expected.max_abs_output)")
    }

    func testFloat32ModelMatchesDiffusers() throws {
        try assertMatchesDiffusers("tiny-a", weightsFile: "diffusion_pytorch_model.safetensors")
    }

    func testFloat16ModelMatchesDiffusers() throws {
        try assertMatchesDiffusers("tiny-b", weightsFile: "diffusion_pytorch_model.fp16.safetensors")
    }

    func testConditioningIsReusableAcrossImages() throws {
        let m = try model("tiny-a", weightsFile: "diffusion_pytorch_model.safetensors")
        let unet = try IFUNet(configJSON: m.config, weights: TensorDictionary(m.weights))
        let conditioning = try unet.conditioning(timesteps: m.expected.timesteps, encoderHiddenStates: m.text)
        let once = try unet.forward(m.x, conditioning: conditioning)
        let twice = try unet.forward(m.x, conditioning: conditioning)
        XCTAssertEqual(once, twice, "a conditioning value is not consumed by a pass")
        XCTAssertLessThanOrEqual(maxAbsDifference(once.scalars, m.expected.output), 1e-4 * m.expected.max_abs_output)
    }

    func testDenoiserSplitsNoiseAndVariance() throws {
        let m = try model("tiny-a", weightsFile: "diffusion_pytorch_model.safetensors")
        let unet = try IFUNet(configJSON: m.config, weights: TensorDictionary(m.weights))
        let denoiser = IFDenoiser(unet: unet, schedule: .squaredCosine(), displayName: "tiny-a", identity: "tiny-a")
        let conditions = (0..<2).map { b in
            Condition(prompt: "prompt \(b)", embedding: m.text.slice(b))
        }
        let prediction = try denoiser.predict(m.x, timesteps: m.expected.timesteps, conditions: conditions)
        let variance = try XCTUnwrap(prediction.variance)
        XCTAssertEqual(prediction.noise.shape, [2, 3, 16, 16])
        XCTAssertEqual(variance.shape, [2, 3, 16, 16])
        // Channels 0-2 then 3-5 of each item of diffusers' [2, 6, 16, 16] output.
        let plane = 16 * 16
        var expectedNoise = [Float](), expectedVariance = [Float]()
        for b in 0..<2 {
            expectedNoise += m.expected.output[(b * 6 * plane)..<((b * 6 + 3) * plane)]
            expectedVariance += m.expected.output[((b * 6 + 3) * plane)..<((b + 1) * 6 * plane)]
        }
        XCTAssertLessThanOrEqual(maxAbsDifference(prediction.noise.scalars, expectedNoise), 1e-4 * m.expected.max_abs_output)
        XCTAssertLessThanOrEqual(maxAbsDifference(variance.scalars, expectedVariance), 1e-4 * m.expected.max_abs_output)

        let bare = [Condition(prompt: "a rocket ship"), conditions[1]]
        XCTAssertThrowsError(try denoiser.predict(m.x, timesteps: m.expected.timesteps, conditions: bare)) { error in
            XCTAssertEqual(error as? DiffusionError, .missingEmbedding(prompt: "a rocket ship"))
            XCTAssertEqual("\(error)", #"prompt "a rocket ship" has no text embedding; this model needs one ([77, 4096] T5 states)"#)
        }
    }

    // MARK: Strict loading

    private func loadError(_ edit: (inout [String: Tensor]) -> Void) throws -> Error? {
        let m = try model("tiny-a", weightsFile: "diffusion_pytorch_model.safetensors")
        var weights = m.weights
        edit(&weights)
        do {
            _ = try IFUNet(configJSON: m.config, weights: TensorDictionary(weights))
            return nil
        } catch {
            return error
        }
    }

    func testMissingTensorIsNamed() throws {
        let error = try XCTUnwrap(try loadError { $0["mid_block.attentions.0.add_k_proj.weight"] = nil })
        // add_k_proj maps cross_attention_dim 32 to the 32 mid-block channels.
        XCTAssertEqual(error as? NNError, .missingTensor(name: "mid_block.attentions.0.add_k_proj.weight", expectedShape: [32, 32]))
        XCTAssertEqual("\(error)", "weights: tensor 'mid_block.attentions.0.add_k_proj.weight' is missing (expected shape [32, 32])")
    }

    func testMisshapenTensorIsNamed() throws {
        let error = try XCTUnwrap(try loadError { $0["conv_in.weight"] = Tensor(zeros: [8, 3, 1, 1]) })
        XCTAssertEqual("\(error)", "weights: tensor 'conv_in.weight' has shape [8, 3, 1, 1], but the configuration implies [8, 3, 3, 3]")
    }

    func testUnexpectedTensorIsNamed() throws {
        let error = try XCTUnwrap(try loadError { $0["down_blocks.0.attentions.0.to_q.weight"] = Tensor(zeros: [8, 8]) })
        XCTAssertEqual("\(error)", "weights: 1 unexpected tensor not used by the configuration: 'down_blocks.0.attentions.0.to_q.weight'")
    }

    // MARK: Config

    private func configError(_ edit: (inout [String: Any]) -> Void) throws -> Error? {
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: try Fixtures.data("tiny-a", "config.json")) as? [String: Any])
        edit(&object)
        do {
            _ = try UNetConfig(json: try JSONSerialization.data(withJSONObject: object))
            return nil
        } catch {
            return error
        }
    }

    func testConfigIsReadFromFile() throws {
        let config = try UNetConfig(json: try Fixtures.data("tiny-b", "config.json"))
        XCTAssertEqual(config.blockOutChannels, [16, 24, 32, 48])
        XCTAssertEqual(config.layersPerBlock, [2, 2, 2, 2])
        XCTAssertEqual(config.attentionHeadDim, [8, 8, 8, 8])
        XCTAssertEqual(config.crossAttentionDim, 64)
        XCTAssertEqual(config.encoderHidDim, 48)
        XCTAssertEqual(config.textPoolingHeads, 3)
        XCTAssertEqual(config.normNumGroups, 8)
        XCTAssertEqual(config.timeEmbedDim, 64)
        XCTAssertEqual(config.activation, .gelu)
        XCTAssertTrue(config.scaleShift)
        XCTAssertTrue(config.crossAttentionGroupNorm)
        XCTAssertEqual(config.downBlockTypes, [.resnetDownsample, .simpleCrossAttention, .simpleCrossAttention, .simpleCrossAttention])
        XCTAssertEqual(config.upBlockTypes, [.simpleCrossAttention, .simpleCrossAttention, .simpleCrossAttention, .resnetUpsample])
    }

    func testUnsupportedConfigValuesAreNamed() throws {
        let activation = try XCTUnwrap(try configError { $0["act_fn"] = "mish" })
        XCTAssertEqual("\(activation)", #"config.json: "act_fn": unsupported value "mish" (supported: gelu, silu, swish)"#)
        let block = try XCTUnwrap(try configError { $0["down_block_types"] = ["DownBlock2D", "SimpleCrossAttnDownBlock2D", "SimpleCrossAttnDownBlock2D", "SimpleCrossAttnDownBlock2D"] })
        XCTAssertEqual("\(block)", #"config.json: "down_block_types": unsupported block "DownBlock2D" (supported: ResnetDownsampleBlock2D, SimpleCrossAttnDownBlock2D)"#)
        let classEmbedding = try XCTUnwrap(try configError { $0["class_embed_type"] = "projection" })
        XCTAssertEqual("\(classEmbedding)", #"config.json: "class_embed_type": unsupported value "projection" (supported: null, "timestep")"#)
        let heads = try XCTUnwrap(try configError { $0["attention_head_dim"] = 5 })
        XCTAssertEqual("\(heads)", #"config.json: "attention_head_dim": 5 does not divide 16 channels of down block 1"#)
    }

    func testInputShapeIsChecked() throws {
        let m = try model("tiny-a", weightsFile: "diffusion_pytorch_model.safetensors")
        let unet = try IFUNet(configJSON: m.config, weights: TensorDictionary(m.weights))
        XCTAssertThrowsError(try unet.forward(Tensor(zeros: [2, 3, 12, 12]), timesteps: [1, 2], encoderHiddenStates: m.text)) { error in
            XCTAssertEqual("\(error)", "UNet input: expected [2, 3, H, W] with H and W multiples of 8, got [2, 3, 12, 12]")
        }
    }
}

/// The memory paths users run: IF-I-XL keeps its fp16 weights mapped from the file and
/// widens them per layer; IF-I-M and L widen at load and keep each 3x3 layer's Winograd
/// weights after the first pass. Both against diffusers' output for tiny-b (fp16, 32x32, so
/// its top level takes Winograd).
final class WeightPathTests: XCTestCase {
    struct Expected: Decodable {
        let timesteps: [Int]
        let output: [Float]
        let max_abs_output: Float
    }

    private func run(_ unet: IFUNet) throws -> [Float] {
        let inputs = try Fixtures.safetensors("tiny-b", "inputs.safetensors")
        let expected = try Fixtures.decode(Expected.self, "tiny-b", "expected.json")
        return try unet.forward(try XCTUnwrap(inputs["x"]), timesteps: expected.timesteps,
                                encoderHiddenStates: try XCTUnwrap(inputs["encoder_hidden_states"])).scalars
    }

    private func assertMatches(_ output: [Float], _ what: String) throws {
        let expected = try Fixtures.decode(Expected.self, "tiny-b", "expected.json")
        let difference = maxAbsDifference(output, expected.output)
        XCTAssertLessThanOrEqual(difference, 1e-4 * expected.max_abs_output, "\(what): max |ours - diffusers| = \(difference)")
    }

    func testMappedHalfPrecisionWeightsMatchDiffusers() throws {
        let file = try SafetensorsFile(path: try Fixtures.path("tiny-b", "diffusion_pytorch_model.fp16.safetensors"))
        // The tiny model's tensors are all below the size from which IF-I-XL keeps them half
        // precision; a limit of 1 keeps every one of them mapped, as XL keeps its large ones.
        let loader = WeightLoader(file, keepHalf: true, smallTensorLimit: 1)
        let unet = try IFUNet(config: try UNetConfig(json: try Fixtures.data("tiny-b", "config.json")), loader: loader)
        XCTAssertEqual(unet.weightByteCount, unet.parameterCount * 2, "every weight stays half precision, viewed in the mapping")
        XCTAssertEqual(unet.filledWinogradCaches, 0)
        let first = try run(unet)
        try assertMatches(first, "fp16 mapped, first pass (widens and transforms)")
        // Half-precision layers keep F(2x2) weights at 16x16 only, which this 32x32 model's
        // 3x3 convolutions reach 14 times: the first level's downsampling resnet (2, it
        // downsamples before conv1), the second level's two resnets (4), its three up
        // resnets (6) and the upsampling resnet that enters it from 8x8 (2).
        XCTAssertEqual(unet.filledWinogradCaches, 14)
        XCTAssertEqual(try run(unet), first, "the second pass reads the kept transforms and repeats the first")
    }

    /// `precision: bf16`: every linear and convolution product on the bf16 kernels, each
    /// kernel this CPU runs (the portable one everywhere), twice (the second pass reuses
    /// the packed Winograd matrices and must give the same output). bf16 keeps 8
    /// significant bits: measured 1.3% of the output's scale from diffusers here (against
    /// 1e-4 for fp32), so the bound is 2%. The kernels differ only in the order of their
    /// fp32 sums, but that flips some later bf16 roundings, so they agree to the same 2%.
    func testBFloat16ProductsStayCloseToDiffusersOnEveryKernel() throws {
        let file = try SafetensorsFile(path: try Fixtures.path("tiny-b", "diffusion_pytorch_model.fp16.safetensors"))
        let expected = try Fixtures.decode(Expected.self, "tiny-b", "expected.json")
        var outputs = [[Float]]()
        for kernel in BFloat16Kernel.allCases where kernel.isRunnable {
            let unet = try IFUNet(configJSON: try Fixtures.data("tiny-b", "config.json"), weights: file, residency: .bfloat16(kernel))
            for pass in 1...2 {
                let output = try run(unet)
                let difference = maxAbsDifference(output, expected.output)
                XCTAssertLessThanOrEqual(difference, 2e-2 * expected.max_abs_output, "\(kernel) pass \(pass)")
                XCTAssertGreaterThan(difference, 0, "bf16 rounding shows")
                if pass == 2, let first = outputs.last { XCTAssertEqual(output, first, "\(kernel): the second pass repeats the first") }
                outputs.append(output)
            }
        }
        for output in outputs.dropFirst() {
            XCTAssertLessThanOrEqual(maxAbsDifference(output, outputs[0]), 2e-2 * expected.max_abs_output)
        }
    }

    func testKeptWinogradWeightsMatchDiffusersOnEveryPass() throws {
        let file = try SafetensorsFile(path: try Fixtures.path("tiny-b", "diffusion_pytorch_model.fp16.safetensors"))
        let unet = try IFUNet(configJSON: try Fixtures.data("tiny-b", "config.json"), weights: file, residency: .float32)
        XCTAssertEqual(unet.filledWinogradCaches, 0)
        try assertMatches(try run(unet), "first pass (transforms the weights)")
        XCTAssertGreaterThan(unet.filledWinogradCaches, 0, "the 32x32 layers took Winograd and kept their weights")
        try assertMatches(try run(unet), "second pass (reuses the kept weights)")
    }
}

/// A batch is a set of independent images: each image's output is the same, bit for bit,
/// alone and in a batch of any size. Batched sampling loops (an SDEdit sweep run as one loop,
/// a hybrid's two prompts in one call) rely on it to give exactly the one-at-a-time results.
/// At 64x64 a batch of six folds 1,536 Winograd tiles into each element product, past
/// `Float32Kernel.narrowColumns`, where a choice made on the batch's width would switch kernels.
final class BatchInvarianceTests: XCTestCase {
    private func assertEachImageIsIndependent(_ unet: IFUNet, _ what: String) throws {
        var random = SeededRandom(seed: 11)
        let (batch, side) = (6, 64)
        XCTAssertGreaterThan(batch * (side / 4) * (side / 4), Float32Kernel.narrowColumns)
        let x = random.normal(shape: [batch, 3, side, side])                                  // [B, 3, H, W]
        let text = random.normal(shape: [batch, 77, unet.config.textEmbedDim])       // [B, 77, width]
        let timesteps = (0..<batch).map { 100 + 150 * $0 }
        let together = try unet.forward(x, timesteps: timesteps, encoderHiddenStates: text)
        for b in 0..<batch {
            let alone = try unet.forward(try x.slice(b).reshaped([1, 3, side, side]), timesteps: [timesteps[b]],
                                         encoderHiddenStates: try text.slice(b).reshaped([1] + Array(text.shape.dropFirst())))
            XCTAssertEqual(together.slice(b).scalars, alone.scalars, "\(what): image \(b) alone and in a batch of \(batch)")
        }
    }

    func testFloat32ImagesAreIndependentOfTheirBatch() throws {
        let file = try SafetensorsFile(path: try Fixtures.path("tiny-b", "diffusion_pytorch_model.fp16.safetensors"))
        let unet = try IFUNet(configJSON: try Fixtures.data("tiny-b", "config.json"), weights: file, residency: .float32)
        try assertEachImageIsIndependent(unet, "fp32")
    }

    func testMappedHalfPrecisionImagesAreIndependentOfTheirBatch() throws {
        let file = try SafetensorsFile(path: try Fixtures.path("tiny-b", "diffusion_pytorch_model.fp16.safetensors"))
        let loader = WeightLoader(file, keepHalf: true, smallTensorLimit: 1)
        let unet = try IFUNet(config: try UNetConfig(json: try Fixtures.data("tiny-b", "config.json")), loader: loader)
        try assertEachImageIsIndependent(unet, "fp16 mapped")
    }

    func testBFloat16ImagesAreIndependentOfTheirBatch() throws {
        let file = try SafetensorsFile(path: try Fixtures.path("tiny-b", "diffusion_pytorch_model.fp16.safetensors"))
        for kernel in BFloat16Kernel.allCases where kernel.isRunnable {
            let unet = try IFUNet(configJSON: try Fixtures.data("tiny-b", "config.json"), weights: file, residency: .bfloat16(kernel))
            try assertEachImageIsIndependent(unet, "bf16 \(kernel)")
        }
    }
}
