import TextDistance

extension Interpreter {
    func evaluate(_ expression: Expression) throws -> Value {
        switch expression.kind {
        case .integer(let value):
            return .int(value)
        case .double(let value):
            return .double(value)
        case .bool(let value):
            return .bool(value)
        case .string(let parts):
            var text = ""
            for part in parts {
                switch part {
                case .text(let piece): text += piece
                case .interpolation(let inner): text += try evaluate(inner).displayString
                }
                try checkStringSize(text.utf8.count, range: expression.range)
            }
            return .string(text)
        case .identifier(let name):
            return try value(of: name, range: expression.range)
        case .anonymousParameter(let index):
            guard let variable = lookup("$\(index)") else {
                throw ScriptError(kind: .unknownName, message: "closure has no argument '$\(index)' here",
                                  range: expression.range)
            }
            return variable.value
        case .array(let elements):
            return Self.promotingNumbers(try elements.map(evaluate))
        case .tuple(let elements):
            // A tuple keeps each element's own type (no promotion): it is a fixed group.
            return .array(try elements.map(evaluate))
        case let .unary(op, operand):
            return try unary(op, try evaluate(operand), range: expression.range)
        case let .binary(op, lhs, rhs):
            if op == .and || op == .or {
                let left = try evaluateLogical(lhs, op)
                if left == (op == .or) { return .bool(left) }
                return .bool(try evaluateLogical(rhs, op))
            }
            return try binary(op, try evaluate(lhs), try evaluate(rhs), range: expression.range)
        case let .range(lowerExpression, upperExpression, closed):
            return try makeRange(lowerExpression, upperExpression, closed: closed, range: expression.range)
        case let .ternary(condition, whenTrue, whenFalse):
            return try evaluate(try evaluateCondition(condition) ? whenTrue : whenFalse)
        case let .call(callee, arguments):
            return try call(callee, arguments: arguments, range: expression.range)
        case let .member(base, name, nameRange):
            return try member(of: base, name: name, nameRange: nameRange)
        case let .subscripted(base, index):
            return try element(of: try evaluate(base), at: try evaluate(index), range: index.range)
        case .closure, .operatorFunction:
            throw ScriptError(kind: .wrongType,
                              message: "closures can only be passed to 'map', 'filter', 'reduce', 'sorted' and 'contains'",
                              range: expression.range)
        }
    }

    /// A variable's value, or a clear error for functions used as values and unknown names.
    func value(of name: String, range: SourceRange) throws -> Value {
        if let variable = lookup(name) { return variable.value }
        if let first = library.overloads(of: name).first {
            throw ScriptError(kind: .wrongType, message: "function '\(name)' must be called with arguments",
                              range: range, notes: ["it is declared as \(first.signature): \(first.summary)"])
        }
        throw unknownName(name, range: range, candidates: visibleNames.union(library.functionNames))
    }

    func unknownName(_ name: String, range: SourceRange, candidates: Set<String>) -> ScriptError {
        let notes = PythonHabits.note(name, at: .name).map { [$0] }
            ?? ClosestMatch.question(for: name, among: candidates).map { [$0] } ?? []
        return ScriptError(kind: .unknownName, message: "cannot find '\(name)' in scope", range: range, notes: notes)
    }

    func evaluateLogical(_ expression: Expression, _ op: InfixOperator) throws -> Bool {
        let value = try evaluate(expression)
        guard case .bool(let flag) = value else {
            throw ScriptError(kind: .wrongType,
                              message: "operator '\(op.rawValue)' needs Bool operands, not '\(value.typeName)'",
                              range: expression.range)
        }
        return flag
    }

    /// Array literals mixing Int and Double become all Double, as Swift infers `[Double]`.
    static func promotingNumbers(_ values: [Value]) -> Value {
        var sawInt = false, sawDouble = false
        for value in values {
            switch value {
            case .int: sawInt = true
            case .double: sawDouble = true
            default: return .array(values)
            }
        }
        guard sawInt, sawDouble else { return .array(values) }
        return .array(values.map { $0.numericValue.map(Value.double) ?? $0 })
    }

    func makeRange(_ lowerExpression: Expression, _ upperExpression: Expression, closed: Bool,
                   range: SourceRange) throws -> Value {
        let lowerValue = try evaluate(lowerExpression), upperValue = try evaluate(upperExpression)
        guard case .int(let lower) = lowerValue else {
            throw ScriptError(kind: .wrongType, message: "range bounds must be Int, not '\(lowerValue.typeName)'",
                              range: lowerExpression.range, notes: ["use stride(from:to:by:) for Double steps"])
        }
        guard case .int(var upper) = upperValue else {
            throw ScriptError(kind: .wrongType, message: "range bounds must be Int, not '\(upperValue.typeName)'",
                              range: upperExpression.range, notes: ["use stride(from:to:by:) for Double steps"])
        }
        if closed {
            let (next, overflow) = upper.addingReportingOverflow(1)
            guard !overflow else {
                throw ScriptError(kind: .runtime, message: "arithmetic overflow: range upper bound \(upper) is too large",
                                  range: upperExpression.range)
            }
            upper = next
        }
        guard lower <= upper else {
            let written = closed ? "\(lower)...\(upper - 1)" : "\(lower)..<\(upper)"
            throw ScriptError(kind: .runtime, message: "range requires lower bound <= upper bound (got \(written))",
                              range: range)
        }
        return .range(lower: lower, upper: upper)
    }

    /// `base[index]` for arrays and ranges; a range index slices.
    func element(of base: Value, at index: Value, range: SourceRange) throws -> Value {
        switch (base, index) {
        case let (.array(elements), .int(position)):
            try checkIndex(position, count: elements.count, range: range)
            return elements[position]
        case let (.range(lower, upper), .int(position)):
            try checkIndex(position, count: Value.count(lower: lower, upper: upper), range: range)
            return .int(lower + position)
        case let (.array(elements), .range(start, end)):
            guard start >= 0, end <= elements.count else {
                throw ScriptError(kind: .runtime,
                                  message: "slice \(start)..<\(end) out of range for array of count \(elements.count)",
                                  range: range)
            }
            return .array(Array(elements[start..<end]))
        case let (.range(lower, upper), .range(start, end)):
            guard start >= 0, end <= Value.count(lower: lower, upper: upper) else {
                throw ScriptError(kind: .runtime,
                                  message: "slice \(start)..<\(end) out of range for range of count \(Value.count(lower: lower, upper: upper))",
                                  range: range)
            }
            return .range(lower: lower + start, upper: lower + end)
        case (.array, _), (.range, _):
            throw ScriptError(kind: .wrongType, message: "subscript index must be Int, not '\(index.typeName)'",
                              range: range)
        default:
            throw ScriptError(kind: .wrongType, message: "value of type '\(base.typeName)' has no subscripts",
                              range: range)
        }
    }

    func checkIndex(_ position: Int, count: Int, range: SourceRange) throws {
        guard position >= 0, position < count else {
            throw ScriptError(kind: .runtime, message: "index \(position) out of range for count \(count)", range: range)
        }
    }

    /// Elements of an array or range, refusing ranges too large to hold.
    func materialize(_ value: Value, range: SourceRange) throws -> [Value]? {
        if case .range(let lower, let upper) = value, Value.count(lower: lower, upper: upper) > Self.maximumMaterializedCount {
            throw ScriptError(kind: .runtime, message: "range \(lower)..<\(upper) is too large to turn into an array",
                              range: range)
        }
        return value.elements
    }
}
