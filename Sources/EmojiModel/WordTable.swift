import Diffusion
import Tensor

/// The text conditioning of the emoji-trained UNet: one learned vector per caption word.
///
/// A prompt is lowercased and split into the runs of `[a-z0-9]`; each word known to the table
/// becomes its row, unknown words are dropped (and named, so a page can say so), at most
/// `tokens` rows are kept, and the rest is padding (row 0). The empty prompt is all padding:
/// the unconditional input of classifier-free guidance. This is exactly what the training
/// script (`tools/train/train.py`) feeds the UNet.
public struct WordTable: Sendable {
    /// The vocabulary; `words[0]` is the padding entry.
    public let words: [String]
    /// One row per word, `[words.count, width]`.
    public let embeddings: Tensor
    /// Rows per prompt (77, as for T5).
    public let tokens: Int
    private let rows: [String: Int]

    /// A table of `words` and their `embeddings` (`[words.count, width]`).
    public init(words: [String], embeddings: Tensor, tokens: Int = 77) throws {
        guard embeddings.rank == 2, embeddings.shape[0] == words.count, !words.isEmpty else {
            throw DiffusionError.invalidInput(what: "word table",
                                              reason: "\(words.count) words but embeddings of shape \(Tensor.format(embeddings.shape))")
        }
        guard tokens > 0 else { throw DiffusionError.invalidInput(what: "word table", reason: "tokens must be positive, got \(tokens)") }
        self.words = words
        self.embeddings = embeddings
        self.tokens = tokens
        var rows = [String: Int]()
        for (index, word) in words.enumerated() where rows[word] == nil { rows[word] = index }
        self.rows = rows
    }

    /// The width of each word's vector.
    public var width: Int { embeddings.shape[1] }

    /// The lowercased words of `prompt`: its runs of ASCII letters and digits.
    public static func words(of prompt: String) -> [String] {
        var words = [String]()
        var current = ""
        for scalar in prompt.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// The rows `prompt` becomes (padded to `tokens`) and the words the table does not know.
    public func rows(for prompt: String) -> (rows: [Int], unknown: [String]) {
        var result = [Int]()
        var unknown = [String]()
        for word in Self.words(of: prompt) {
            if let row = rows[word] { result.append(row) } else { unknown.append(word) }
        }
        result = Array(result.prefix(tokens))
        return (result + Array(repeating: 0, count: tokens - result.count), unknown)
    }

    /// The `[tokens, width]` conditioning of `prompt`.
    public func embedding(for prompt: String) -> Tensor {
        let (rows, _) = self.rows(for: prompt)
        var values = [Float]()
        values.reserveCapacity(tokens * width)
        for row in rows { values.append(contentsOf: embeddings.scalars[(row * width)..<((row + 1) * width)]) }
        return Tensor(shape: [tokens, width], scalars: values)
    }
}
