/// A problem as users see it: what is wrong, where (a file, and a line and column when
/// known), notes under it, and the exit status it ends a command with. Every module's
/// error converts to one (`DiagnosticConvertible`), and `rendered` is the one place that
/// writes `path:line:col: error: message`.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    /// How a command ends on the problem (sysexits.h).
    public enum Status: Int32, Sendable {
        /// The command line asked for something impossible (EX_USAGE).
        case usage = 64
        /// An input (a notebook, a weights file, a value in one) is unusable (EX_DATAERR).
        case dataError = 65
        /// noisebook itself failed (EX_SOFTWARE).
        case internalError = 70
    }

    /// What is wrong, one sentence without a trailing period and without "error:".
    public var message: String
    /// The file the problem is in, as the user wrote it; nil when it concerns no file.
    public var file: String?
    /// The 1-based line in `file`, when known.
    public var line: Int?
    /// The 1-based column in `line`, when known.
    public var column: Int?
    /// Lines shown under the message ("note: ..." each).
    public var notes: [String]
    /// The exit status.
    public var status: Status

    /// A diagnostic from its parts.
    public init(_ message: String, file: String? = nil, line: Int? = nil, column: Int? = nil, notes: [String] = [],
                status: Status = .dataError) {
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.notes = notes
        self.status = status
    }

    /// Where the problem is: `file`, `file:line` or `file:line:column`; nil without a file.
    public var location: String? {
        guard let file else { return nil }
        return file + (line.map { ":\($0)" + (column.map { ":\($0)" } ?? "") } ?? "")
    }

    /// The whole text: `location: error: message` (`program: error: message` when it concerns
    /// no file; `program: internal error: ...` for an internal one), then a line per note.
    public func rendered(program: String) -> String {
        let kind = status == .internalError && location == nil ? "internal error" : "error"
        return ([Self.line(location ?? program, kind, message)] + notes.map { "note: " + $0 }).joined(separator: "\n")
    }

    /// One located line, `place: kind: message` ("error", "note"): the format of every
    /// error and note noisebook prints, cell errors with their source quotes included.
    public static func line(_ place: String, _ kind: String, _ message: String) -> String {
        "\(place): \(kind): \(message)"
    }

    /// The message with its location in front (`file:line:col: message`, no "error:"): how
    /// the problem reads inside another diagnostic, such as a cell's that called a reader.
    public var description: String {
        location.map { "\($0): \(message)" } ?? message
    }

    /// `error` as a diagnostic: its own when it has one, else an internal error quoting it.
    public init(_ error: any Error) {
        if let convertible = error as? any DiagnosticConvertible {
            self = convertible.diagnostic
        } else {
            self.init("\(error)", status: .internalError)
        }
    }
}

/// An error that says how users see it.
public protocol DiagnosticConvertible: Error {
    /// The error as a diagnostic.
    var diagnostic: Diagnostic { get }
}

extension Diagnostic: DiagnosticConvertible {
    /// Itself.
    public var diagnostic: Diagnostic { self }
}
