import Tensor
import TextDistance

/// Precomputed text embeddings by prompt, e.g. the course's `prompt_embeds_dict.pth`
/// (prompt -> `[1, 77, 4096]` T5 states), so that DeepFloyd IF runs without a text encoder.
public struct PromptEmbeddings: Sendable {
    /// The file the embeddings came from (named in messages).
    public let file: String
    /// Prompt and embedding pairs in stored order, shapes as stored.
    public let entries: [(prompt: String, embedding: Tensor)]

    /// Embeddings held in memory; `file` names their origin in messages.
    public init(file: String, entries: [(prompt: String, embedding: Tensor)]) {
        self.file = file
        self.entries = entries
    }

    /// Reads a torch.save zip archive (recognised by `PK\x03\x04`) or a safetensors file
    /// of named embeddings (in name order).
    public static func load(_ path: String) throws -> PromptEmbeddings {
        let mapping = try MappedFile(path: path)
        let zipMagic: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
        if mapping.count >= 4, Array(mapping.bytes[0..<4]) == zipMagic {
            let pairs = try TorchCheckpoint.read(path)
            return PromptEmbeddings(file: path, entries: pairs.map { (prompt: $0.0, embedding: $0.1) })
        }
        if path.hasSuffix(".pth") || path.hasSuffix(".pt") {
            let legacy = mapping.count >= 2 && mapping.bytes[0] == 0x80
            throw WeightsError.malformed(file: path, reason: legacy
                ? "this is torch.save's legacy (pre-1.6) format, which is not read; re-save it with torch.save(obj, path) from a current PyTorch, or as safetensors"
                : "not a torch.save archive (no zip header) and not safetensors either")
        }
        let file = try SafetensorsFile(mapping: mapping)
        let entries = try file.names.map { (prompt: $0, embedding: try file.tensor(named: $0)) }
        return PromptEmbeddings(file: path, entries: entries)
    }

    /// Every stored prompt, in stored order.
    public var prompts: [String] { entries.map(\.prompt) }

    /// The embedding stored for exactly `prompt`, or nil when the file does not hold it.
    public func embedding(for prompt: String) -> Tensor? {
        entries.first { $0.prompt == prompt }?.embedding
    }

    /// The error for a prompt the file does not hold, naming the three closest stored
    /// prompts, since an embedding only fits the exact text it encodes.
    public func missing(_ prompt: String) -> WeightsError {
        .unknownPrompt(file: file, prompt: prompt, suggestions: closest(to: prompt, limit: 3))
    }

    /// The embedding stored for exactly `prompt`; otherwise `missing(prompt)`.
    public func lookup(_ prompt: String) throws -> Tensor {
        guard let embedding = embedding(for: prompt) else { throw missing(prompt) }
        return embedding
    }

    /// Up to `limit` stored prompts most like `prompt`: fewest character edits relative to
    /// length, with shared words counting in favour (so word order slips rank well).
    public func closest(to prompt: String, limit: Int) -> [String] {
        let words = Set(prompt.lowercased().split(separator: " "))
        func score(_ candidate: String) -> Double {
            let edits = Double(EditDistance.between(prompt.lowercased(), candidate.lowercased()))
            let longest = Double(Swift.max(prompt.count, candidate.count, 1))
            let theirs = Set(candidate.lowercased().split(separator: " "))
            let union = words.union(theirs).count
            let overlap = union == 0 ? 0 : Double(words.intersection(theirs).count) / Double(union)
            return edits / longest - 0.5 * overlap
        }
        let scored = entries.enumerated().map { (index: $0.offset, prompt: $0.element.prompt, score: score($0.element.prompt)) }
        return scored.sorted { ($0.score, $0.index) < ($1.score, $1.index) }.prefix(limit).map(\.prompt)
    }

}
