import Foundation
import Tensor
import Diffusion
import NN

/// DeepFloyd IF's stage I UNet (diffusers' `UNet2DConditionModel` with IF's block types),
/// built from a `config.json` and named weights, loaded strictly.
///
/// Use: `let text = try unet.textConditioning(encoderHiddenStates:)` once per prompt batch,
/// `let c = try unet.conditioning(timesteps:text:)` once per step, then
/// `try unet.forward(x, conditioning: c)`.
public struct IFUNet: Sendable {
    /// The architecture.
    public let config: UNetConfig
    let convIn: Conv2D
    let timeLinear1: Linear
    let timeLinear2: Linear
    /// Stage II's noise-level embedding (`class_embedding.linear_1/2`), when the config has one.
    let classLinear1: Linear?
    let classLinear2: Linear?
    let addEmbedding: TextTimeEmbedding?
    let encoderHidProj: Linear?
    let downBlocks: [DownBlock]
    let midBlock: MidBlock
    let upBlocks: [UpBlock]
    let convNormOut: GroupNorm
    let convOut: Conv2D
    /// Resnets and attention layers, indexed by their slots.
    let resnetsBySlot: [ResnetBlock]
    let attentionsBySlot: [AddedKVAttention]

    /// The UNet `config` describes, with weights from `weights` (diffusers' names). Every
    /// tensor the config implies must be present with its exact shape, and no other
    /// tensor may be there; errors name the tensor. `residency` decides whether an fp16
    /// checkpoint is widened when loaded or kept half precision.
    public init(config: UNetConfig, weights: any TensorProvider, residency: WeightResidency = .automatic) throws {
        try self.init(config: config, loader: WeightLoader(weights, keepHalf: residency.keepsHalf(weights),
                                                            bfloat16: residency.bfloat16Kernel))
    }

    /// Every tensor `config` implies, with its shape, in loading order.
    public static func tensorShapes(config: UNetConfig) throws -> [(name: String, shape: [Int])] {
        let loader = WeightLoader(recording: ())
        _ = try IFUNet(config: config, loader: loader)
        return loader.requested
    }

    init(config: UNetConfig, loader: WeightLoader) throws {
        let builder = UNetBuilder(config: config, loader: loader)
        let c0 = config.blockOutChannels[0], e = config.timeEmbedDim
        self.config = config
        convIn = try Conv2D(loader, "conv_in", inChannels: config.inChannels, outChannels: c0, kernel: config.convInKernel)
        timeLinear1 = try Linear(loader, "time_embedding.linear_1", inFeatures: c0, outFeatures: e)
        timeLinear2 = try Linear(loader, "time_embedding.linear_2", inFeatures: e, outFeatures: e)
        classLinear1 = config.classEmbedsTimestep ? try Linear(loader, "class_embedding.linear_1", inFeatures: c0, outFeatures: e) : nil
        classLinear2 = config.classEmbedsTimestep ? try Linear(loader, "class_embedding.linear_2", inFeatures: e, outFeatures: e) : nil
        encoderHidProj = try config.encoderHidDim.map {
            try Linear(loader, "encoder_hid_proj", inFeatures: $0, outFeatures: config.crossAttentionDim)
        }
        addEmbedding = try config.textPoolingHeads.map {
            try TextTimeEmbedding(loader, "add_embedding", textWidth: config.textEmbedDim, embedWidth: e, heads: $0)
        }
        var down = [DownBlock]()
        var channels = c0
        for i in config.blockOutChannels.indices {
            down.append(try DownBlock(builder, index: i, inChannels: channels))
            channels = config.blockOutChannels[i]
        }
        downBlocks = down
        midBlock = try MidBlock(builder)
        var up = [UpBlock]()
        for i in config.blockOutChannels.indices {
            up.append(try UpBlock(builder, index: i, previousChannels: channels))
            channels = config.blockOutChannels.reversed()[i]
        }
        upBlocks = up
        convNormOut = try GroupNorm(loader, "conv_norm_out", channels: c0, groups: config.normNumGroups, eps: config.normEps)
        convOut = try Conv2D(loader, "conv_out", inChannels: c0, outChannels: config.outChannels, kernel: config.convOutKernel)
        try loader.finish()

        let resnets = down.flatMap(\.allResnets) + midBlock.resnets + up.flatMap(\.allResnets)
        resnetsBySlot = resnets.sorted { $0.slot < $1.slot }
        let attentions = down.flatMap(\.attentions) + midBlock.attentions + up.flatMap(\.attentions)
        attentionsBySlot = attentions.sorted { $0.slot < $1.slot }
    }

    /// The UNet from a `config.json`'s bytes and weights.
    public init(configJSON: Data, weights: any TensorProvider, residency: WeightResidency = .automatic) throws {
        try self.init(config: try UNetConfig(json: configJSON), weights: weights, residency: residency)
    }

    /// Bytes the weights hold in memory (for half-precision views: the bytes they map).
    public var weightByteCount: Int {
        var names = Set<String>(), total = 0
        forEachParameter { p in
            if names.insert(p.name).inserted { total += p.byteCount }
        }
        return total
    }

    /// The number of weight values held.
    public var parameterCount: Int {
        var names = Set<String>(), total = 0
        forEachParameter { p in
            if names.insert(p.name).inserted { total += Tensor.count(of: p.shape) }
        }
        return total
    }

    /// How many 3x3 convolutions hold Winograd-transformed weights kept from earlier passes.
    package var filledWinogradCaches: Int {
        var convolutions: [Conv2D?] = [convIn, convOut]
        for r in resnetsBySlot { convolutions += [r.conv1, r.conv2, r.convShortcut] }
        return convolutions.compactMap { $0?.winogradCache }.filter(\.isFilled).count
    }

    /// Calls `body` on every parameter of every layer.
    func forEachParameter(_ body: (Parameter) -> Void) {
        func add(_ p: Parameter?) { if let p { body(p) } }
        func add(_ l: Linear?) { add(l?.weight); add(l?.bias) }
        func add(_ l: Conv2D?) { add(l?.weight); add(l?.bias) }
        func add(_ l: GroupNorm?) { add(l?.weight); add(l?.bias) }
        func add(_ l: LayerNorm?) { add(l?.weight); add(l?.bias) }
        add(convIn); add(timeLinear1); add(timeLinear2); add(classLinear1); add(classLinear2); add(encoderHidProj)
        if let a = addEmbedding {
            add(a.norm1); add(a.positionalEmbedding); add(a.qProj); add(a.kProj); add(a.vProj); add(a.proj); add(a.norm2)
        }
        for r in resnetsBySlot {
            add(r.norm1); add(r.conv1); add(r.timeEmbProj); add(r.norm2); add(r.conv2); add(r.convShortcut)
        }
        for a in attentionsBySlot {
            add(a.groupNorm); add(a.normCross); add(a.toQ); add(a.toK); add(a.toV); add(a.addKProj); add(a.addVProj); add(a.toOut)
        }
        add(convNormOut); add(convOut)
    }
}
