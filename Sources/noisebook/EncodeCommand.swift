import Foundation
import Pipeline
import Tensor
import Weights

/// `noisebook encode`: prompts through a snapshot's T5 text encoder into an .npy file, the
/// tool that checks the encoder against transformers and feeds `noisebook unet`.
struct EncodeCommand {
    let arguments: [String]


    func run() throws -> Int32 {
        let parsed = try OptionParser(arguments, valued: ["--weights", "--out", "--ids-out"], flags: ["--raw"])
        guard let weights = parsed.value("--weights") else { throw UsageError(description: "noisebook encode needs --weights DIR") }
        guard let out = parsed.value("--out") else { throw UsageError(description: "noisebook encode needs --out FILE") }
        guard !parsed.positional.isEmpty else { throw UsageError(description: "noisebook encode needs at least one prompt (\"\" is the empty prompt)") }
        let found = try Self.textEncoder(weights)
        let texts = parsed.flag("--raw") ? parsed.positional : parsed.positional.map(PromptEncoder.preprocess)
        let start = Date()
        let encoder = try ModelLoader.loadTextEncoder(found)
        let loaded = Date()
        let tokens = texts.map(encoder.tokenize)
        var rows = [Tensor]()
        try encoder.encode(tokens, batchSize: 4) { _, states in rows.append(states) }   // [77, d_model] each
        let output = try Tensor.stack(rows)                                           // [N, 77, d_model]
        if let idsOut = parsed.value("--ids-out") {
            try NPYFile.write(integers: tokens.flatMap(\.ids), shape: [tokens.count, tokens.first?.ids.count ?? 0], to: idsOut)
        }
        try NPYFile.write(output, to: out)
        printError(String(format: "noisebook: T5 encoder of %@: loaded in %.2f s, %d prompt(s) encoded in %.2f s -> %@ %@",
                          found.name, loaded.timeIntervalSince(start), texts.count, Date().timeIntervalSince(loaded), out, Tensor.format(output.shape)))
        return ExitCode.success
    }

    /// The text encoder in the snapshot `folder`.
    static func textEncoder(_ folder: String) throws -> FoundTextEncoder {
        let snapshot = folder.count > 1 && folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        guard let found = WeightsLocator().textEncoder(inSnapshot: snapshot, name: WeightsLocator.modelName(snapshot: snapshot)) else {
            throw UsageError(description: "\(folder) holds no text encoder: it needs text_encoder/config.json, a checkpoint in text_encoder/ (\(ShardedCheckpoint.defaultFileNames.joined(separator: ", "))) and tokenizer/spiece.model")
        }
        return found
    }
}
