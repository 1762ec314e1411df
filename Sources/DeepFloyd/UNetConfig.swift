import Foundation
import Tensor
import Diffusion
import NN
import JSON

/// The architecture of a DeepFloyd IF stage I UNet, read from diffusers' `config.json`
/// (`UNet2DConditionModel`). Every size comes from the file; values this port does not
/// implement are rejected with an error naming the key, rather than silently ignored.
public struct UNetConfig: Sendable, Equatable {
    /// A down-path block type.
    public enum DownBlockType: String, Sendable, Equatable, CaseIterable {
        /// Resnets only, then a downsampling resnet.
        case resnetDownsample = "ResnetDownsampleBlock2D"
        /// Resnets each followed by added-KV attention, then a downsampling resnet.
        case simpleCrossAttention = "SimpleCrossAttnDownBlock2D"
    }

    /// An up-path block type.
    public enum UpBlockType: String, Sendable, Equatable, CaseIterable {
        /// Resnets each followed by added-KV attention, then an upsampling resnet.
        case simpleCrossAttention = "SimpleCrossAttnUpBlock2D"
        /// Resnets only, then an upsampling resnet.
        case resnetUpsample = "ResnetUpsampleBlock2D"
    }

    /// An activation function named in the config.
    public enum Activation: String, Sendable, Equatable, CaseIterable {
        /// GELU, exact erf form.
        case gelu
        /// SiLU.
        case silu
        /// diffusers' other name for SiLU.
        case swish
    }

    /// sample_size: the training resolution (informational; any multiple of the total
    /// downsampling factor runs).
    public var sampleSize: Int
    /// in_channels.
    public var inChannels: Int
    /// out_channels (6 for IF: noise and variance interpolator).
    public var outChannels: Int
    /// down_block_types.
    public var downBlockTypes: [DownBlockType]
    /// up_block_types.
    public var upBlockTypes: [UpBlockType]
    /// block_out_channels.
    public var blockOutChannels: [Int]
    /// layers_per_block, one per down block.
    public var layersPerBlock: [Int]
    /// attention_head_dim (the width of one head), one per down block.
    public var attentionHeadDim: [Int]
    /// cross_attention_dim: the width of the projected text context.
    public var crossAttentionDim: Int
    /// encoder_hid_dim: the width of the raw text states when they are projected
    /// (encoder_hid_dim_type "text_proj"); nil when the context is used as given.
    public var encoderHidDim: Int?
    /// addition_embed_type_num_heads when addition_embed_type is "text"; nil without
    /// text pooling.
    public var textPoolingHeads: Int?
    /// act_fn.
    public var activation: Activation
    /// norm_num_groups.
    public var normNumGroups: Int
    /// norm_eps (resnets and the output norm; attention norms use 1e-5 in diffusers).
    public var normEps: Float
    /// resnet_time_scale_shift == "scale_shift".
    public var scaleShift: Bool
    /// cross_attention_norm == "group_norm".
    public var crossAttentionGroupNorm: Bool
    /// flip_sin_to_cos: cosines first in the timestep features.
    public var flipSinToCos: Bool
    /// freq_shift.
    public var freqShift: Float
    /// time_embedding_dim, or 4 x block_out_channels[0].
    public var timeEmbedDim: Int
    /// time_embedding_act_fn: applied to the summed embedding; nil for none.
    public var timeEmbeddingActivation: Activation?
    /// timestep_post_act: applied after time_embedding.linear_2; nil for none.
    public var timestepPostActivation: Activation?
    /// resnet_skip_time_act: feed the embedding to time_emb_proj without the activation.
    public var resnetSkipTimeActivation: Bool
    /// resnet_out_scale_factor (down and up resnets).
    public var resnetOutScaleFactor: Float
    /// mid_block_scale_factor (mid resnets).
    public var midBlockScaleFactor: Float
    /// conv_in_kernel.
    public var convInKernel: Int
    /// conv_out_kernel.
    public var convOutKernel: Int
    /// center_input_sample: map the input from [0, 1] to [-1, 1] first.
    public var centerInputSample: Bool

    /// Whether class labels (stage II's noise level) are embedded like timesteps and added
    /// to the time embedding (`class_embed_type` "timestep").
    public var classEmbedsTimestep: Bool = false

    /// The width of the text states the model takes (`encoder_hidden_states`' last axis).
    public var textEmbedDim: Int { encoderHidDim ?? crossAttentionDim }

    /// The total downsampling factor: image sides must be multiples of it.
    public var downsamplingFactor: Int { 1 << Swift.max(blockOutChannels.count - 1, 0) }

