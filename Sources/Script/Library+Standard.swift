#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Library {
    /// The most elements `Array(range)` and `Array(repeating:count:)` make.
    static let maximumArrayCount = 1 << 24

    /// Script's own global functions, present in every library.
    static let standardFunctions: [Builtin] = {
        var list: [Builtin] = []
        let converted = Param.any("value", label: .unlabeled)
        for name in ["min", "max"] {
            let pickLess = name == "min"
            for arity in 2...4 {
                let values = (0..<arity).map { Param.any("value\($0)", label: .unlabeled) }
                list.append(Builtin(name: name, values,
                                    summary: "The \(pickLess ? "smallest" : "largest") of its arguments.") { arguments in
                    try extreme(values.map { try arguments[$0] }, names: values.map(\.name), pickLess: pickLess)
                })
            }
        }
        let x = Param.any("x", label: .unlabeled)
        list.append(Builtin(name: "abs", [x], summary: "Absolute value.") { arguments in
            switch try arguments[x] {
            case .int(let value):
                guard value != Int.min else { throw BuiltinFailure("arithmetic overflow in abs(\(value))") }
                return .int(Swift.abs(value))
            case .double(let value): return .double(Swift.abs(value))
            default: throw arguments.mismatch(x.name, expected: "Int or Double")
            }
        })
        let unary: [(String, String, @Sendable (Double) -> Double)] = [
            ("sqrt", "Square root.", { $0.squareRoot() }),
            ("exp", "e raised to the argument.", { exp($0) }),
            ("log", "Natural logarithm.", { log($0) }),
            ("sin", "Sine (radians).", { sin($0) }),
            ("cos", "Cosine (radians).", { cos($0) }),
            ("floor", "Largest whole number not above the argument.", { $0.rounded(.down) }),
            ("ceil", "Smallest whole number not below the argument.", { $0.rounded(.up) }),
            ("round", "Nearest whole number, halves away from zero.", { $0.rounded() }),
        ]
        let number = Param.double("x", label: .unlabeled)
        for (name, summary, function) in unary {
            list.append(Builtin(name: name, [number], summary: summary) { arguments in
                .double(function(try arguments[number]))
            })
        }
        let base = Param.double("base", label: .unlabeled), exponent = Param.double("exponent", label: .unlabeled)
        list.append(Builtin(name: "pow", [base, exponent],
                            summary: "base raised to exponent, as a Double.") { arguments in
            .double(pow(try arguments[base], try arguments[exponent]))
        })
        let elements = Param.any("elements", label: .unlabeled)
        list.append(Builtin(name: "Array", [elements],
                            summary: "The elements of a range (Array(0..<n)) or an array, as an array.") { arguments in
            switch try arguments[elements] {
            case .array(let items): return .array(items)
            case .range(let lower, let upper):
                guard upper - lower <= maximumArrayCount else {
                    throw BuiltinFailure("Array(\(lower)..<\(upper)) would hold \(upper - lower) elements; at most \(maximumArrayCount)")
                }
                return .array((lower..<max(lower, upper)).map { .int($0) })
            default: throw arguments.mismatch(elements.name, expected: "a range or an array")
            }
        })
        let repeating = Param.any("repeating"), count = Param.int("count")
        list.append(Builtin(name: "Array", [repeating, count],
                            summary: "An array of count copies of a value.") { arguments in
            let n = try arguments[count]
            guard (0...maximumArrayCount).contains(n) else {
                throw BuiltinFailure("count must be in 0...\(maximumArrayCount), got \(n)", parameter: count.name)
            }
            return .array(Array(repeating: try arguments[repeating], count: n))
        })
        list.append(Builtin(name: "Double", [converted], summary: "Converts to Double.") { arguments in
            try toDouble(arguments, converted)
        })
        list.append(Builtin(name: "Int", [converted],
                            summary: "Converts to Int, truncating toward zero.") { arguments in
            try toInt(arguments, converted)
        })
        list.append(Builtin(name: "String", [converted], summary: "The value as printed.") { arguments in
            .string(try arguments[converted].displayString)
        })
        // Swift's C-style formatting is not available; say what is.
        let format = Param.any("format")
        list.append(Builtin(name: "String", [format, converted],
                            summary: "Not supported in cells: use string interpolation, or the host's number formatting.") { _ in
            throw BuiltinFailure("String(format:) is not supported in cells; write \"\\(x)\" or, for decimals, format(x, digits: 2) instead",
                                 parameter: format.name, kind: .runtime)
        })
        for (label, closed) in [("to", false), ("through", true)] {
            let (from, end, by) = (Param.any("from"), Param.any(label), Param.any("by"))
            list.append(Builtin(name: "stride", [from, end, by],
                                summary: "Numbers from start \(closed ? "through" : "up to") end by a step.") { arguments in
                try stride(arguments, from: from, end: end, by: by, closed: closed)
            })
        }
        let first = Param.array("first", label: .unlabeled), second = Param.array("second", label: .unlabeled)
        list.append(Builtin(name: "zip", [first, second],
                            summary: "Pairs [a, b] of elements at the same position, for `for (a, b) in zip(x, y)`.") { arguments in
            return .array(zip(try arguments[first], try arguments[second]).map { .array([$0, $1]) })
        })
        return list
    }()

    /// Smallest or largest of numbers (Double if any is Double) or of strings.
    static func extreme(_ values: [Value], names: [String], pickLess: Bool) throws -> Value {
        if values.allSatisfy({ if case .string = $0 { return true } else { return false } }) {
            let strings = values.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
            return .string((pickLess ? strings.min() : strings.max()) ?? "")
        }
        for (value, name) in zip(values, names) where value.numericValue == nil {
            throw BuiltinFailure("cannot compare value of type '\(value.typeName)'; expected Int or Double",
                                 parameter: name, kind: .wrongType)
        }
        if values.allSatisfy({ if case .int = $0 { return true } else { return false } }) {
            let ints = values.compactMap { if case .int(let i) = $0 { return i } else { return nil } }
            return .int((pickLess ? ints.min() : ints.max()) ?? 0)
        }
        let doubles = values.compactMap(\.numericValue)
        return .double((pickLess ? doubles.min() : doubles.max()) ?? 0)
    }

    static func toDouble(_ arguments: Arguments, _ parameter: Param<Value>) throws -> Value {
        switch try arguments[parameter] {
        case .int(let value): return .double(Double(value))
        case .double(let value): return .double(value)
        case .string(let text):
            guard let value = Double(text) else {
                throw BuiltinFailure("cannot convert \"\(text)\" to Double", parameter: parameter.name)
            }
            return .double(value)
        default: throw arguments.mismatch(parameter.name, expected: "Int, Double or String")
        }
    }

    static func toInt(_ arguments: Arguments, _ parameter: Param<Value>) throws -> Value {
        switch try arguments[parameter] {
        case .int(let value): return .int(value)
        case .double(let value):
            guard let exact = Int(exactly: value.rounded(.towardZero)) else {
                throw BuiltinFailure("cannot convert \(value) to Int: it is not finite or out of range", parameter: parameter.name)
            }
            return .int(exact)
        case .string(let text):
            guard let value = Int(text) else {
                throw BuiltinFailure("cannot convert \"\(text)\" to Int", parameter: parameter.name)
            }
            return .int(value)
        case .bool(let flag): return .int(flag ? 1 : 0)
        default: throw arguments.mismatch(parameter.name, expected: "Int, Double, String or Bool")
        }
    }

    /// `stride(from:to:by:)` and `stride(from:through:by:)`: Ints when all three are Int.
    static func stride(_ arguments: Arguments, from: Param<Value>, end: Param<Value>, by: Param<Value>, closed: Bool) throws -> Value {
        let limit = Interpreter.maximumMaterializedCount
        if case .int(let start) = try arguments[from], case .int(let stop) = try arguments[end],
           case .int(let step) = try arguments[by] {
            guard step != 0 else { throw BuiltinFailure("stride step must not be zero", parameter: by.name) }
            let count = (Double(stop) - Double(start)) / Double(step)
            guard count < Double(limit) else { throw BuiltinFailure("stride has too many elements", parameter: by.name) }
            let values = closed ? Array(Swift.stride(from: start, through: stop, by: step))
                                : Array(Swift.stride(from: start, to: stop, by: step))
            return .array(values.map { .int($0) })
        }
        let start = try arguments.double(from.name), stop = try arguments.double(end.name), step = try arguments.double(by.name)
        guard step != 0, step.isFinite else { throw BuiltinFailure("stride step must be finite and not zero", parameter: by.name) }
        guard start.isFinite, stop.isFinite, (stop - start) / step < Double(limit) else {
            throw BuiltinFailure("stride has too many elements", parameter: by.name)
        }
        let values = closed ? Array(Swift.stride(from: start, through: stop, by: step))
                            : Array(Swift.stride(from: start, to: stop, by: step))
        return .array(values.map { .double($0) })
    }
}
