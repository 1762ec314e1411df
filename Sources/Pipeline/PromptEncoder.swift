import Foundation
import Digest
import Tensor
import Weights

/// Turns prompts into DeepFloyd IF's text embeddings with a snapshot's T5 encoder, each
/// prompt encoded once: results are kept on disk, keyed by the encoder's identity and the
/// text, and the encoder is loaded only while it encodes, so that its gigabytes are
/// released before the UNet runs.
public final class PromptEncoder: @unchecked Sendable {
    /// The encoder's files.
    public let found: FoundTextEncoder
    /// What changes whenever the encoder or its tokenizer could compute differently.
    public let identity: String
    /// Where encoded prompts are kept (nil: nowhere, every process encodes again).
    public let cacheFolder: String?
    /// How many prompts one forward pass encodes (T5-XXL runs at full GEMM speed from 4).
    public let batchSize: Int
    private let load: @Sendable () throws -> LoadedTextEncoder
    private let lock = NSLock()
    private var memory: [String: Tensor] = [:]

    /// An encoder over `found`; `load` builds the tokenizer and model when prompts need them.
    public init(found: FoundTextEncoder, identity: String, cacheFolder: String?, batchSize: Int = 4,
                load: @escaping @Sendable () throws -> LoadedTextEncoder) {
        self.found = found
        self.identity = identity
        self.cacheFolder = cacheFolder
        self.batchSize = max(1, batchSize)
        self.load = load
    }

    /// The text the encoder sees: IF's `encode_prompt` lower-cases and trims a prompt (its
    /// optional caption clean-up, off in `encode_prompt`, is not applied).
    public static func preprocess(_ prompt: String) -> String {
        prompt.lowercased().trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The embedding of each prompt, `[tokens, d_model]` (77 rows for IF), in order. Prompts
    /// found neither in memory nor on disk are encoded together, the encoder loaded once.
    public func embeddings(for prompts: [String]) throws -> [Tensor] {
        try lock.withLock {
            var missing = [String]()
            for prompt in prompts where memory[Self.preprocess(prompt)] == nil {
                let text = Self.preprocess(prompt)
                if let stored = readStored(text) { memory[text] = stored } else if !missing.contains(text) { missing.append(text) }
            }
            if !missing.isEmpty {
                let encoder = try load()
                for start in stride(from: 0, to: missing.count, by: batchSize) {
                    let batch = Array(missing[start..<min(start + batchSize, missing.count)])
                    let states = try encoder.encode(batch)                // [B, 77, d_model]
                    for (b, text) in batch.enumerated() {
                        let embedding = states.slice(b)                 // [77, d_model]
                        memory[text] = embedding
                        try store(text, embedding)
                    }
                }
            }
            return try prompts.map { prompt in
                guard let embedding = memory[Self.preprocess(prompt)] else {
                    throw PipelineError("the text encoder gave no embedding for \"\(prompt)\"")
                }
                return embedding
            }
        }
    }

    /// The on-disk file for `text`.
    func storedPath(_ text: String) -> String? {
        cacheFolder.map { $0 + "/" + SHA256.hex(identity + "\u{0}" + text) + ".safetensors" }
    }

    /// A stored embedding, when one exists for this encoder and exactly this text; a damaged
    /// or foreign file is ignored (and replaced when the prompt is encoded again).
    private func readStored(_ text: String) -> Tensor? {
        guard let path = storedPath(text), FileManager.default.fileExists(atPath: path),
              let file = try? SafetensorsFile(path: path),
              file.metadata["prompt"] == text, file.metadata["encoder"] == identity,
              let embedding = try? file.tensor(named: "embedding"), embedding.rank == 2 else { return nil }
        return embedding
    }

    private func store(_ text: String, _ embedding: Tensor) throws {
        guard let path = storedPath(text), let folder = cacheFolder else { return }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try SafetensorsWriter.write(["embedding": embedding], metadata: ["prompt": text, "encoder": identity], to: path)
    }
}

/// A text encoder in memory: the tokenizer and T5.
public struct LoadedTextEncoder: Sendable {
    /// A text's token ids and attention mask, each 77 long for IF (no preprocessing applied).
    public var tokenize: @Sendable (String) -> (ids: [Int], mask: [Int])
    /// `[B, L, d_model]` last hidden states for rows of token ids and their masks.
    public var run: @Sendable (_ ids: [[Int]], _ mask: [[Int]]) throws -> Tensor

    /// An encoder from its two halves.
    public init(tokenize: @escaping @Sendable (String) -> (ids: [Int], mask: [Int]),
                run: @escaping @Sendable (_ ids: [[Int]], _ mask: [[Int]]) throws -> Tensor) {
        self.tokenize = tokenize
        self.run = run
    }

    /// `[B, L, d_model]` for texts (already preprocessed, as `PromptEncoder.preprocess` does).
    public func encode(_ texts: [String]) throws -> Tensor {
        let tokens = texts.map(tokenize)
        return try run(tokens.map(\.ids), tokens.map(\.mask))
    }
}
