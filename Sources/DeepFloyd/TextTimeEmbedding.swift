import Tensor
import Diffusion
import NN

/// diffusers' `TextTimeEmbedding` (IF's `add_embedding`): the text states pooled into one
/// vector by attention pooling, added to the timestep embedding.
struct TextTimeEmbedding: Sendable {
    let norm1: LayerNorm
    /// pool.positional_embedding `[1, D]`.
    let positionalEmbedding: Parameter
    let qProj: Linear
    let kProj: Linear
    let vProj: Linear
    let proj: Linear
    let norm2: LayerNorm
    let heads: Int

    init(_ loader: WeightLoader, _ name: String, textWidth: Int, embedWidth: Int, heads: Int) throws {
        norm1 = try LayerNorm(loader, name + ".norm1", width: textWidth)
        positionalEmbedding = try loader.parameter(name + ".pool.positional_embedding", shape: [1, textWidth])
        qProj = try Linear(loader, name + ".pool.q_proj", inFeatures: textWidth, outFeatures: textWidth)
        kProj = try Linear(loader, name + ".pool.k_proj", inFeatures: textWidth, outFeatures: textWidth)
        vProj = try Linear(loader, name + ".pool.v_proj", inFeatures: textWidth, outFeatures: textWidth)
        proj = try Linear(loader, name + ".proj", inFeatures: textWidth, outFeatures: embedWidth)
        norm2 = try LayerNorm(loader, name + ".norm2", width: embedWidth)
        self.heads = heads
    }

    /// Text `[B, L, D]` -> `[B, E]`.
    func callAsFunction(_ text: Tensor) throws -> Tensor {
        let (batch, width) = (text.shape[0], text.shape[2])
        let x = try norm1(text)
        // The class token: the mean token plus a learned position, [B, 1, D].
        let classToken = try (try x.mean(axis: 1) + positionalEmbedding.value).reshaped([batch, 1, width])
        let sequence = try Tensor.concatenate([classToken, x], axis: 1)          // [B, L + 1, D]
        let pooled = try Tensor.attention(query: try qProj(classToken), key: try kProj(sequence),
                                          value: try vProj(sequence), heads: heads)  // [B, 1, D]
        return try norm2(try proj(try pooled.reshaped([batch, width])))
    }
}
