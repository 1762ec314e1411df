import TextDistance

/// Picks the candidate closest to a misspelt name, for "did you mean ...?" notes.
enum Suggestion {
    /// The closest candidate within a distance that scales with the name's length, or nil.
    /// Candidates differing only in case win over any other edit.
    static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
        let lowered = name.lowercased()
        let limit = max(1, (name.count + 2) / 3)
        var best: (name: String, score: Int)?
        for candidate in Set(candidates) where candidate != name && !candidate.isEmpty {
            // Scores are doubled so a case-only difference (score 1) beats one real edit (2).
            let other = candidate.lowercased()
            // A name that is a prefix of the candidate (or the reverse) counts as one edit: 'flip' -> 'flipped'.
            let isPrefix = min(lowered.count, other.count) >= 3 && (other.hasPrefix(lowered) || lowered.hasPrefix(other))
            let distance = isPrefix ? 1 : EditDistance.between(lowered, other)
            guard distance <= limit, distance < max(name.count, 1) || name.count <= 1 else { continue }
            let score = distance == 0 ? 1 : distance * 2
            if let current = best, current.score < score || (current.score == score && current.name <= candidate) {
                continue
            }
            best = (candidate, score)
        }
        return best?.name
    }

}
