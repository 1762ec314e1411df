import Diffusion
import Foundation
import Pipeline
import Tensor
import Weights

/// `noisebook unet`: one batched UNet forward from .npy inputs, the tool that checks an
/// install against diffusers.
struct UnetCommand {
    let arguments: [String]


    func run() throws -> Int32 {
        let parsed = try OptionParser(arguments, valued: ["--weights", "--sample", "--timesteps", "--embeddings", "--out", "--dtype", "--class-labels"], flags: [])
        guard parsed.positional.isEmpty else { throw UsageError(description: "unexpected argument '\(parsed.positional[0])'") }
        func required(_ name: String) throws -> String {
            guard let value = parsed.value(name) else { throw UsageError(description: "noisebook unet needs \(name)") }
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
        guard sample.rank == 4 else { throw UsageError(description: "--sample must be [B, C, H, W], got \(Tensor.format(sample.shape))") }
        let batch = sample.shape[0]
        let timesteps = try Self.integers(try required("--timesteps"), option: "--timesteps", batch: batch)
        let classLabels = try parsed.value("--class-labels").map { try Self.integers($0, option: "--class-labels", batch: batch) }
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
        guard denoiser.unet.config.inChannels == sample.shape[1] else {
            throw UsageError(description: "--sample has \(sample.shape[1]) channels; \(denoiser.displayName) takes \(denoiser.unet.config.inChannels)")
        }
        guard denoiser.unet.config.classEmbedsTimestep == (classLabels != nil) else {
            throw UsageError(description: classLabels == nil ? "\(denoiser.displayName) is a stage II model: give --class-labels (the noise level, e.g. 250)"
                                                            : "--class-labels is for stage II models; \(denoiser.displayName) takes none")
        }
        let start = Date()
        let output = try denoiser.unet.forward(sample, timesteps: timesteps, encoderHiddenStates: try Tensor.stack(conditions.compactMap(\.embedding)),
                                               classLabels: classLabels)
        let seconds = Date().timeIntervalSince(start)
        let out = try required("--out")
        try NPYFile.write(output, to: out, dtype: dtype)
        printError(String(format: "noisebook: %@ forward, batch %d, %dx%d: %.2f s -> %@ %@",
                          denoiser.displayName, batch, sample.shape[2], sample.shape[3], seconds, out, Tensor.format(output.shape)))
        return ExitCode.success
    }

    /// "990,250" as integers: one value (repeated for the batch) or `batch` of them.
    private static func integers(_ text: String, option: String, batch: Int) throws -> [Int] {
        var values = [Int]()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw UsageError(description: "\(option): '\(part)' is not an integer")
            }
            values.append(value)
        }
        if values.count == 1 { values = Array(repeating: values[0], count: batch) }
        guard values.count == batch else {
            throw UsageError(description: "\(option) gives \(values.count) values for a batch of \(batch)")
        }
        return values
    }
}
