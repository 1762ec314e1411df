extension Value {
    /// Structural equality for values the language can compare: numbers (Int and Double
    /// compare by value), strings, bools, arrays elementwise and ranges. Nil when either side
    /// holds something incomparable (a native value, void).
    func isEqual(to other: Value) -> Bool? {
        switch (self, other) {
        case let (.int(a), .int(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.range(a1, a2), .range(b1, b2)): return (a1 == b1 && a2 == b2) || (a1 >= a2 && b1 >= b2)
        case (.array, .array), (.array, .range), (.range, .array):
            guard let a = elements, let b = other.elements else { return nil }
            guard a.count == b.count else { return false }
            for (x, y) in zip(a, b) {
                guard let equal = x.isEqual(to: y) else { return nil }
                if !equal { return false }
            }
            return true
        default:
            if let a = numericValue, let b = other.numericValue { return a == b }
            switch (self, other) {
            case (.native, _), (_, .native), (.void, _), (_, .void), (.function, _), (_, .function): return nil
            default: return false
            }
        }
    }
}

extension Value: Equatable {
    /// Structural equality; native values are never equal (the host owns their identity).
    public static func == (lhs: Value, rhs: Value) -> Bool {
        lhs.isEqual(to: rhs) ?? false
    }
}
