import Tensor
import Diffusion
import NN

/// Everything in a UNet pass that depends only on the prompts and the timesteps, not on
/// the image: the time embedding (with the pooled text added), every resnet's time
/// projection, and the prompts' part, `text`. Computed once per prompt batch and step by
/// `IFUNet.conditioning`, then consumed by `IFUNet.forward`.
public struct Conditioning: Sendable {
    /// The batch size B it was computed for.
    public let batchSize: Int
    /// The timesteps, one per batch item.
    public let timesteps: [Int]
    /// The embedding fed to the resnets, `[B, E]`.
    public let embedding: Tensor
    /// The part that depends on the prompts alone.
    public let text: TextConditioning
    /// time_emb_proj outputs by resnet slot, `[B, 2 Cout]` (scale_shift) or `[B, Cout]`.
    let timeProjections: [Tensor]
}

/// The part of a pass's conditioning that depends only on the prompts: the pooled text
/// embedding, the projected text context and every attention layer's text keys and values.
/// The same for every step of a sampling loop, so the denoisers compute it once per prompt
/// batch (`TextConditioningCache`) where a plain forward computes it every time.
public struct TextConditioning: Sendable {
    /// The batch size B it was computed for.
    public let batchSize: Int
    /// add_embedding's pooled text `[B, E]`, added to the time embedding; nil where the UNet
    /// has no addition_embed_type.
    let pooled: Tensor?
    /// The projected text context, `[B, L, cross_attention_dim]`.
    public let context: Tensor
    /// add_k_proj outputs by attention slot, `[B, L, C]`.
    let keys: [Tensor]
    /// add_v_proj outputs by attention slot, channel-major `[B, C, L]` as the attention reads them.
    let values: [Tensor]
}
