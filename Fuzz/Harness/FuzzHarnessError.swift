import Foundation

/// A failure of the harness itself (not of the code under test), such as a scratch file
/// that cannot be written.
public struct FuzzHarnessError: Error, Sendable, CustomStringConvertible {
    /// The file involved.
    public var path: String
    /// What was being done: "create", "write".
    public var operation: String
    /// The system error number.
    public var code: Int32

    /// The error as one line: `cannot write /tmp/x: No space left on device`.
    public var description: String {
        "cannot \(operation) \(path): \(String(cString: strerror(code)))"
    }
}
