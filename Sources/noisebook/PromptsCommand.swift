import Foundation
import Tensor
import Weights

/// `noisebook prompts FILE`: the prompts in a prompt-embedding file (the course's
/// `prompt_embeds_dict.pth`, or safetensors), and export of one as .npy.
struct PromptsCommand {
    let arguments: [String]

    static let usage = "usage: noisebook prompts FILE [--export PROMPT --out e.npy]"

    func run() throws -> Int32 {
        let parsed = try OptionParser(arguments, valued: ["--export", "--out"], flags: [])
        guard parsed.positional.count == 1, let file = parsed.positional.first else {
            throw UsageError(description: "noisebook prompts needs one file\n\n\(Self.usage)")
        }
        let embeddings = try PromptEmbeddings.load(file)
        if let prompt = parsed.value("--export") {
            guard let out = parsed.value("--out") else { throw UsageError(description: "--export needs --out e.npy") }
            let tensor = try embeddings.lookup(prompt)
            try NPYFile.write(tensor, to: out, dtype: .f32)
            printError("noisebook: wrote \"\(prompt)\" \(Tensor.format(tensor.shape)) to \(out)")
            return ExitCode.success
        }
        for entry in embeddings.entries {
            print("\(Tensor.format(entry.embedding.shape))  \"\(entry.prompt)\"")
        }
        return ExitCode.success
    }
}
