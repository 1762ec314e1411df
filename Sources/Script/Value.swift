/// A runtime value of the cell language.
public indirect enum Value: Sendable {
    /// A 64-bit signed integer; arithmetic on it is overflow-checked.
    case int(Int)
    /// A double-precision number.
    case double(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// Text.
    case string(String)
    /// An ordered list; elements may be of any type.
    case array([Value])
    /// Integers `lower..<upper`; `a...b` is normalised to `a..<b+1`.
    case range(lower: Int, upper: Int)
    /// A value owned by the host (an image, a model, a prompt).
    case native(any NativeValue)
    /// The result of a call that returns nothing.
    case void
    /// A function declared in a cell, with the values it captured where it was declared.
    case function(FunctionValue)

    /// Swift-style type name: "Int", "Double", "String", "Bool", "[Image]", "Range<Int>".
    /// Empty and mixed arrays are "[Any]".
    public var typeName: String {
        switch self {
        case .int: return "Int"
        case .double: return "Double"
        case .bool: return "Bool"
        case .string: return "String"
        case .range: return "Range<Int>"
        case .native(let value): return value.typeName
        case .void: return "Void"
        case .function(let function): return function.typeName
        case .array(let elements):
            guard let first = elements.first?.typeName else { return "[Any]" }
            for element in elements.dropFirst() where element.typeName != first { return "[Any]" }
            return "[\(first)]"
        }
    }

    /// How `print` and string interpolation show the value: numbers as Swift prints them
    /// (`3`, `3.0`, `1e-05`), arrays with quoted strings (`["a", "b"]`), ranges as `0..<5`.
    public var displayString: String {
        switch self {
        case .int(let value): return String(value)
        case .double(let value): return value.description
        case .bool(let value): return value ? "true" : "false"
        case .string(let value): return value
        case .range(let lower, let upper): return "\(lower)..<\(upper)"
        case .native(let value): return value.displayString
        case .void: return "()"
        case .function(let function): return "func \(function.declaration.name)"
        case .array(let elements): return Value.arrayDisplay(elements)
        }
    }

    /// Like `displayString`, but strings quoted and escaped, as inside printed arrays.
    public var debugString: String {
        guard case .string(let text) = self else { return displayString }
        var escaped = "\""
        for character in text {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            case "\r": escaped += "\\r"
            default: escaped.append(character)
            }
        }
        return escaped + "\""
    }

    /// The number as a Double, for Int and Double values.
    public var numericValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    /// Number of Ints in `lower..<upper`, saturating instead of overflowing for extreme bounds.
    static func count(lower: Int, upper: Int) -> Int {
        let (difference, overflow) = upper.subtractingReportingOverflow(lower)
        return overflow ? Int.max : max(0, difference)
    }

    /// The elements of an array, or of a range materialised; nil for other values.
    public var elements: [Value]? {
        switch self {
        case .array(let elements): return elements
        case .range(let lower, let upper): return (lower..<max(lower, upper)).map { .int($0) }
        default: return nil
        }
    }
}
