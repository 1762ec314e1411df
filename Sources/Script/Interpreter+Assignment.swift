extension Interpreter {
    /// A variable and the subscripts leading into it: `grid[1][2]` is ("grid", [1, 2]).
    struct LValuePath {
        var name: String
        var nameRange: SourceRange
        var indices: [(index: Int, range: SourceRange)]
    }

    /// Evaluates the subscripts of an assignment target, innermost first.
    func lvaluePath(_ target: Expression) throws -> LValuePath {
        var indexExpressions: [Expression] = []
        var node = target
        while case .subscripted(let base, let index) = node.kind {
            indexExpressions.append(index)
            node = base
        }
        guard case .identifier(let name) = node.kind else {
            throw ScriptError(kind: .syntax, message: "cannot assign to this expression", range: target.range)
        }
        var indices: [(index: Int, range: SourceRange)] = []
        for expression in indexExpressions.reversed() {
            let value = try evaluate(expression)
            guard case .int(let index) = value else {
                throw ScriptError(kind: .wrongType, message: "subscript index must be Int, not '\(value.typeName)'",
                                  range: expression.range)
            }
            indices.append((index, expression.range))
        }
        return LValuePath(name: name, nameRange: node.range, indices: indices)
    }

    /// Runs `body` on the storage the path names, in place.
    func modify<T>(_ path: LValuePath, _ body: (inout Value) throws -> T) throws -> T {
        guard let frame = frameIndex(of: path.name), var variable = frames[frame].removeValue(forKey: path.name) else {
            throw unknownName(path.name, range: path.nameRange, candidates: visibleNames)
        }
        defer { frames[frame][path.name] = variable }
        guard variable.isMutable else {
            if callDepth > 0, frame == 0 {
                throw ScriptError(kind: .immutable, message: "a function cannot change '\(path.name)', which it reads from outside",
                                  range: path.nameRange, notes: ["return the new value instead, and assign it where the function is called"])
            }
            if frame == 0, let origin = context.constants[path.name] {
                throw ScriptError(kind: .immutable, message: "cannot assign to value: '\(path.name)' is a 'let' constant",
                                  range: path.nameRange,
                                  notes: ["'\(path.name)' was declared \(origin); declare it with 'var' there to change it later, or give the new value its own name: let new\(path.name.prefix(1).uppercased() + path.name.dropFirst()) = ..."])
            }
            throw ScriptError(kind: .immutable, message: "cannot assign to value: '\(path.name)' is a 'let' constant",
                              range: path.nameRange, notes: ["change 'let' to 'var' to make it mutable"])
        }
        return try update(&variable.value, path.indices[...], body)
    }

    func update<T>(_ value: inout Value, _ indices: ArraySlice<(index: Int, range: SourceRange)>,
                   _ body: (inout Value) throws -> T) throws -> T {
        guard let (index, range) = indices.first else { return try body(&value) }
        guard case .array(var elements) = value else {
            if case .range = value {
                throw ScriptError(kind: .wrongType, message: "cannot assign through subscript: 'Range<Int>' is immutable",
                                  range: range)
            }
            throw ScriptError(kind: .wrongType, message: "value of type '\(value.typeName)' has no subscripts", range: range)
        }
        try checkIndex(index, count: elements.count, range: range)
        value = .void
        defer { value = .array(elements) }
        return try update(&elements[index], indices.dropFirst(), body)
    }

    /// `x = e`, `a[i] += e`.
    func assign(_ target: Expression, op: InfixOperator?, value valueExpression: Expression, range: SourceRange) throws {
        let path = try lvaluePath(target)
        let newValue = try evaluate(valueExpression)
        try modify(path) { slot in
            if let op {
                slot = try binary(op, slot, newValue, range: range.extended(to: valueExpression.range))
            } else {
                slot = try converted(newValue, replacing: slot, target: target, range: valueExpression.range)
            }
        }
    }

    /// Plain assignment keeps a variable's kind: numbers may move between Int and Double (an
    /// Int stored into a Double variable becomes Double), arrays stay arrays, natives keep
    /// their type name.
    func converted(_ newValue: Value, replacing old: Value, target: Expression, range: SourceRange) throws -> Value {
        switch (old, newValue) {
        case (.double, .int(let value)):
            return .double(Double(value))
        case (.void, _), (.int, .double):
            return newValue
        case let (.native(a), .native(b)) where a.typeName != b.typeName:
            break
        default:
            if Self.family(old) == Self.family(newValue) { return newValue }
        }
        throw ScriptError(kind: .wrongType,
                          message: "cannot assign value of type '\(newValue.typeName)' to type '\(old.typeName)'",
                          range: range)
    }
}
