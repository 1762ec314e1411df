import Foundation

/// A parsed JSON value, keeping booleans and numbers apart (which `JSONSerialization`
/// does not do portably).
enum JSONValue: Decodable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? container.decode(Double.self) {
            self = .number(d)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The top-level object of `data`, or an error naming `file`.
    static func object(from data: Data, file: String) throws -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw DiffusionError.unreadableConfig(file: file, reason: "not valid JSON")
        }
        guard case let .object(dict) = value else {
            throw DiffusionError.unreadableConfig(file: file, reason: "expected a JSON object at the top level")
        }
        return dict
    }

    var description: String {
        switch self {
        case .null: return "null"
        case let .bool(b): return String(b)
        case let .number(d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case let .string(s): return "\"\(s)\""
        case let .array(a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .object: return "{...}"
        }
    }
}
