/// A parsed cell with the names it reads, defines and calls.
public struct Program: Sendable {
    /// Top-level statements in order.
    public var statements: [Statement]
    /// Names read before (or without) being defined in this program: variables from earlier
    /// cells, front-matter parameters and global functions. Locals, loop variables, closure
    /// parameters and names defined earlier in the same program are excluded. Names only
    /// assigned (`x = 1` to a name not declared here) are included too, because the assignment
    /// needs the earlier definition to exist.
    public var freeNames: Set<String>
    /// Names this program defines or reassigns at top level (let/var declarations at top
    /// level, and assignments/compound assignments/mutating calls such as `append` to names not
    /// declared locally), in first-definition order.
    public var definedNames: [String]
    /// Names used in call position `f(...)` that are not locals (the global functions called).
    public var calledFunctions: Set<String>
    /// The top-level `let` declarations, with the range of each name: constants for the cells
    /// after this one.
    public var constants: [String: SourceRange]
    /// The functions the cell declares, with what their bodies read and call.
    public var functions: [String: FunctionInfo] = [:]

    /// Creates a program; `Parser.parse` fills the analysis fields.
    public init(statements: [Statement], freeNames: Set<String> = [], definedNames: [String] = [],
                calledFunctions: Set<String> = [], constants: [String: SourceRange] = [:]) {
        self.statements = statements
        self.freeNames = freeNames
        self.definedNames = definedNames
        self.calledFunctions = calledFunctions
        self.constants = constants
    }
}
