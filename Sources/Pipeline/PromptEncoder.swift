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
        let texts = prompts.map(Self.preprocess)
        return try lock.withLock {
            var missing = [String]()
            for text in texts where memory[text] == nil && !missing.contains(text) {
                if let stored = readStored(text) { memory[text] = stored } else { missing.append(text) }
            }
            if !missing.isEmpty {
                let encoder = try load()
                try encoder.encode(missing.map(encoder.tokenize), batchSize: batchSize) { row, embedding in   // [77, d_model]
                    memory[missing[row]] = embedding
                    try store(missing[row], embedding)
                }
            }
            return try zip(prompts, texts).map { prompt, text in
                guard let embedding = memory[text] else {
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

    /// Runs tokenized rows `batchSize` at a time and hands each row's `[L, d_model]` states
    /// to `body` (with its index) as soon as its batch is done.
    public func encode(_ tokens: [(ids: [Int], mask: [Int])], batchSize: Int,
                       _ body: (_ row: Int, _ states: Tensor) throws -> Void) throws {
        let size = max(1, batchSize)
        for start in stride(from: 0, to: tokens.count, by: size) {
            let batch = tokens[start..<min(start + size, tokens.count)]
            let states = try run(batch.map(\.ids), batch.map(\.mask))                  // [b, L, d_model]
            for b in 0..<states.shape[0] { try body(start + b, states.slice(b)) }
        }
    }
}
