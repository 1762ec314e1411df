/// Picks the known word nearest to a misspelt one, for "did you mean" hints.
public enum ClosestMatch {
    /// The candidate with the smallest edit distance to `word`, when that distance is small
    /// enough (at most 2, and less than the word's length) to be a plausible typo.
    public static func suggestion(for word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = EditDistance.between(lowered, candidate.lowercased())
            if distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        guard let best, best.distance <= 2, best.distance < max(lowered.count, 2) else { return nil }
        return best.candidate
    }
}
