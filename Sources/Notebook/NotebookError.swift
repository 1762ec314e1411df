import Diagnostics

/// A problem found while reading a notebook, located at a 1-based line and column.
///
/// Columns count Unicode scalars from 1, except for invalid UTF-8, where no characters
/// exist yet and the column is the 1-based byte position within the line.
public struct NotebookError: Error, Sendable, Equatable {
    /// The notebook's path, as given to the parser.
    public var path: String
    /// The 1-based line of the problem.
    public var line: Int
    /// The 1-based column of the problem.
    public var column: Int
    /// What is wrong, in one sentence without a trailing period.
    public var message: String

    /// Creates an error.
    public init(path: String, line: Int, column: Int, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }
}

extension NotebookError: CustomStringConvertible, DiagnosticConvertible {
    /// The error in compiler style: `path:line:col: error: message`.
    public var description: String { diagnostic.rendered(program: path) }

    /// Located at its line and column; a notebook error ends a command with status 65.
    public var diagnostic: Diagnostic { Diagnostic(message, file: path, line: line, column: column) }
}
