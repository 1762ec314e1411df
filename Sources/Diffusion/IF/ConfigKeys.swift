/// Typed access to the keys of a JSON config object, with errors that name the file and key.
/// A key that is absent or JSON `null` reads as nil, so that diffusers' defaults apply.
struct ConfigKeys {
    let dict: [String: JSONValue]
    let file: String

    init(_ dict: [String: JSONValue], file: String) {
        self.dict = dict
        self.file = file
    }

    /// An error for `key` with `reason`.
    func invalid(_ key: String, _ reason: String) -> DiffusionError {
        .invalidConfig(file: file, key: key, reason: reason)
    }

    private func value(_ key: String) -> JSONValue? {
        guard let v = dict[key] else { return nil }
        if case .null = v { return nil }
        return v
    }

    func string(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard case let .string(s) = v else { throw invalid(key, "expected a string, got \(v)") }
        return s
    }

    func bool(_ key: String) throws -> Bool? {
        guard let v = value(key) else { return nil }
        guard case let .bool(b) = v else { throw invalid(key, "expected true or false, got \(v)") }
        return b
    }

    func double(_ key: String) throws -> Double? {
        guard let v = value(key) else { return nil }
        guard case let .number(d) = v else { throw invalid(key, "expected a number, got \(v)") }
        return d
    }

    func int(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        guard let i = ConfigKeys.integer(v) else { throw invalid(key, "expected an integer, got \(v)") }
        return i
    }

    func doubles(_ key: String) throws -> [Double]? {
        guard let v = value(key) else { return nil }
        guard case let .array(array) = v else { throw invalid(key, "expected an array of numbers, got \(v)") }
        return try array.map { element in
            guard case let .number(d) = element else { throw invalid(key, "expected an array of numbers, got element \(element)") }
            return d
        }
    }

    /// An integer, or one integer per entry (diffusers accepts both for several keys);
    /// a single integer is repeated `count` times.
    func ints(_ key: String, count: Int) throws -> [Int]? {
        guard let v = value(key) else { return nil }
        if let single = ConfigKeys.integer(v) { return [Int](repeating: single, count: count) }
        guard case let .array(array) = v else { throw invalid(key, "expected an integer or an array of integers, got \(v)") }
        let values: [Int] = try array.map { element in
            guard let i = ConfigKeys.integer(element) else { throw invalid(key, "expected integers, got element \(element)") }
            return i
        }
        guard values.count == count else { throw invalid(key, "has \(values.count) entries, expected \(count) (one per block)") }
        return values
    }

    func strings(_ key: String) throws -> [String]? {
        guard let v = value(key) else { return nil }
        guard case let .array(array) = v else { throw invalid(key, "expected an array of strings, got \(v)") }
        return try array.map { element in
            guard case let .string(s) = element else { throw invalid(key, "expected strings, got element \(element)") }
            return s
        }
    }

    private static func integer(_ v: JSONValue) -> Int? {
        guard case let .number(d) = v, d == d.rounded(), abs(d) < 1e15 else { return nil }
        return Int(d)
    }
}
