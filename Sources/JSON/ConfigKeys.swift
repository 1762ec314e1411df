/// Typed access to the keys of a JSON configuration object, with errors that name the file
/// and key. A key that is absent or JSON `null` reads as nil, so that the reference
/// implementation's defaults apply.
public struct ConfigKeys: Sendable {
    /// The object's members by key.
    public let members: [String: JSONValue]
    /// The file the object came from, for errors.
    public let file: String

    /// The keys of the top-level object of `bytes`; throws `ConfigError` naming `file` when
    /// the bytes are not a JSON object.
    public init(json bytes: [UInt8], file: String) throws {
        let value: JSONValue
        do {
            value = try bytes.withUnsafeBytes { try JSONValue.parse($0) }
        } catch let failure as JSONParser.Failure {
            throw ConfigError(file: file, reason: "not valid JSON (\(failure))")
        }
        guard case let .object(pairs) = value else {
            throw ConfigError(file: file, reason: "expected a JSON object at the top level")
        }
        self.init(Dictionary(pairs, uniquingKeysWith: { first, _ in first }), file: file)
    }

    /// The keys of an already parsed object.
    public init(_ members: [String: JSONValue], file: String) {
        self.members = members
        self.file = file
    }

    /// Every key present, sorted.
    public var keys: [String] { members.keys.sorted() }

    /// An error for `key` with `reason`.
    public func invalid(_ key: String, _ reason: String) -> ConfigError {
        ConfigError(file: file, key: key, reason: reason)
    }

    /// The raw value of `key`; nil when absent or null.
    public func value(_ key: String) -> JSONValue? {
        guard let v = members[key] else { return nil }
        if case .null = v { return nil }
        return v
    }

    /// A string value.
    public func string(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard case let .string(s) = v else { throw invalid(key, "expected a string, got \(v.serialized)") }
        return s
    }

    /// A boolean value.
    public func bool(_ key: String) throws -> Bool? {
        guard let v = value(key) else { return nil }
        guard case let .bool(b) = v else { throw invalid(key, "expected true or false, got \(v.serialized)") }
        return b
    }

    /// A number value (an integer reads as a number too).
    public func double(_ key: String) throws -> Double? {
        guard let v = value(key) else { return nil }
        guard let d = v.doubleValue else { throw invalid(key, "expected a number, got \(v.serialized)") }
        return d
    }

    /// An integer value; a number with a zero fraction (`2.0`) counts as one.
    public func int(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        guard let i = ConfigKeys.integer(v) else { throw invalid(key, "expected an integer, got \(v.serialized)") }
        return i
    }

    /// An array of numbers.
    public func doubles(_ key: String) throws -> [Double]? {
        guard let v = value(key) else { return nil }
        guard case let .array(array) = v else { throw invalid(key, "expected an array of numbers, got \(v.serialized)") }
        return try array.map { element in
            guard let d = element.doubleValue else { throw invalid(key, "expected an array of numbers, got element \(element.serialized)") }
            return d
        }
    }

    /// An integer, or one integer per entry (diffusers accepts both for several keys);
    /// a single integer is repeated `count` times.
    public func ints(_ key: String, count: Int) throws -> [Int]? {
        guard let v = value(key) else { return nil }
        if let single = ConfigKeys.integer(v) { return [Int](repeating: single, count: count) }
        guard case let .array(array) = v else { throw invalid(key, "expected an integer or an array of integers, got \(v.serialized)") }
        let values: [Int] = try array.map { element in
            guard let i = ConfigKeys.integer(element) else { throw invalid(key, "expected integers, got element \(element.serialized)") }
            return i
        }
        guard values.count == count else { throw invalid(key, "has \(values.count) entries, expected \(count) (one per block)") }
        return values
    }

    /// An array of strings.
    public func strings(_ key: String) throws -> [String]? {
        guard let v = value(key) else { return nil }
        guard case let .array(array) = v else { throw invalid(key, "expected an array of strings, got \(v.serialized)") }
        return try array.map { element in
            guard case let .string(s) = element else { throw invalid(key, "expected strings, got element \(element.serialized)") }
            return s
        }
    }

    private static func integer(_ v: JSONValue) -> Int? {
        switch v {
        case let .integer(i): return i
        case let .number(d) where d == d.rounded() && abs(d) < 1e15: return Int(d)
        default: return nil
        }
    }
}
