/// A built-in's parameter, named once: the declaration calls are matched against and the
/// typed read its body does (`try arguments[stride]`). A parameter cannot be declared under
/// one key and read under another, and a message about it takes its name from here.
public struct Param<T>: Sendable, ParameterDeclaring {
    /// How calls label it.
    public typealias Label = ParameterLabel

    /// What the interpreter matches calls against.
    public let declaration: Builtin.Parameter
    private let read: @Sendable (Arguments, String) throws -> T

    /// The key the value is read under and messages name it by.
    public var name: String { declaration.name }

    /// A parameter whose value `read` takes out of the arguments (given the name, for its
    /// messages); `defaultValue` nil makes it required, `.void` optional.
    public init(_ name: String, label: Label = .same, default defaultValue: Value? = nil,
                read: @escaping @Sendable (Arguments, String) throws -> T) {
        let callLabel: String?
        switch label {
        case .same: callLabel = name
        case .unlabeled: callLabel = nil
        case .word(let word): callLabel = word
        }
        declaration = Builtin.Parameter(label: callLabel, name: name, defaultValue: defaultValue)
        self.read = read
    }

    private init(declaration: Builtin.Parameter, read: @escaping @Sendable (Arguments, String) throws -> T) {
        self.declaration = declaration
        self.read = read
    }

    /// The same parameter, which calls may leave out: nil then.
    public var optional: Param<T?> {
        let read = self.read
        var declaration = self.declaration
        declaration.defaultValue = .void
        return Param<T?>(declaration: declaration) { arguments, name in
            arguments.isPresent(name) ? try read(arguments, name) : nil
        }
    }

    /// The same parameter, its value passed through `transform` (given the name, for its
    /// messages): a check or a conversion that belongs to the parameter.
    public func map<U>(_ transform: @escaping @Sendable (T, String) throws -> U) -> Param<U> {
        let read = self.read
        return Param<U>(declaration: declaration) { arguments, name in try transform(try read(arguments, name), name) }
    }

    /// The value read, for `Arguments`' subscript.
    func value(in arguments: Arguments) throws -> T { try read(arguments, name) }
}

/// How calls label a parameter.
public enum ParameterLabel: Sendable, ExpressibleByStringLiteral {
    /// The label is the parameter's name (`steps: 50`).
    case same
    /// No label (`_`): `show(image)`.
    case unlabeled
    /// A label other than the name: `resized(to: 64)` read as `size`.
    case word(String)

    /// A label other than the name.
    public init(stringLiteral value: String) { self = .word(value) }
}

/// Anything that declares one parameter of a built-in: a `Param` of any type.
public protocol ParameterDeclaring: Sendable {
    /// The declaration the interpreter matches calls against.
    var declaration: Builtin.Parameter { get }
}

extension Param where T == Int {
    /// An Int parameter.
    public static func int(_ name: String, label: Label = .same, default value: Int? = nil) -> Param<Int> {
        Param(name, label: label, default: value.map(Value.int)) { try $0.int($1) }
    }
}

extension Param where T == Double {
    /// A Double parameter; an Int argument is converted.
    public static func double(_ name: String, label: Label = .same, default value: Double? = nil) -> Param<Double> {
        Param(name, label: label, default: value.map(Value.double)) { try $0.double($1) }
    }
}

extension Param where T == String {
    /// A String parameter.
    public static func string(_ name: String, label: Label = .same, default value: String? = nil) -> Param<String> {
        Param(name, label: label, default: value.map(Value.string)) { try $0.string($1) }
    }
}

extension Param where T == [Value] {
    /// An array parameter; a range is accepted as its elements.
    public static func array(_ name: String, label: Label = .same, default value: [Value]? = nil) -> Param<[Value]> {
        Param(name, label: label, default: value.map(Value.array)) { try $0.array($1) }
    }
}

extension Param {
    /// A parameter of the host type `T`, reported as `typeName` when it gets something else.
    public static func native(_ name: String, label: Label = .same, as type: T.Type, typeName: String) -> Param<T> where T: NativeValue {
        Param(name, label: label) { try $0.native($1, as: type, typeName: typeName) }
    }
}

extension Param where T == Value {
    /// A parameter of any type, read as the value passed (`.void` when an optional one is left out).
    public static func any(_ name: String, label: Label = .same, default value: Value? = nil) -> Param<Value> {
        Param(name, label: label, default: value) { arguments, name in arguments[name] }
    }
}

extension Arguments {
    /// Whether the call passed `parameter` (an optional one may be left out).
    public func isPresent(_ parameter: some ParameterDeclaring) -> Bool { isPresent(parameter.declaration.name) }

    /// The value of `parameter`, typed; a value of another type throws naming it.
    public subscript<T>(_ parameter: Param<T>) -> T {
        get throws { try parameter.value(in: self) }
    }
}

extension Builtin {
    /// A builtin whose parameters are `Param`s, in call order.
    public init(name: String, _ parameters: [any ParameterDeclaring], summary: String, reads: Set<String> = [],
                body: @escaping @Sendable (Arguments) throws -> Value) {
        self.init(name: name, parameters: parameters.map(\.declaration), summary: summary, reads: reads, body: body)
    }
}
