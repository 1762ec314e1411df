import Diffusion
import Tensor

extension IFUNet {
    /// The prompt embeddings of `conditions` stacked as the UNet's text input `[B, L, width]`;
    /// each must carry a `[tokens, width]` embedding of the width this UNet reads.
    func textStates(_ conditions: [Condition]) throws -> Tensor {
        let width = config.textEmbedDim
        var embeddings = [Tensor]()
        for condition in conditions {
            guard let e = condition.embedding else { throw DiffusionError.missingEmbedding(prompt: condition.prompt) }
            guard e.rank == 2, e.shape[1] == width else {
                throw DiffusionError.invalidInput(what: "embedding of \"\(condition.prompt)\"",
                                                  reason: "expected [tokens, \(width)], got \(Tensor.format(e.shape))")
            }
            embeddings.append(e)
        }
        return try Tensor.stack(embeddings)
    }
}

