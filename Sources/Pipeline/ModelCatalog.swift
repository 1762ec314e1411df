import TextDistance

/// Every model a notebook or the command line can name, and what the name means: the one
/// table that `model:`, `--model`, model blocks in prose, `doctor`, the docs' model table and
/// the errors all read.
public enum ModelCatalog {
    /// How a name is turned into a model.
    public enum Family: Sendable, Equatable {
        /// DeepFloyd IF when its weights are found, else the trained model, else the
        /// closed-form one.
        case automatic
        /// A DeepFloyd IF stage I checkpoint whose name starts with the entry's name.
        case deepFloyd
        /// The IF-shaped UNet trained by `tools/train/train.py` (`Models/trained`).
        case trained
        /// The closed-form emoji model: local score, or the exact posterior mean.
        case closedForm(posteriorMean: Bool)

        /// Whether `precision: bf16` changes this model's arithmetic (only DeepFloyd IF's
        /// UNet has bf16 products).
        public var takesPrecision: Bool { self == .deepFloyd || self == .automatic }
    }

    /// One name `model:` accepts.
    public struct Entry: Sendable {
        /// The name as written in `model:` or `--model`.
        public var name: String
        /// What it resolves to.
        public var family: Family
        /// One line for the docs and `--help`.
        public var summary: String
    }

    /// The names, in the order the docs list them; the first is the default.
    public static let entries: [Entry] = [
        Entry(name: "auto", family: .automatic,
              summary: "DeepFloyd IF when its weights are found, else `trained`, else `builtin-local`"),
        Entry(name: "trained", family: .trained,
              summary: "the small IF-shaped UNet shipped in `Models/trained` (emoji and clip art)"),
        Entry(name: "builtin", family: .closedForm(posteriorMean: false), summary: "the same as `builtin-local`"),
        Entry(name: "builtin-local", family: .closedForm(posteriorMean: false),
              summary: "the closed-form emoji model, local score (no training; the tests' oracle)"),
        Entry(name: "builtin-mean", family: .closedForm(posteriorMean: true),
              summary: "the closed-form emoji model, exact posterior mean (recalls training images)"),
        Entry(name: "IF-I-M", family: .deepFloyd, summary: "DeepFloyd IF stage I, 0.4B parameters"),
        Entry(name: "IF-I-L", family: .deepFloyd, summary: "DeepFloyd IF stage I, 0.9B parameters (what the course loads)"),
        Entry(name: "IF-I-XL", family: .deepFloyd, summary: "DeepFloyd IF stage I, 4.3B parameters"),
    ]

    /// Every accepted name.
    public static let names = entries.map(\.name)

    /// The name used when neither the notebook nor the command line gives one.
    public static let defaultName = entries[0].name

    /// The names a model block in prose can match: every model a notebook can end up on
    /// (`auto` resolves to one of them, so a block never names it).
    public static let blockNames = entries.filter { $0.family != .automatic }.map(\.name)

    /// The entry called `name`; an unknown name is a usage error naming the closest one.
    public static func entry(named name: String) throws -> Entry {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw PipelineError(usage: true, problem(model: name) ?? "unknown model '\(name)'")
        }
        return entry
    }

    /// What is wrong with `name` as a model name, nil when it is one: the one message for
    /// `model:`, `--model` and the resolver.
    public static func problem(model name: String) -> String? {
        guard !names.contains(name) else { return nil }
        return "unknown model '\(name)'\(ClosestMatch.hint(for: name, among: names)) (known: \(names.joined(separator: ", ")))"
    }

    /// The Markdown table of the names for docs/models.md, which a test keeps equal to it.
    public static var markdownTable: String {
        (["| `model:` | what runs |", "|---|---|"] + entries.map { "| `\($0.name)` | \($0.summary) |" })
            .joined(separator: "\n")
    }
}
