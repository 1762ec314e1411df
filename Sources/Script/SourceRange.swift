/// A span of source text: where it starts and how many characters it covers on that line.
public struct SourceRange: Hashable, Sendable {
    /// First character of the span.
    public var start: SourceLocation
    /// Number of characters covered (at least 1 when rendered).
    public var length: Int

    /// Creates a range starting at `start` covering `length` characters.
    public init(start: SourceLocation, length: Int) {
        self.start = start
        self.length = length
    }

    /// The span from the start of `self` to the end of `other` when both start on one line;
    /// otherwise `self` unchanged, since a caret covers a single line.
    func extended(to other: SourceRange) -> SourceRange {
        guard other.start.line == start.line else { return self }
        let end = max(start.column + length, other.start.column + other.length)
        return SourceRange(start: start, length: end - start.column)
    }
}
