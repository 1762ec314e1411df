/// A front-matter value: a scalar or a flow list `[a, b]` of values.
public enum ParameterValue: Sendable, Equatable {
    /// An integer such as `33` or `-2`.
    case int(Int)
    /// A number with a fraction or exponent such as `7.5` or `1e-3`.
    case double(Double)
    /// A quoted string, or bare text that is not a number or boolean.
    case string(String)
    /// `true` or `false`.
    case bool(Bool)
    /// A flow list such as `[250, 500, 750]`.
    case list([ParameterValue])
}

extension ParameterValue: CustomStringConvertible {
    /// The value written back in front-matter syntax (strings quoted).
    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .bool(let value): return value ? "true" : "false"
        case .list(let values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .string(let value):
            var quoted = "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": quoted += "\\\""
                case "\\": quoted += "\\\\"
                case "\n": quoted += "\\n"
                case "\t": quoted += "\\t"
                default: quoted.unicodeScalars.append(scalar)
                }
            }
            return quoted + "\""
        }
    }
}
