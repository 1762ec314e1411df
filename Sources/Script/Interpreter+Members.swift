import TextDistance

extension Interpreter {
    /// Script's own methods on arrays and ranges, with their parameters.
    static let sequenceMethods: [String: [Builtin.Parameter]] = [
        "reversed": [], "enumerated": [], "min": [], "max": [],
        "sorted": [.optional("by")],
        "map": [.unlabeled("transform")],
        "filter": [.unlabeled("isIncluded")],
        "reduce": [.unlabeled("initialResult"), .unlabeled("nextPartialResult")],
        "contains": [.unlabeled("element", default: .void), .optional("where")],
        "joined": [.labeled("separator", default: .string(""))],
        "append": [.unlabeled("newElement", default: .void), .optional("contentsOf")],
        "removeLast": [], "removeAll": [],
    ]

    /// Script's own methods on strings.
    static let stringMethods: [String: [Builtin.Parameter]] = [
        "uppercased": [], "lowercased": [],
        "contains": [.unlabeled("other")], "hasPrefix": [.unlabeled("prefix")], "hasSuffix": [.unlabeled("suffix")],
    ]

    static let sequenceProperties = ["count", "isEmpty", "first", "last", "indices"]
    static let rangeProperties = sequenceProperties + ["lowerBound", "upperBound"]
    static let stringProperties = ["count", "isEmpty"]

    func noMember(_ typeName: String, _ name: String, range: SourceRange, candidates: [String]) -> ScriptError {
        let notes = PythonHabits.note(name, at: .member).map { [$0] }
            ?? ClosestMatch.question(for: name, among: candidates).map { [$0] } ?? []
        return ScriptError(kind: .unknownName, message: "value of type '\(typeName)' has no member '\(name)'",
                           range: range, notes: notes)
    }

    /// Member names of a value, for suggestions.
    func memberNames(of value: Value) -> [String] {
        switch value {
        case .array: return Array(Self.sequenceMethods.keys) + Self.sequenceProperties
        case .range: return Array(Self.sequenceMethods.keys) + Self.rangeProperties
        case .string: return Array(Self.stringMethods.keys) + Self.stringProperties
        case .native(let native): return library.memberNames(on: native.typeName)
        default: return []
        }
    }

    /// `Double.pi`, `Int.max` and friends.
    static func typeConstant(_ typeName: String, _ name: String) -> Value? {
        switch (typeName, name) {
        case ("Double", "pi"): return .double(Double.pi)
        case ("Double", "infinity"): return .double(Double.infinity)
        case ("Int", "max"): return .int(Int.max)
        case ("Int", "min"): return .int(Int.min)
        default: return nil
        }
    }

    /// `x.name` without a call: properties.
    func member(of baseExpression: Expression, name: String, nameRange: SourceRange) throws -> Value {
        if case .identifier(let typeName) = baseExpression.kind, lookup(typeName) == nil,
           let constant = Self.typeConstant(typeName, name) {
            return constant
        }
        let base = try evaluate(baseExpression)
        switch base {
        case .array, .range:
            if let value = try sequenceProperty(base, name, range: nameRange) { return value }
        case .string(let text):
            if name == "count" { return .int(text.count) }
            if name == "isEmpty" { return .bool(text.isEmpty) }
        case .native(let native):
            if let getter = library.property(name, on: native.typeName) {
                return try hostCall(range: nameRange) { try getter(native) }
            }
        default:
            break
        }
        if memberNames(of: base).contains(name) {
            throw ScriptError(kind: .wrongType, message: "method '\(name)' must be called: add '()'", range: nameRange)
        }
        throw noMember(base.typeName, name, range: nameRange, candidates: memberNames(of: base))
    }

    func sequenceProperty(_ base: Value, _ name: String, range: SourceRange) throws -> Value? {
        if case .range(let lower, let upper) = base {
            let count = Value.count(lower: lower, upper: upper)
            switch name {
            case "count": return .int(count)
            case "isEmpty": return .bool(count == 0)
            case "lowerBound": return .int(lower)
            case "upperBound": return .int(upper)
            case "indices": return .range(lower: 0, upper: count)
            case "first", "last":
                guard count > 0 else { throw emptyFailure(name, range: range) }
                return .int(name == "first" ? lower : upper - 1)
            default: return nil
            }
        }
        guard case .array(let elements) = base else { return nil }
        switch name {
        case "count": return .int(elements.count)
        case "isEmpty": return .bool(elements.isEmpty)
        case "indices": return .range(lower: 0, upper: elements.count)
        case "first", "last":
            guard let value = name == "first" ? elements.first : elements.last else { throw emptyFailure(name, range: range) }
            return value
        default: return nil
        }
    }

