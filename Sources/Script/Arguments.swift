/// The values a call passed, by parameter name, with defaults filled in. Built-ins read them
/// through their `Param`s (`try arguments[stride]`); the typed accessors by name below serve
/// those reads and throw `BuiltinFailure` naming the parameter and the type it got.
public struct Arguments: Sendable {
    /// Values by parameter name.
    public var values: [String: Value]
    /// The function being called, for messages.
    public var functionName: String
    /// Long-running builtins poll this and stop early (throwing) when it returns true.
    public var isCancelled: @Sendable () -> Bool

    /// Creates arguments directly (the interpreter does this; hosts may in their tests).
    public init(_ values: [String: Value], functionName: String = "",
                isCancelled: @escaping @Sendable () -> Bool = { false }) {
        self.values = values
        self.functionName = functionName
        self.isCancelled = isCancelled
    }

    /// The value passed for `name`, or `.void` when absent.
    subscript(_ name: String) -> Value { values[name] ?? .void }

    /// Whether `name` has a value (an optional parameter the call passed).
    func isPresent(_ name: String) -> Bool {
        guard let value = values[name] else { return false }
        if case .void = value { return false }
        return true
    }

    func mismatch(_ name: String, expected: String) -> BuiltinFailure {
        let got = isPresent(name) ? self[name].typeName : "nothing"
        return BuiltinFailure("cannot convert value of type '\(got)' to expected argument type '\(expected)'"
                              + (name == "self" ? "" : " for parameter '\(name)'"),
                              parameter: name, kind: .wrongType)
    }

    /// An Int argument.
    func int(_ name: String) throws -> Int {
        guard case .int(let value) = self[name] else { throw mismatch(name, expected: "Int") }
        return value
    }

    /// A Double argument; Int is accepted and converted.
    func double(_ name: String) throws -> Double {
        guard let value = self[name].numericValue else { throw mismatch(name, expected: "Double") }
        return value
    }

    /// A String argument.
    func string(_ name: String) throws -> String {
        guard case .string(let value) = self[name] else { throw mismatch(name, expected: "String") }
        return value
    }

    /// An array argument; a range is accepted as its elements.
    func array(_ name: String) throws -> [Value] {
        if case .range(let lower, let upper) = self[name], Value.count(lower: lower, upper: upper) > Interpreter.maximumMaterializedCount {
            throw BuiltinFailure("range \(lower)..<\(upper) is too large to turn into an array", parameter: name)
        }
        guard let elements = self[name].elements else { throw mismatch(name, expected: "Array") }
        return elements
    }

    /// A native argument of the host type `T`, reported as `typeName` when it is something else.
    func native<T: NativeValue>(_ name: String, as type: T.Type, typeName: String) throws -> T {
        guard case .native(let value) = self[name], let typed = value as? T else {
            throw mismatch(name, expected: typeName)
        }
        return typed
    }
}
