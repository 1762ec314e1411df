/// A parsed JSON document, as much of JSON as checkpoint headers and configs use.
///
/// Objects keep their members in file order (safetensors headers are written sorted, and
/// keeping the order makes round trips byte-identical).
public indirect enum JSONValue: Equatable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number written without fraction or exponent that fits in an `Int`.
    case integer(Int)
    /// Any other number.
    case number(Double)
    /// A string, escapes resolved.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object's members in file order; keys are unique (the parser rejects duplicates).
    case object([(String, JSONValue)])

    /// Structural equality; object members compare in order.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.integer(x), .integer(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The member `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// The value as an `Int` when it is an integer.
    public var intValue: Int? {
        if case let .integer(v) = self { return v }
        return nil
    }

    /// The value as a `Double` when it is any number.
    public var doubleValue: Double? {
        switch self {
        case let .integer(v): return Double(v)
        case let .number(v): return v
        default: return nil
        }
    }

    /// The value as a `String` when it is a string.
    public var stringValue: String? {
        if case let .string(v) = self { return v }
        return nil
    }

    /// Compact JSON text (no spaces), strings escaped as JSON requires.
    public var serialized: String {
        switch self {
        case .null: return "null"
        case let .bool(v): return v ? "true" : "false"
        case let .integer(v): return String(v)
        case let .number(v): return v.isFinite ? "\(v)" : "null"
        case let .string(v): return JSONValue.quoted(v)
        case let .array(items): return "[" + items.map(\.serialized).joined(separator: ",") + "]"
        case let .object(members):
            return "{" + members.map { JSONValue.quoted($0.0) + ":" + $0.1.serialized }.joined(separator: ",") + "}"
        }
    }

    /// `text` as a JSON string literal; with `escapingMarkup`, `<` is written `\u003c` so the
    /// literal can sit inside an HTML `<script>` or an event stream read by one.
    public static func quoted(_ text: String, escapingMarkup: Bool = false) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<" where escapingMarkup: out += "\\u003c"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Parses `bytes` as one JSON document; throws `JSONParser.Failure` with a byte offset.
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 64) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        return try parser.document()
    }
}