    func emptyFailure(_ name: String, range: SourceRange) -> ScriptError {
        ScriptError(kind: .runtime, message: "'\(name)' of an empty collection", range: range)
    }

    /// `x.name(...)`: Script's own methods on arrays, ranges and strings; host methods on natives.
    func callMethod(on baseExpression: Expression, name: String, nameRange: SourceRange,
                    arguments: [Argument], range: SourceRange) throws -> Value {
        if Analyzer.mutatingMethods.contains(name), ParserState.isAssignable(baseExpression),
           case .array = try evaluate(baseExpression) {
            return try mutateArray(baseExpression, name, arguments: arguments, range: range)
        }
        let base = try evaluate(baseExpression)
        switch base {
        case .array, .range:
            if Analyzer.mutatingMethods.contains(name), case .array = base {
                throw ScriptError(kind: .immutable, message: "cannot use mutating member on immutable value",
                                  range: baseExpression.range, notes: ["store the array in a 'var' first"])
            }
            if let parameters = Self.sequenceMethods[name], !Analyzer.mutatingMethods.contains(name) {
                let bound = try bindOwn(name, parameters, arguments: arguments, range: range)
                return try sequenceMethod(base, name, bound, range: range)
            }
        case .string(let text):
            if let parameters = Self.stringMethods[name] {
                let bound = try bindOwn(name, parameters, arguments: arguments, range: range)
                return try stringMethod(text, name, bound, range: range)
            }
        case .native(let native):
            let overloads = library.methodOverloads(name, on: native.typeName)
            if !overloads.isEmpty {
                let values = try arguments.map(evaluateArgument)
                return try callOverloads(overloads, name: name, arguments: arguments, values: values,
                                         receiver: (base, baseExpression.range), range: range)
            }
            if library.property(name, on: native.typeName) != nil {
                throw ScriptError(kind: .wrongType, message: "'\(name)' is a property of '\(native.typeName)', not a method",
                                  range: nameRange, notes: ["remove the '()'"])
            }
        default:
            break
        }
        throw noMember(base.typeName, name, range: nameRange, candidates: memberNames(of: base))
    }

    func string(_ expression: Expression?, range: SourceRange) throws -> String {
        guard let expression else { return "" }
        let value = try evaluate(expression)
        guard case .string(let text) = value else {
            throw ScriptError(kind: .wrongType,
                              message: "cannot convert value of type '\(value.typeName)' to expected argument type 'String'",
                              range: expression.range)
        }
        return text
    }

    func stringMethod(_ text: String, _ name: String, _ bound: [String: Expression], range: SourceRange) throws -> Value {
        switch name {
        case "uppercased": return .string(text.uppercased())
        case "lowercased": return .string(text.lowercased())
        case "contains": return .bool(text.contains(try string(bound["other"], range: range)))
        case "hasPrefix": return .bool(text.hasPrefix(try string(bound["prefix"], range: range)))
        default: return .bool(text.hasSuffix(try string(bound["suffix"], range: range)))
        }
    }

    func boolResult(_ value: Value, of method: String, range: SourceRange) throws -> Bool {
        guard case .bool(let flag) = value else {
            throw ScriptError(kind: .wrongType, message: "the closure passed to '\(method)' must return Bool, not '\(value.typeName)'",
                              range: range)
        }
        return flag
    }

