#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Tensor
import Diffusion
import NN

extension IFUNet {
    /// The per-(prompt, step) part of a pass: `timesteps` one per batch item,
    /// `encoderHiddenStates` the raw text states `[B, L, text width]` (T5 output for IF), and
    /// for stage II the noise level of each item's low-resolution image (`classLabels`).
    public func conditioning(timesteps: [Int], encoderHiddenStates text: Tensor, classLabels: [Int]? = nil) throws -> Conditioning {
        try conditioning(timesteps: timesteps, text: textConditioning(encoderHiddenStates: text), classLabels: classLabels)
    }

    /// The prompts' part of the conditioning, from the raw text states `[B, L, text width]`:
    /// what every step of a sampling loop over the same prompts shares.
    public func textConditioning(encoderHiddenStates text: Tensor) throws -> TextConditioning {
        guard text.rank == 3, text.shape[0] > 0, text.shape[2] == config.textEmbedDim else {
            throw DiffusionError.invalidInput(what: "encoder hidden states",
                                              reason: "expected [B, tokens, \(config.textEmbedDim)], got \(Tensor.format(text.shape))")
        }
        let pooled = try addEmbedding?(text)                                    // [B, E]
        let context = try encoderHidProj?(text) ?? text                         // [B, L, D]
        guard context.shape[2] == config.crossAttentionDim else {
            throw DiffusionError.invalidInput(what: "encoder hidden states",
                                              reason: "width \(context.shape[2]) differs from cross_attention_dim \(config.crossAttentionDim)")
        }
        var keys = [Tensor](), values = [Tensor]()
        for attention in attentionsBySlot {
            let kv = try attention.textKeysAndValues(context: context)
            keys.append(kv.keys)
            values.append(kv.values)
        }
        return TextConditioning(batchSize: text.shape[0], pooled: pooled, context: context, keys: keys, values: values)
    }

    /// The step's conditioning from the prompts' part `text` (made by `textConditioning`) and
    /// the `timesteps` (and stage II's `classLabels`), one per batch item.
    public func conditioning(timesteps: [Int], text: TextConditioning, classLabels: [Int]? = nil) throws -> Conditioning {
        let batch = timesteps.count
        guard text.batchSize == batch else {
            throw DiffusionError.invalidInput(what: "encoder hidden states",
                                              reason: "the text conditioning has batch \(text.batchSize), the timesteps \(batch)")
        }
        var embedding = try timeLinear1(timestepFeatures(timesteps))        // [B, E]
        config.activation.apply(&embedding)
        embedding = try timeLinear2(embedding)
        config.timestepPostActivation?.apply(&embedding)
        if let classLinear1, let classLinear2 {
            guard let classLabels, classLabels.count == batch else {
                throw DiffusionError.invalidInput(what: "class labels",
                                                  reason: "this UNet embeds a noise level per image: expected \(batch), got \(classLabels?.count ?? 0)")
            }
            // The same sinusoid as the timestep, then its own two layers; added before the text.
            var classEmbedding = try classLinear1(timestepFeatures(classLabels))   // [B, E]
            config.activation.apply(&classEmbedding)
            embedding = embedding + (try classLinear2(classEmbedding))
        } else if classLabels != nil {
            throw DiffusionError.invalidInput(what: "class labels", reason: "this UNet takes none (its config has no class_embed_type)")
        }
        if let pooled = text.pooled { embedding = embedding + pooled }
        config.timeEmbeddingActivation?.apply(&embedding)
        let projections = try resnetsBySlot.map { try $0.timeProjection(embedding) }
        return Conditioning(batchSize: batch, timesteps: timesteps, embedding: embedding, text: text, timeProjections: projections)
    }

    /// Sinusoidal timestep features `[B, C0]`, computed in Float32 as diffusers does:
    /// frequency i is `exp(-ln(10000) i / (C0/2 - freq_shift))`; sines then cosines, or
    /// cosines first with flip_sin_to_cos; a zero column pads an odd width.
    func timestepFeatures(_ timesteps: [Int]) -> Tensor {
        let width = config.blockOutChannels[0]
        let half = width / 2
        let logPeriod = Float(-log(10000.0))
        let frequencies = (0..<half).map { i in expf(logPeriod * Float(i) / (Float(half) - config.freqShift)) }
        var values = [Float](repeating: 0, count: timesteps.count * width)
        for (b, t) in timesteps.enumerated() {
            for i in 0..<half {
                let angle = Float(t) * frequencies[i]
                let (first, second) = config.flipSinToCos ? (cosf(angle), sinf(angle)) : (sinf(angle), cosf(angle))
                values[b * width + i] = first
                values[b * width + half + i] = second
            }
        }
        return Tensor(shape: [timesteps.count, width], scalars: values)
    }

    /// One UNet pass: `x` `[B, in_channels, H, W]` (H and W multiples of the total
    /// downsampling factor) -> `[B, out_channels, H, W]`; for IF channels 0-2 are the
    /// noise estimate and 3-5 the variance interpolator.
    public func forward(_ x: Tensor, conditioning: Conditioning) throws -> Tensor {
        let factor = config.downsamplingFactor
        guard x.rank == 4, x.shape[0] == conditioning.batchSize, x.shape[1] == config.inChannels,
              x.shape[2] % factor == 0, x.shape[3] % factor == 0, x.shape[2] > 0, x.shape[3] > 0 else {
            throw DiffusionError.invalidInput(what: "UNet input",
                                              reason: "expected [\(conditioning.batchSize), \(config.inChannels), H, W] with H and W multiples of \(factor), got \(Tensor.format(x.shape))")
        }
        var h = config.centerInputSample ? 2 * x - 1 : x
        h = try convIn(h)
        var skips = [h]
        for block in downBlocks { h = try block(h, conditioning, skips: &skips) }
        h = try midBlock(h, conditioning)
        for block in upBlocks { h = try block(h, conditioning, skips: &skips) }
        h = try convNormOut(h)
        config.activation.apply(&h)
        return try convOut(h)
    }

    /// One UNet pass from its raw inputs (conditioning computed on the way).
    public func forward(_ x: Tensor, timesteps: [Int], encoderHiddenStates: Tensor, classLabels: [Int]? = nil) throws -> Tensor {
        try forward(x, conditioning: try conditioning(timesteps: timesteps, encoderHiddenStates: encoderHiddenStates, classLabels: classLabels))
    }
}
