/// One `name: value` entry under `parameters:` in the front matter.
public struct Parameter: Sendable {
    /// The parameter's name, an identifier.
    public var name: String
    /// The parsed value.
    public var value: ParameterValue
    /// The 1-based file line the entry is on.
    public var line: Int

    /// Creates a parameter.
    public init(name: String, value: ParameterValue, line: Int) {
        self.name = name
        self.value = value
        self.line = line
    }
}
