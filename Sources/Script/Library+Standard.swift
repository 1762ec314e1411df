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
        for name in ["min", "max"] {
            let pickLess = name == "min"
            for arity in 2...4 {
                let names = (0..<arity).map { "value\($0)" }
                list.append(Builtin(name: name, parameters: names.map { .unlabeled($0) },
                                    summary: "The \(pickLess ? "smallest" : "largest") of its arguments.") { arguments in
                    try extreme(names.map { arguments[$0] }, names: names, pickLess: pickLess)
                })
            }
        }
        list.append(Builtin(name: "abs", parameters: [.unlabeled("x")], summary: "Absolute value.") { arguments in
            switch arguments["x"] {
            case .int(let value):
                guard value != Int.min else { throw BuiltinFailure("arithmetic overflow in abs(\(value))") }
                return .int(Swift.abs(value))
            case .double(let value): return .double(Swift.abs(value))
            default: throw arguments.mismatch("x", expected: "Int or Double")
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
        for (name, summary, function) in unary {
            list.append(Builtin(name: name, parameters: [.unlabeled("x")], summary: summary) { arguments in
                .double(function(try arguments.double("x")))
            })
        }
        list.append(Builtin(name: "pow", parameters: [.unlabeled("base"), .unlabeled("exponent")],
                            summary: "base raised to exponent, as a Double.") { arguments in
            .double(pow(try arguments.double("base"), try arguments.double("exponent")))
        })
        list.append(Builtin(name: "Array", parameters: [.unlabeled("elements")],
                            summary: "The elements of a range (Array(0..<n)) or an array, as an array.") { arguments in
            switch arguments["elements"] {
            case .array(let items): return .array(items)
            case .range(let lower, let upper):
                guard upper - lower <= maximumArrayCount else {
                    throw BuiltinFailure("Array(\(lower)..<\(upper)) would hold \(upper - lower) elements; at most \(maximumArrayCount)")
                }
                return .array((lower..<max(lower, upper)).map { .int($0) })
            default: throw arguments.mismatch("elements", expected: "a range or an array")
            }
        })
        list.append(Builtin(name: "Array", parameters: [.labeled("repeating"), .labeled("count")],
                            summary: "An array of count copies of a value.") { arguments in
            let count = try arguments.int("count")
            guard (0...maximumArrayCount).contains(count) else {
                throw BuiltinFailure("count must be in 0...\(maximumArrayCount), got \(count)")
            }
            return .array(Array(repeating: arguments["repeating"], count: count))
        })
        list.append(Builtin(name: "Double", parameters: [.unlabeled("value")], summary: "Converts to Double.") { arguments in
            try toDouble(arguments)
        })
        list.append(Builtin(name: "Int", parameters: [.unlabeled("value")],
                            summary: "Converts to Int, truncating toward zero.") { arguments in
            try toInt(arguments)
        })
        list.append(Builtin(name: "String", parameters: [.unlabeled("value")], summary: "The value as printed.") { arguments in
            .string(arguments["value"].displayString)
        })
        // Swift's C-style formatting is not available; say what is.
        list.append(Builtin(name: "String", parameters: [.labeled("format"), .unlabeled("value")],
                            summary: "Not supported in cells: use string interpolation, or the host's number formatting.") { _ in
            throw BuiltinFailure("String(format:) is not supported in cells; write \"\\(x)\" or, for decimals, format(x, digits: 2) instead",
                                 parameter: "format", kind: .runtime)
        })
        for (label, closed) in [("to", false), ("through", true)] {
            list.append(Builtin(name: "stride", parameters: [.labeled("from"), .labeled(label), .labeled("by")],
                                summary: "Numbers from start \(closed ? "through" : "up to") end by a step.") { arguments in
                try stride(arguments, endName: label, closed: closed)
            })
        }
        list.append(Builtin(name: "zip", parameters: [.unlabeled("first"), .unlabeled("second")],
                            summary: "Pairs [a, b] of elements at the same position, for `for (a, b) in zip(x, y)`.") { arguments in
            let first = try arguments.array("first"), second = try arguments.array("second")
            return .array(zip(first, second).map { .array([$0, $1]) })
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

    static func toDouble(_ arguments: Arguments) throws -> Value {
        switch arguments["value"] {
        case .int(let value): return .double(Double(value))
        case .double(let value): return .double(value)
        case .string(let text):
            guard let value = Double(text) else {
                throw BuiltinFailure("cannot convert \"\(text)\" to Double", parameter: "value")
            }
            return .double(value)
        default: throw arguments.mismatch("value", expected: "Int, Double or String")
        }
    }

    static func toInt(_ arguments: Arguments) throws -> Value {
        switch arguments["value"] {
        case .int(let value): return .int(value)
        case .double(let value):
            guard let exact = Int(exactly: value.rounded(.towardZero)) else {
                throw BuiltinFailure("cannot convert \(value) to Int: it is not finite or out of range", parameter: "value")
            }
            return .int(exact)
        case .string(let text):
            guard let value = Int(text) else {
                throw BuiltinFailure("cannot convert \"\(text)\" to Int", parameter: "value")
            }
            return .int(value)
        case .bool(let flag): return .int(flag ? 1 : 0)
        default: throw arguments.mismatch("value", expected: "Int, Double, String or Bool")
        }
    }

    /// `stride(from:to:by:)` and `stride(from:through:by:)`: Ints when all three are Int.
    static func stride(_ arguments: Arguments, endName: String, closed: Bool) throws -> Value {
        let limit = Interpreter.maximumMaterializedCount
        if case .int(let start) = arguments["from"], case .int(let end) = arguments[endName],
           case .int(let step) = arguments["by"] {
            guard step != 0 else { throw BuiltinFailure("stride step must not be zero", parameter: "by") }
            let count = (Double(end) - Double(start)) / Double(step)
            guard count < Double(limit) else { throw BuiltinFailure("stride has too many elements", parameter: "by") }
            let values = closed ? Array(Swift.stride(from: start, through: end, by: step))
                                : Array(Swift.stride(from: start, to: end, by: step))
            return .array(values.map { .int($0) })
        }
        let start = try arguments.double("from"), end = try arguments.double(endName), step = try arguments.double("by")
        guard step != 0, step.isFinite else { throw BuiltinFailure("stride step must be finite and not zero", parameter: "by") }
        guard start.isFinite, end.isFinite, (end - start) / step < Double(limit) else {
            throw BuiltinFailure("stride has too many elements", parameter: "by")
        }
        let values = closed ? Array(Swift.stride(from: start, through: end, by: step))
                            : Array(Swift.stride(from: start, to: end, by: step))
        return .array(values.map { .double($0) })
    }
}
