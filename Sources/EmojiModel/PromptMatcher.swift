import Diffusion
/// Turns a prompt into prior weights over the built-in set's images by matching its words
/// against the images' captions and keywords.
///
/// The rule, in full:
/// 1. The prompt is split into lower-case words (`PromptMatcher.words(in:)`); words in
///    `ignoredWords` (articles, prepositions, and words about the medium such as "photo",
///    "oil", "painting", "lithograph", "high", "quality") are dropped. What is left are the
///    content words. No content words (e.g. "" or "a high quality photo"): unconditional.
/// 2. Each content word is compared with every caption word and keyword word through its
///    singular forms (`PromptMatcher.forms(of:)`: "waterfalls" meets "waterfall", "men"
///    meets "man"). A word found in an image's caption scores 2 for that image, one found
///    among its single-word keywords 1 (keyword phrases mostly repeat the caption); both
///    add up. Keywords thus break ties between captions: "dog" is in the captions of "dog
///    face" and "hot dog", but only the first also has it as a keyword (3 against 2).
/// 3. The images with the highest total score form the matched subset; the prior is
///    uniform over it and zero elsewhere ("an old man": "old man" scores 4 or more and
///    beats "old woman" and "man farmer", which score at most 3).
/// 4. When no content word matches anything the prior is uniform over all images, and the
///    match says so (`matchedCount == 0`, `unmatchedWords`) so the page can tell the reader.
public struct PromptMatcher: Sendable {
    /// The number of images the weights are over (N).
    public let count: Int
    /// Word form -> indices of images whose caption holds it (sorted).
    private let captionIndex: [String: [Int]]
    /// Word form -> indices of images whose keywords hold it (sorted).
    private let keywordIndex: [String: [Int]]

    /// A matcher over `items` (one per image, in the images' order).
    public init(items: [EmojiSet.Item]) {
        var captions = [String: Set<Int>](), keywords = [String: Set<Int>]()
        for (index, item) in items.enumerated() {
            for word in PromptMatcher.words(in: item.caption) {
                for form in PromptMatcher.forms(of: word) { captions[form, default: []].insert(index) }
            }
            // Phrases among the keywords mostly repeat the caption ("hot dog" for "hot dog")
            // and would count it twice; single-word keywords carry the tie-breaking evidence.
            let keywordWords = item.keywords.filter { !$0.contains(" ") }.flatMap { PromptMatcher.words(in: $0) }
            for word in keywordWords {
                for form in PromptMatcher.forms(of: word) { keywords[form, default: []].insert(index) }
            }
        }
        self.count = items.count
        self.captionIndex = captions.mapValues { $0.sorted() }
        self.keywordIndex = keywords.mapValues { $0.sorted() }
    }

    /// A matcher over the images of `set`.
    public init(set: EmojiSet) {
        self.init(items: set.items)
    }

    /// The prior over the images for `prompt`.
    public func match(_ prompt: String) -> PromptMatch {
        let content = PromptMatcher.contentWords(in: prompt)
        guard !content.isEmpty else {
            return PromptMatch(prompt: prompt, count: count, indices: Array(0..<count),
                               contentWords: [], matchedWords: [], unmatchedWords: [], matchedCount: 0)
        }
        var scores = [Int: Int]()
        var matched = [String](), unmatched = [String]()
        for word in content {
            let forms = PromptMatcher.forms(of: word)
            var inCaption = Set<Int>(), inKeywords = Set<Int>()
            for form in forms {
                inCaption.formUnion(captionIndex[form] ?? [])
                inKeywords.formUnion(keywordIndex[form] ?? [])
            }
            if inCaption.isEmpty && inKeywords.isEmpty {
                unmatched.append(word)
                continue
            }
            matched.append(word)
            for i in inCaption { scores[i, default: 0] += 2 }
            for i in inKeywords { scores[i, default: 0] += 1 }
        }
        guard let best = scores.values.max() else {
            return PromptMatch(prompt: prompt, count: count, indices: Array(0..<count),
                               contentWords: content, matchedWords: [], unmatchedWords: unmatched, matchedCount: 0)
        }
        let indices = scores.filter { $0.value == best }.keys.sorted()
        return PromptMatch(prompt: prompt, count: count, indices: indices, contentWords: content,
                           matchedWords: matched, unmatchedWords: unmatched, matchedCount: indices.count)
    }

    /// The words of `prompt` that take part in matching: lower-case words minus
    /// `ignoredWords`, each once, in order.
    public static func contentWords(in prompt: String) -> [String] {
        var seen = Set<String>(), out = [String]()
        for word in words(in: prompt) where !ignoredWords.contains(word) && seen.insert(word).inserted {
            out.append(word)
        }
        return out
    }
}
