/// Picks the known name nearest to a misspelt one, for every "did you mean" hint noisebook
/// gives (front matter keys and values, models, commands and options, cell names, views,
/// deliverables): one rule, so a typo is caught the same way everywhere.
public enum ClosestMatch {
    /// The candidate closest to `word`, or nil when none is a plausible typo of it.
    ///
    /// Distance is the edit distance ignoring case; a word that is a prefix of the candidate
    /// or the reverse (both at least 3 characters: 'flip' for 'flipped') counts as one edit.
    /// A candidate qualifies within `max(1, (length + 2) / 3)` edits of a word of that length
    /// (1 edit up to 4 characters, 2 up to 7, 3 up to 10...) and with fewer edits than the
    /// word has characters. A case-only difference beats any real edit; ties go to the
    /// alphabetically first candidate. The word itself is never suggested.
    public static func suggestion(for word: String, among candidates: some Sequence<String>) -> String? {
        let lowered = word.lowercased()
        let limit = max(1, (word.count + 2) / 3)
        var best: (name: String, score: Int)?
        for candidate in Set(candidates) where candidate != word && !candidate.isEmpty {
            let other = candidate.lowercased()
            let isPrefix = min(lowered.count, other.count) >= 3 && (other.hasPrefix(lowered) || lowered.hasPrefix(other))
            let distance = isPrefix ? 1 : EditDistance.between(lowered, other)
            guard distance <= limit, distance < max(word.count, 1) || word.count <= 1 else { continue }
            // Scores are doubled so that a case-only difference (score 1) beats one edit (2).
            let score = distance == 0 ? 1 : distance * 2
            if let current = best, current.score < score || (current.score == score && current.name <= candidate) {
                continue
            }
            best = (candidate, score)
        }
        return best?.name
    }

    /// "did you mean 'name'?" for the closest candidate (`suggestion`), nil when none is
    /// close: the one wording of the hint, as a note of its own.
    public static func question(for word: String, among candidates: some Sequence<String>) -> String? {
        suggestion(for: word, among: candidates).map { "did you mean '\($0)'?" }
    }

    /// "; did you mean 'name'?" to end a message with, or "" when no candidate is close.
    public static func hint(for word: String, among candidates: some Sequence<String>) -> String {
        question(for: word, among: candidates).map { "; " + $0 } ?? ""
    }
}
