/// A run of Markdown between cells, with leading and trailing blank lines removed.
public struct Prose: Sendable {
    /// The Markdown text; lines joined with `\n`, fences other than `swift` kept verbatim.
    public var markdown: String
    /// The 1-based file line of the first line of `markdown`.
    public var line: Int
    /// For prose inside a `::: {model="..."}` block, the model names it applies to (`*`
    /// matches any run of characters); nil for prose shown on every model.
    public var models: [String]?

    /// Creates a prose block.
    public init(markdown: String, line: Int, models: [String]? = nil) {
        self.markdown = markdown
        self.line = line
        self.models = models
    }

    /// Whether the prose is shown for a notebook running on the model `name` (a name of
    /// the model catalog, such as "IF-I-L" or "trained").
    public func applies(to name: String) -> Bool {
        guard let models else { return true }
        return models.contains { Self.matches(name, pattern: $0) }
    }

    /// `name` against a pattern where `*` stands for any run of characters.
    public static func matches(_ name: String, pattern: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return name == pattern }
        guard name.hasPrefix(parts[0]), name.dropFirst(parts[0].count).hasSuffix(parts[parts.count - 1]) else { return false }
        var rest = Substring(name.dropFirst(parts[0].count))
        rest = rest.dropLast(parts[parts.count - 1].count)
        for middle in parts.dropFirst().dropLast() where !middle.isEmpty {
            guard let found = rest.firstRange(of: middle) else { return false }
            rest = rest[found.upperBound...]
        }
        return name.count >= parts[0].count + parts[parts.count - 1].count
    }
}
