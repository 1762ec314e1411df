/// The functions, methods and properties a cell can call. A new library already holds Script's
/// own globals (`min`, `max`, `abs`, `sqrt`, `exp`, `log`, `Double`, `Int`, `String`,
/// `stride`, ...); hosts add theirs. Methods on native values are registered by type name, and
/// receive the receiver as the parameter named "self".
public struct Library: Sendable {
    /// Property getter on a native value.
    public typealias Getter = @Sendable (any NativeValue) throws -> Value

    var functions: [String: [Builtin]] = [:]
    var methods: [String: [String: [Builtin]]] = [:]
    var properties: [String: [String: Getter]] = [:]

    /// A library holding Script's own global functions.
    public init() {
        for builtin in Self.standardFunctions { add(builtin) }
    }

    /// Adds a global function; a second one with the same name is an overload, tried after the
    /// earlier ones (calls pick the first whose labels match and whose types it accepts).
    public mutating func add(_ builtin: Builtin) {
        functions[builtin.name, default: []].append(builtin)
    }

    /// Replaces every overload of the global function `name` with `transform` of it (a host
    /// wrapping its expensive built-ins in a cache, say).
    public mutating func transformFunction(named name: String, _ transform: (Builtin) -> Builtin) {
        functions[name] = functions[name]?.map(transform)
    }

    /// Adds a method on values whose `typeName` is `typeName`; the body reads the receiver as
    /// the argument "self".
    public mutating func addMethod(_ builtin: Builtin, on typeName: String) {
        methods[typeName, default: [:]][builtin.name, default: []].append(builtin)
    }

    /// Adds a read-only property on native values whose `typeName` is `typeName`.
    public mutating func addProperty(_ name: String, on typeName: String, _ get: @escaping Getter) {
        properties[typeName, default: [:]][name] = get
    }

    /// Every global function name, sorted.
    public var functionNames: [String] { functions.keys.sorted() }

    /// The host state (`Builtin.reads`) that calling any of `names` reads; names that are not
    /// global functions (a cell's own variables) read nothing.
    public func hostState(readByCalling names: Set<String>) -> Set<String> {
        names.reduce(into: Set<String>()) { state, name in
            for builtin in functions[name] ?? [] { state.formUnion(builtin.reads) }
        }
    }

    /// The overloads of a global function, in the order added.
    public func overloads(of name: String) -> [Builtin] { functions[name] ?? [] }

    /// The type names that have methods or properties, sorted.
    public var memberTypeNames: [String] { Array(Set(methods.keys).union(properties.keys)).sorted() }

    /// The method and property names registered for a type, sorted.
    public func memberNames(on typeName: String) -> [String] {
        Array(Set((methods[typeName] ?? [:]).keys).union((properties[typeName] ?? [:]).keys)).sorted()
    }

    /// The overloads of a method on a type.
    public func methodOverloads(_ name: String, on typeName: String) -> [Builtin] {
        methods[typeName]?[name] ?? []
    }

    /// A property getter on a type.
    public func property(_ name: String, on typeName: String) -> Getter? {
        properties[typeName]?[name]
    }
}
