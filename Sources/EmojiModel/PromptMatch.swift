import Diffusion
/// The outcome of matching one prompt against the built-in set: the prior over its images
/// and what the page should say about it.
public struct PromptMatch: Sendable, Equatable {
    /// The prompt as given.
    public let prompt: String
    /// The number of images in the set (N).
    public let count: Int
    /// The images the prior is uniform over (sorted); all of them when unconditional.
    public let indices: [Int]
    /// The prompt's words after dropping `PromptMatcher.ignoredWords`.
    public let contentWords: [String]
    /// Content words found in some caption or keyword.
    public let matchedWords: [String]
    /// Content words found nowhere.
    public let unmatchedWords: [String]
    /// The size of the matched subset; 0 when the prompt is unconditional (no content
    /// words, or none of them matched).
    public let matchedCount: Int

    /// A match from its parts.
    public init(prompt: String, count: Int, indices: [Int], contentWords: [String],
                matchedWords: [String], unmatchedWords: [String], matchedCount: Int) {
        self.prompt = prompt
        self.count = count
        self.indices = indices
        self.contentWords = contentWords
        self.matchedWords = matchedWords
        self.unmatchedWords = unmatchedWords
        self.matchedCount = matchedCount
    }

    /// Whether the prior is uniform over the whole set.
    public var isUnconditional: Bool { matchedCount == 0 }

    /// The prior weight of every image (`count` values summing to 1).
    public var weights: [Float] {
        var weights = [Float](repeating: 0, count: count)
        let share = 1 / Float(Swift.max(indices.count, 1))
        for i in indices { weights[i] = share }
        return weights
    }

    /// A sentence for the page: what the prompt matched, or why it is unconditional.
    public var summary: String {
        let quoted = { (words: [String]) in words.map { "\"\($0)\"" }.joined(separator: ", ") }
        if contentWords.isEmpty {
            return "\"\(prompt)\" has no content words: unconditional over all \(count) images"
        }
        if matchedCount == 0 {
            return "no image matches \(quoted(unmatchedWords)): unconditional over all \(count) images"
        }
        let noun = matchedCount == 1 ? "image matches" : "images match"
        let missing = unmatchedWords.isEmpty ? "" : "; no image matches \(quoted(unmatchedWords))"
        return "\(matchedCount) \(noun) \(quoted(matchedWords))\(missing)"
    }
}
