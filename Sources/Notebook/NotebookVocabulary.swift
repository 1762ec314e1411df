/// The values a notebook's settings may name, given by the layer that knows the models: the
/// notebook format itself knows none. The parser checks `model:`, `precision:` and model
/// blocks against it, so a typo is reported at its line and column with the message the
/// model catalog words.
public struct NotebookVocabulary: Sendable {
    /// What is wrong with a `model:` value, nil when it names a model.
    public var modelProblem: @Sendable (String) -> String?
    /// What is wrong with a `precision:` value, nil when it names a precision.
    public var precisionProblem: @Sendable (String) -> String?
    /// The names a model block (`::: {model="..."}`) can match.
    public var blockModels: [String]

    /// A vocabulary from its parts.
    public init(modelProblem: @escaping @Sendable (String) -> String?,
                precisionProblem: @escaping @Sendable (String) -> String?, blockModels: [String]) {
        self.modelProblem = modelProblem
        self.precisionProblem = precisionProblem
        self.blockModels = blockModels
    }
}