    func sequenceMethod(_ base: Value, _ name: String, _ bound: [String: Expression], range: SourceRange) throws -> Value {
        let elements = try materialize(base, range: range) ?? []
        switch name {
        case "reversed":
            return .array(elements.reversed())
        case "enumerated":
            return .array(elements.enumerated().map { .array([.int($0.offset), $0.element]) })
        case "map":
            guard let transform = bound["transform"] else { return .array(elements) }
            return Self.promotingNumbers(try elements.map { try invoke(transform, with: [$0], range: range) })
        case "filter":
            guard let predicate = bound["isIncluded"] else { return .array(elements) }
            return .array(try elements.filter {
                try boolResult(try invoke(predicate, with: [$0], range: range), of: "filter", range: predicate.range)
            })
        case "reduce":
            guard let initial = bound["initialResult"], let combine = bound["nextPartialResult"] else { return .void }
            var result = try evaluate(initial)
            for element in elements { result = try invoke(combine, with: [result, element], range: range) }
            return result
        case "sorted":
            if let order = bound["by"] {
                return .array(try elements.sorted {
                    try boolResult(try invoke(order, with: [$0, $1], range: range), of: "sorted", range: order.range)
                })
            }
            return .array(try elements.sorted { try compare(.less, $0, $1, range: range) })
        case "contains":
            if let predicate = bound["where"] {
                for element in elements where try boolResult(try invoke(predicate, with: [element], range: range),
                                                              of: "contains", range: predicate.range) {
                    return .bool(true)
                }
                return .bool(false)
            }
            guard let target = bound["element"] else {
                throw ScriptError(kind: .missingArgument, message: "missing argument for parameter #1 in call", range: range)
            }
            let value = try evaluate(target)
            for element in elements where Self.family(element) == Self.family(value) {
                guard let equal = element.isEqual(to: value) else {
                    throw ScriptError(kind: .wrongType, message: "values of type '\(value.typeName)' cannot be compared",
                                      range: target.range)
                }
                if equal { return .bool(true) }
            }
            return .bool(false)
        case "joined":
            let separator = try string(bound["separator"], range: range)
            var pieces: [String] = []
            for element in elements {
                guard case .string(let text) = element else {
                    throw ScriptError(kind: .wrongType,
                                      message: "joined(separator:) needs an array of String, not '\(base.typeName)'",
                                      range: range, notes: ["convert first: xs.map { String($0) }.joined()"])
                }
                pieces.append(text)
            }
            try checkStringSize(pieces.reduce(0) { $0 + $1.utf8.count } + max(pieces.count - 1, 0) * separator.utf8.count,
                                range: range)
            return .string(pieces.joined(separator: separator))
        case "min", "max":
            guard var best = elements.first else { throw emptyFailure("\(name)()", range: range) }
            for element in elements.dropFirst() {
                let better = try compare(name == "min" ? .less : .greater, element, best, range: range)
                if better { best = element }
            }
            return best
        default:
            throw noMember(base.typeName, name, range: range, candidates: memberNames(of: base))
        }
    }

    /// `append`, `removeLast`, `removeAll` on an array variable (or an element of one).
    func mutateArray(_ target: Expression, _ name: String, arguments: [Argument], range: SourceRange) throws -> Value {
        let parameters = Self.sequenceMethods[name] ?? []
        let bound = try bindOwn(name, parameters, arguments: arguments, range: range)
        var appended: [Value] = []
        if name == "append" {
            if let element = bound["newElement"] {
                appended = [try evaluate(element)]
            } else if let contents = bound["contentsOf"] {
                let value = try evaluate(contents)
                guard let elements = try materialize(value, range: contents.range) else {
                    throw ScriptError(kind: .wrongType, message: "append(contentsOf:) needs an array, not '\(value.typeName)'",
                                      range: contents.range)
                }
                appended = elements
            } else {
                throw ScriptError(kind: .missingArgument, message: "missing argument for parameter #1 in call", range: range)
            }
        }
        let path = try lvaluePath(target)
        return try modify(path) { slot in
            guard case .array(var elements) = slot else {
                throw noMember(slot.typeName, name, range: range, candidates: memberNames(of: slot))
            }
            if name == "removeLast", elements.isEmpty {
                throw ScriptError(kind: .runtime, message: "can't remove last element from an empty collection", range: range)
            }
            // Release the slot's reference first so the array is mutated in place.
            slot = .void
            defer { slot = .array(elements) }
            switch name {
            case "append":
                try checkArraySize(elements.count + appended.count, range: range)
                elements.append(contentsOf: appended)
                return .void
            case "removeLast":
                return elements.removeLast()
            default:
                elements.removeAll()
                return .void
            }
        }
    }
}
