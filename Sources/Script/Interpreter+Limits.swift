extension Interpreter {
    /// Largest string, in UTF-8 bytes, that concatenation, interpolation or `joined` may build.
    /// Doubling a string in a loop otherwise reaches gigabytes in about thirty steps, far
    /// sooner than cancellation is polled, and the process is killed for memory.
    public static let maximumStringBytes = 16 << 20

    /// Refuses a string of `bytes` UTF-8 bytes before it is built.
    func checkStringSize(_ bytes: Int, range: SourceRange?) throws {
        guard bytes <= Self.maximumStringBytes else {
            throw ScriptError(kind: .runtime,
                              message: "string of \(bytes) bytes exceeds the limit of \(Self.maximumStringBytes) bytes",
                              range: range)
        }
    }

    /// Refuses an array of `count` elements before it is built (the same bound as ranges).
    func checkArraySize(_ count: Int, range: SourceRange?) throws {
        guard count <= Self.maximumMaterializedCount else {
            throw ScriptError(kind: .runtime,
                              message: "array of \(count) elements exceeds the limit of \(Self.maximumMaterializedCount) elements",
                              range: range)
        }
    }
}
