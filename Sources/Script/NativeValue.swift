/// An opaque value owned by the host (images, prompts, models). Operators and methods on it are
/// resolved by the host.
public protocol NativeValue: Sendable {
    /// Type name shown in messages and used to look up methods: "Image".
    var typeName: String { get }
    /// How `print` and interpolation show it.
    var displayString: String { get }
    /// `self op other` (or `other op self` when `selfOnLeft` is false); nil if unsupported, which
    /// the interpreter reports as "binary operator '*' cannot be applied to operands of type
    /// 'Image' and 'String'".
    func binary(_ op: BinaryOperator, _ other: Value, selfOnLeft: Bool) throws -> Value?
    /// Unary minus; nil if unsupported.
    func negated() throws -> Value?
    /// This value as returned by the cell function call `function` (its name and the
    /// argument values it was called with, `flipAnagram("a dog", "a skull", seed: 2)`), whose run called the
    /// built-ins `builtins` (in first-call order, nested calls included), so that it can say
    /// what made it; nil to keep it as it is.
    func returned(by function: String, calling builtins: [String]) -> (any NativeValue)?
}

extension NativeValue {
    /// By default a native value supports no operators.
    public func binary(_ op: BinaryOperator, _ other: Value, selfOnLeft: Bool) throws -> Value? { nil }
    /// By default a native value cannot be negated.
    public func negated() throws -> Value? { nil }
    /// By default a native value does not record the function that returned it.
    public func returned(by function: String, calling builtins: [String]) -> (any NativeValue)? { nil }
}
