import Tensor
import Diffusion
import NN

/// diffusers' `Attention` with `AttnAddedKVProcessor`, as in IF's SimpleCrossAttn blocks:
/// the image tokens attend, in one softmax, to the projected text context (keys and values
/// from add_k_proj/add_v_proj, text rows first) and to themselves (to_k/to_v). No
/// feed-forward; the output is added to the input.
struct AddedKVAttention: Sendable {
    /// diffusers builds norm_cross with its default of 32 groups whatever norm_num_groups is.
    static let crossNormGroups = 32
    /// The eps of both attention norms (diffusers' `Attention` default, not norm_eps).
    static let eps: Float = 1e-5

    let groupNorm: GroupNorm
    let normCross: GroupNorm?
    let toQ: Linear
    let toK: Linear
    let toV: Linear
    let addKProj: Linear
    let addVProj: Linear
    let toOut: Linear
    let heads: Int
    /// This layer's index in `TextConditioning`'s keys and values.
    let slot: Int

    init(_ builder: UNetBuilder, _ name: String, channels: Int, headDim: Int) throws {
        let c = builder.config, loader = builder.loader
        heads = channels / headDim
        groupNorm = try GroupNorm(loader, name + ".group_norm", channels: channels, groups: c.normNumGroups, eps: Self.eps)
        normCross = c.crossAttentionGroupNorm
            ? try GroupNorm(loader, name + ".norm_cross", channels: c.crossAttentionDim, groups: Self.crossNormGroups, eps: Self.eps)
            : nil
        toQ = try Linear(loader, name + ".to_q", inFeatures: channels, outFeatures: channels)
        toK = try Linear(loader, name + ".to_k", inFeatures: channels, outFeatures: channels)
        toV = try Linear(loader, name + ".to_v", inFeatures: channels, outFeatures: channels)
        addKProj = try Linear(loader, name + ".add_k_proj", inFeatures: c.crossAttentionDim, outFeatures: channels)
        addVProj = try Linear(loader, name + ".add_v_proj", inFeatures: c.crossAttentionDim, outFeatures: channels)
        toOut = try Linear(loader, name + ".to_out.0", inFeatures: channels, outFeatures: channels)
        slot = builder.nextAttentionSlot()
    }

    /// The text keys `[B, L, C]` and values `[B, C, L]` (the layouts `callAsFunction`'s
    /// attention reads) from the context `[B, L, D]`. Depends only on the prompt, so it is
    /// computed once in `TextConditioning`.
    func textKeysAndValues(context: Tensor) throws -> (keys: Tensor, values: Tensor) {
        // [B, D, L]: the layout norm_cross normalises in (channels of a group x all tokens) and
        // the projections read as columns.
        var columns = try context.transposedLastTwo()
        if let normCross { columns = try normCross(columns) }
        return (try addKProj.columns(columns).transposedLastTwo(), try addVProj.columns(columns))
    }

    /// `x` `[B, C, H, W]` -> `x + attention`, same shape. The image's tokens stay channel-major
    /// throughout, as the image holds them: every projection reads its weights in place with
    /// no transposes, and only the image keys are turned token-major for the scores.
    func callAsFunction(_ x: Tensor, textKeys: Tensor, textValues: Tensor) throws -> Tensor {
        let (batch, channels, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let tokens = try groupNorm(x).reshaped([batch, channels, height * width])             // [B, C, HW]
        let query = try toQ.columns(tokens)                                                     // [B, C, HW]
        let keys = try Tensor.concatenate([textKeys, try toK.columns(tokens).transposedLastTwo()], axis: 1)  // [B, L + HW, C]
        let values = try Tensor.concatenate([textValues, try toV.columns(tokens)], axis: 2)    // [B, C, L + HW]
        let attended = try Tensor.attention(queryColumns: query, key: keys, valueColumns: values, heads: heads)
        return x + (try toOut.columns(attended).reshaped(x.shape))                              // [B, C, H, W]
    }
}
