/// The edit distance between two strings: the fewest single-character insertions,
/// deletions, substitutions and swaps of two neighbouring characters that turn one into the
/// other (the optimal string alignment distance), since a swapped pair ("rnu" for "run") is
/// as common a typo as a wrong key. `ClosestMatch` ranks every "did you mean" hint by it.
public enum EditDistance {
    /// The distance between `a` and `b`, over Characters, with three rolling rows of memory.
    public static func between(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var beforePrevious = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let substitution = previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[y.count]
    }
}
