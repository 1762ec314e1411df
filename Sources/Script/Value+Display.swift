extension Value {
    /// Longest text `displayString` builds for an array; a longer one is cut and ends in
    /// `...]`. Arrays share storage, so `a = [a, a]` repeated forty times is small in memory
    /// but would print as 2^40 elements.
    public static let maximumDisplayBytes = 1 << 20

    /// `[e0, e1, ...]` with elements as `debugString`, stopping once `maximumDisplayBytes`
    /// is passed.
    static func arrayDisplay(_ elements: [Value]) -> String {
        var out = ""
        _ = appendArray(elements, to: &out)
        return out
    }

    /// Appends the display of `elements` to `out`; false when the limit cut it short.
    private static func appendArray(_ elements: [Value], to out: inout String) -> Bool {
        out += "["
        for (index, element) in elements.enumerated() {
            if index > 0 { out += ", " }
            guard out.utf8.count <= maximumDisplayBytes else {
                out += "...]"
                return false
            }
            if case .array(let inner) = element {
                guard appendArray(inner, to: &out) else {
                    out += "]"
                    return false
                }
            } else {
                out += element.debugString
            }
        }
        out += "]"
        return true
    }
}
