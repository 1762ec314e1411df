import Tensor
import Diffusion
import NN

/// Everything in a UNet pass that depends only on the prompts and the timesteps, not on
/// the image: the time embedding (with the pooled text added), the projected text
/// context, every resnet's time projection and every attention layer's text keys and
/// values. Computed once per prompt batch and step by `IFUNet.conditioning`, then
/// consumed by `IFUNet.forward`.
public struct Conditioning: Sendable {
    /// The batch size B it was computed for.
    public let batchSize: Int
    /// The timesteps, one per batch item.
    public let timesteps: [Int]
    /// The embedding fed to the resnets, `[B, E]`.
    public let embedding: Tensor
    /// The projected text context, `[B, L, cross_attention_dim]`.
    public let context: Tensor
    /// time_emb_proj outputs by resnet slot, `[B, 2 Cout]` (scale_shift) or `[B, Cout]`.
    let timeProjections: [Tensor]
    /// add_k_proj outputs by attention slot, `[B, L, C]`.
    let textKeys: [Tensor]
    /// add_v_proj outputs by attention slot, channel-major `[B, C, L]` as the attention reads them.
    let textValues: [Tensor]
}
