import Diffusion
import Foundation
import Pipeline
import Tensor
import Weights

/// `noisebook unet`: one batched UNet forward from .npy inputs, the tool that checks an
/// install against diffusers.
struct UnetCommand {
    let arguments: [String]

    static let usage = """
    usage: noisebook unet --weights DIR --sample x.npy --timesteps 990,250 --embeddings e.npy --out y.npy [--dtype f32|f16]

      --weights DIR      a snapshot folder (unet/, scheduler/) or a models--DeepFloyd--... cache folder
      --sample x.npy     [B, 3, H, W] noisy images (float32 or float16)
      --timesteps LIST   one timestep, or B of them, comma-separated
      --embeddings e.npy [B, 77, D], [1, 77, D] or [77, D] text embeddings
      --out y.npy        where the [B, 6, H, W] output goes
    """

    func run() throws -> Int32 {
        let parsed = try OptionParser(arguments, valued: ["--weights", "--sample", "--timesteps", "--embeddings", "--out", "--dtype"], flags: [])
        guard parsed.positional.isEmpty else { throw UsageError(description: "unexpected argument '\(parsed.positional[0])'\n\n\(Self.usage)") }
        func required(_ name: String) throws -> String {
            guard let value = parsed.value(name) else { throw UsageError(description: "noisebook unet needs \(name)\n\n\(Self.usage)") }
            return value
        }
        for name in ["--weights", "--sample", "--timesteps", "--embeddings", "--out"] { _ = try required(name) }
        let dtype: DType
        switch parsed.value("--dtype") ?? "f32" {
        case "f32": dtype = .f32
        case "f16": dtype = .f16
        case let other: throw UsageError(description: "--dtype must be f32 or f16, got '\(other)'")
        }
        let sample = try NPYFile.read(try required("--sample"))
        guard sample.rank == 4 else { throw UsageError(description: "--sample must be [B, 3, H, W], got \(Tensor.format(sample.shape))") }
        let batch = sample.shape[0]
        var timesteps = [Int]()
        for part in try required("--timesteps").split(separator: ",") {
            guard let t = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw UsageError(description: "--timesteps: '\(part)' is not an integer")
            }
            timesteps.append(t)
        }
        if timesteps.count == 1 { timesteps = Array(repeating: timesteps[0], count: batch) }
        guard timesteps.count == batch else {
            throw UsageError(description: "--timesteps gives \(timesteps.count) values for a batch of \(batch)")
        }
        var embeddings = try NPYFile.read(try required("--embeddings"))
        if embeddings.rank == 2 { embeddings = try embeddings.reshaped([1] + embeddings.shape) }
        guard embeddings.rank == 3, embeddings.shape[0] == batch || embeddings.shape[0] == 1 else {
            throw UsageError(description: "--embeddings must be [B, 77, D], [1, 77, D] or [77, D] for a batch of \(batch), got \(Tensor.format(embeddings.shape))")
        }
        let conditions = (0..<batch).map { b in
            Condition(prompt: "embedding \(b)", embedding: embeddings.slice(embeddings.shape[0] == 1 ? 0 : b))
        }
        guard let model = try WeightsLocator().resolve(explicit: try required("--weights"), preferred: nil) else {
            throw UsageError(description: "no weights at \(parsed.value("--weights") ?? "")")
        }
        let denoiser = try ModelLoader.loadIF(model)
        let start = Date()
        let output = try denoiser.unet.forward(sample, timesteps: timesteps, encoderHiddenStates: try Tensor.stack(conditions.compactMap(\.embedding)))
        let seconds = Date().timeIntervalSince(start)
        let out = try required("--out")
        try NPYFile.write(output, to: out, dtype: dtype)
        printError(String(format: "noisebook: %@ forward, batch %d, %dx%d: %.2f s -> %@ %@",
                          denoiser.displayName, batch, sample.shape[2], sample.shape[3], seconds, out, Tensor.format(output.shape)))
        return ExitCode.success
    }
}
