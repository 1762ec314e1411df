import EmojiModel
import Foundation
import JSON
import Pipeline
import Runner
import Tensor
import Weights

/// `noisebook prompts`: the prompts in a prompt-embedding file (the course's
/// `prompt_embeds_dict.pth`, or safetensors) and export of one as .npy; or, given no file or
/// a model folder, the words the default model understands, with how often its training
/// captions use each.
struct PromptsCommand {
    let arguments: [String]

    func run() throws -> Int32 {
        let parsed = try OptionParser(arguments, valued: ["--export", "--out"], flags: [])
        guard parsed.positional.count <= 1 else {
            throw UsageError(description: "noisebook prompts takes one file or folder, got \(parsed.positional.count)")
        }
        let path = try parsed.positional.first ?? defaultFolder()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw UsageError(description: "\(path): no such file or folder")
        }
        if isFolder.boolValue {
            guard parsed.value("--export") == nil else { throw UsageError(description: "--export needs an embedding file, not a model folder") }
            for (word, count) in try Self.words(inModel: path) { print("\(count)\t\(word)") }
            return ExitCode.success
        }
        guard !path.hasSuffix(".json") else {
            throw UsageError(description: "\(path) is JSON; noisebook prompts reads a prompt-embedding file (.pth or .safetensors) or a model folder (Models/emoji, Models/trained)")
        }
        let embeddings = try PromptEmbeddings.load(path)
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

    /// The default model's folder, as `auto` would find it from here.
    private func defaultFolder() throws -> String {
        let root = ProjectRoot.find(from: FileManager.default.currentDirectoryPath)
        guard let folder = ModelResolver.defaultModelFolder(projectRoot: root) else {
            throw UsageError(description: "no default model found (Models/trained or Models/emoji); give an embedding file")
        }
        return folder
    }

    /// The words a model folder's text conditioning knows, most used first: a trained
    /// model's vocabulary (`text/vocabulary.json`, with the training captions' counts), or
    /// the emoji model's caption words (`captions.json`).
    static func words(inModel folder: String) throws -> [(String, Int)] {
        let vocabulary = folder + "/text/vocabulary.json", captions = folder + "/captions.json"
        if let data = FileManager.default.contents(atPath: vocabulary) {
            let keys = try ConfigKeys(json: [UInt8](data), file: vocabulary)
            let words = try keys.strings("words") ?? []
            let counts = try keys.ints("counts", count: words.count) ?? []
            let pairs = Array(zip(words, counts.isEmpty ? Array(repeating: 0, count: words.count) : counts).dropFirst())  // row 0 is "<pad>"
            return pairs.sorted { ($0.1, $1.0) > ($1.1, $0.0) }
        }
        if let data = FileManager.default.contents(atPath: captions) {
            let set = try EmojiSet.captions(json: data, file: captions)
            var counts = [String: Int]()
            for caption in set { for word in Set(WordTable.words(of: caption)) { counts[word, default: 0] += 1 } }
            return counts.map { ($0.key, $0.value) }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }
        }
        throw UsageError(description: "\(folder) is not a model folder: it holds neither text/vocabulary.json (a trained model) nor captions.json (the emoji model)")
    }
}
