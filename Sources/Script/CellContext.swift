/// What a cell runs among: the constants it may not assign and every name the notebook has
/// defined before it (earlier cells' variables, front-matter parameters), so a misspelt name
/// can be matched against the notebook's own names and not only the built-ins.
public struct CellContext: Sendable {
    /// Globals that are constants, each with where it was declared (e.g. "with 'let' in
    /// cell 1, line 5"), for the error that refuses an assignment.
    public var constants: [String: String]
    /// Names defined before the cell, whether or not the cell reads them.
    public var knownNames: Set<String>

    /// A context; by default no constants and no other names.
    public init(constants: [String: String] = [:], knownNames: Set<String> = []) {
        self.constants = constants
        self.knownNames = knownNames
    }
}