    /// The configuration in a `config.json`'s bytes (`file` names it in errors).
    public init(json data: Data, file: String = "config.json") throws {
        let keys = try ConfigKeys(json: [UInt8](data), file: file)

        func required<T>(_ key: String, _ read: (String) throws -> T?) throws -> T {
            guard let value = try read(key) else { throw keys.invalid(key, "is required") }
            return value
        }
        func positive(_ key: String, _ value: Int) throws -> Int {
            guard value > 0 else { throw keys.invalid(key, "must be positive, got \(value)") }
            return value
        }
        func readActivation(_ key: String, _ name: String?) throws -> Activation? {
            guard let name else { return nil }
            guard let a = Activation(rawValue: name.lowercased()) else {
                throw keys.invalid(key, "unsupported value \"\(name)\" (supported: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return a
        }
        func expect(_ key: String, _ value: String?, in supported: [String?]) throws {
            guard supported.contains(where: { $0 == value }) else {
                let shown = supported.map { $0.map { "\"\($0)\"" } ?? "null" }.joined(separator: ", ")
                throw keys.invalid(key, "unsupported value \(value.map { "\"\($0)\"" } ?? "null") (supported: \(shown))")
            }
        }
        func expectFalse(_ key: String) throws {
            if try keys.bool(key) == true { throw keys.invalid(key, "unsupported value true (supported: false)") }
        }

        blockOutChannels = try required("block_out_channels") { try keys.ints($0, count: (try keys.strings("down_block_types") ?? []).count) }
        let levels = blockOutChannels.count
        guard levels > 0 else { throw keys.invalid("block_out_channels", "must not be empty") }
        for c in blockOutChannels { _ = try positive("block_out_channels", c) }

        let downNames = try required("down_block_types", keys.strings)
        downBlockTypes = try downNames.map { name in
            guard let t = DownBlockType(rawValue: name) else {
                throw keys.invalid("down_block_types", "unsupported block \"\(name)\" (supported: \(DownBlockType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return t
        }
        let upNames = try required("up_block_types", keys.strings)
        guard upNames.count == levels else { throw keys.invalid("up_block_types", "has \(upNames.count) entries for \(levels) levels") }
        upBlockTypes = try upNames.map { name in
            guard let t = UpBlockType(rawValue: name) else {
                throw keys.invalid("up_block_types", "unsupported block \"\(name)\" (supported: \(UpBlockType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return t
        }
        try expect("mid_block_type", try keys.string("mid_block_type") ?? "UNetMidBlock2DCrossAttn", in: ["UNetMidBlock2DSimpleCrossAttn"])

        sampleSize = try keys.int("sample_size") ?? 64
        inChannels = try positive("in_channels", try keys.int("in_channels") ?? 4)
        outChannels = try positive("out_channels", try keys.int("out_channels") ?? 4)
        layersPerBlock = try keys.ints("layers_per_block", count: levels) ?? [Int](repeating: 2, count: levels)
        for n in layersPerBlock { _ = try positive("layers_per_block", n) }
        let headDims = try keys.ints("attention_head_dim", count: levels) ?? [Int](repeating: 8, count: levels)
        for d in headDims { _ = try positive("attention_head_dim", d) }
        attentionHeadDim = headDims
        let crossDims = try keys.ints("cross_attention_dim", count: levels) ?? [Int](repeating: 1280, count: levels)
        guard let crossDim = crossDims.first, crossDims.allSatisfy({ $0 == crossDim }) else {
            throw keys.invalid("cross_attention_dim", "per-block values \(crossDims) are not supported (one width for all blocks)")
        }
        crossAttentionDim = try positive("cross_attention_dim", crossDim)

        let hidDim = try keys.int("encoder_hid_dim")
        let hidType = try keys.string("encoder_hid_dim_type") ?? (hidDim == nil ? nil : "text_proj")
        try expect("encoder_hid_dim_type", hidType, in: [nil, "text_proj"])
        if hidType != nil && hidDim == nil { throw keys.invalid("encoder_hid_dim", "is required when encoder_hid_dim_type is \"text_proj\"") }
        encoderHidDim = try hidDim.map { try positive("encoder_hid_dim", $0) }

        let addition = try keys.string("addition_embed_type")
        try expect("addition_embed_type", addition, in: [nil, "text"])
        textPoolingHeads = addition == nil ? nil : try positive("addition_embed_type_num_heads", try keys.int("addition_embed_type_num_heads") ?? 64)

        activation = try readActivation("act_fn", try keys.string("act_fn") ?? "silu") ?? .silu
        normNumGroups = try positive("norm_num_groups", try keys.int("norm_num_groups") ?? 32)
        normEps = Float(try keys.double("norm_eps") ?? 1e-5)
        let shift = try keys.string("resnet_time_scale_shift") ?? "default"
        try expect("resnet_time_scale_shift", shift, in: ["default", "scale_shift"])
        scaleShift = shift == "scale_shift"
        let crossNorm = try keys.string("cross_attention_norm")
        try expect("cross_attention_norm", crossNorm, in: [nil, "group_norm"])
        crossAttentionGroupNorm = crossNorm == "group_norm"

        try expect("time_embedding_type", try keys.string("time_embedding_type") ?? "positional", in: ["positional"])
        flipSinToCos = try keys.bool("flip_sin_to_cos") ?? true
        freqShift = Float(try keys.double("freq_shift") ?? 0)
        timeEmbedDim = try positive("time_embedding_dim", try keys.int("time_embedding_dim") ?? 4 * blockOutChannels[0])
        timeEmbeddingActivation = try readActivation("time_embedding_act_fn", try keys.string("time_embedding_act_fn"))
        timestepPostActivation = try readActivation("timestep_post_act", try keys.string("timestep_post_act"))
        resnetSkipTimeActivation = try keys.bool("resnet_skip_time_act") ?? false
        resnetOutScaleFactor = Float(try keys.double("resnet_out_scale_factor") ?? 1)
        midBlockScaleFactor = Float(try keys.double("mid_block_scale_factor") ?? 1)
        convInKernel = try keys.int("conv_in_kernel") ?? 3
        convOutKernel = try keys.int("conv_out_kernel") ?? 3
        for (key, k) in [("conv_in_kernel", convInKernel), ("conv_out_kernel", convOutKernel)] where k <= 0 || k % 2 == 0 {
            throw keys.invalid(key, "must be a positive odd number, got \(k)")
        }
        centerInputSample = try keys.bool("center_input_sample") ?? false

        // Stage II embeds its noise level like a timestep, added to the time embedding.
        let classEmbed = try keys.string("class_embed_type")
        try expect("class_embed_type", classEmbed, in: [nil, "timestep"])
        classEmbedsTimestep = classEmbed == "timestep"
        // Features of UNet2DConditionModel that IF does not use and this port does not implement.
        if let n = try keys.int("num_class_embeds") { throw keys.invalid("num_class_embeds", "unsupported value \(n) (supported: null)") }
        if let n = try keys.int("time_cond_proj_dim") { throw keys.invalid("time_cond_proj_dim", "unsupported value \(n) (supported: null)") }
        try expect("attention_type", try keys.string("attention_type") ?? "default", in: ["default"])
        try expectFalse("only_cross_attention")
        try expectFalse("mid_block_only_cross_attention")
        try expectFalse("dual_cross_attention")
        try expectFalse("class_embeddings_concat")

        try validateShapes(keys)
    }

    /// Channel counts that the blocks must divide evenly, checked up front so that a bad
    /// config fails with its key rather than deep inside a forward pass.
    private func validateShapes(_ keys: ConfigKeys) throws {
        for c in blockOutChannels where c % normNumGroups != 0 {
            throw keys.invalid("norm_num_groups", "\(normNumGroups) groups do not divide \(c) channels (block_out_channels)")
        }
        for (i, type) in downBlockTypes.enumerated() where type == .simpleCrossAttention {
            let c = blockOutChannels[i]
            if c % attentionHeadDim[i] != 0 {
                throw keys.invalid("attention_head_dim", "\(attentionHeadDim[i]) does not divide \(c) channels of down block \(i)")
            }
        }
        for (i, type) in upBlockTypes.enumerated() where type == .simpleCrossAttention {
            // diffusers indexes attention_head_dim by the up block's position, not reversed.
            let c = blockOutChannels[blockOutChannels.count - 1 - i]
            if c % attentionHeadDim[i] != 0 {
                throw keys.invalid("attention_head_dim", "\(attentionHeadDim[i]) does not divide \(c) channels of up block \(i)")
            }
        }
        if let last = blockOutChannels.last, let headDim = attentionHeadDim.last, last % headDim != 0 {
            throw keys.invalid("attention_head_dim", "\(headDim) does not divide \(last) channels of the mid block")
        }
        if crossAttentionGroupNorm && crossAttentionDim % AddedKVAttention.crossNormGroups != 0 {
            throw keys.invalid("cross_attention_dim", "\(crossAttentionDim) is not divisible by the \(AddedKVAttention.crossNormGroups) groups of cross_attention_norm \"group_norm\"")
        }
        if let heads = textPoolingHeads, textEmbedDim % heads != 0 {
            throw keys.invalid("addition_embed_type_num_heads", "\(heads) heads do not divide the text width \(textEmbedDim)")
        }
    }
}

extension UNetConfig.Activation {
    /// The same activation for fused kernels.
    var pointwise: PointwiseActivation {
        switch self {
        case .gelu: return .gelu
        case .silu, .swish: return .silu
        }
    }

    /// The activation applied in place.
    func apply(_ x: inout Tensor) {
        switch self {
        case .gelu: x.applyGELU()
        case .silu, .swish: x.applySiLU()
        }
    }
}
