/// Checks made before a cell runs anything: a call whose labels or argument count fit no
/// built-in, or that passes a literal of the wrong type where the parameter's default says
/// the type, fails at once with the error it would give when reached, instead of after the
/// lines before it have spent minutes sampling.
extension Interpreter {
    /// Every call of a global built-in in `program` (function bodies and closures included)
    /// must bind its labels. Calls of names the cell or an earlier cell binds to something
    /// else (a function, a closure, a parameter) are left to run time.
    func preflight(_ program: Program, globals: [String: Value]) throws {
        var walker = CallWalker()
        walker.statements(program.statements)
        let shadowed = walker.boundNames.union(globals.compactMap { name, value in
            if case .function = value { return name } else { return nil }
        })
        for (name, arguments, range) in walker.calls where !shadowed.contains(name) {
            let overloads = library.overloads(of: name)
            if overloads.isEmpty { continue }   // an unknown name is reported where it is reached
            let candidates = try boundOverloads(overloads, name: name, arguments: arguments, range: range)
            // A literal of the wrong type for a parameter whose default says its type; only
            // for a single overload, since another might take the literal.
            guard candidates.count == 1, let (builtin, mapping) = candidates.first else { continue }
            for (parameter, index) in zip(builtin.parameters, mapping) {
                guard let index, let expected = parameter.defaultValue.flatMap(Self.literalType),
                      let given = Self.literalType(of: arguments[index].value), !Self.accepts(expected, given) else { continue }
                let failure = BuiltinFailure("cannot convert value of type '\(given)' to expected argument type '\(expected)' for parameter '\(parameter.name)'",
                                             parameter: parameter.name, kind: .wrongType)
                try hostCall(range: range, argumentRanges: [parameter.name: arguments[index].value.range]) { throw failure }
            }
        }
    }

    /// The type of a default value, for the literal check: Int, Double, String or Bool.
    private static func literalType(_ value: Value) -> String? {
        switch value {
        case .int: return "Int"
        case .double: return "Double"
        case .string: return "String"
        case .bool: return "Bool"
        default: return nil
        }
    }

    /// The type of a literal argument (a negated number counts), nil for anything else.
    private static func literalType(of expression: Expression) -> String? {
        switch expression.kind {
        case .integer: return "Int"
        case .double: return "Double"
        case .string: return "String"
        case .bool: return "Bool"
        case .unary(.negate, let inner): return literalType(of: inner)
        default: return nil
        }
    }

    /// Whether a parameter of type `expected` takes a literal of type `given` (an Int where a
    /// Double goes, as the built-ins convert it).
    private static func accepts(_ expected: String, _ given: String) -> Bool {
        expected == given || (expected == "Double" && given == "Int")
    }
}

/// Collects the calls of plain names in a cell and every name the cell binds.
private struct CallWalker {
    var calls: [(name: String, arguments: [Argument], range: SourceRange)] = []
    var boundNames: Set<String> = []

    mutating func statements(_ list: [Statement]) {
        for statement in list { self.statement(statement) }
    }

    mutating func statement(_ statement: Statement) {
        switch statement.kind {
        case let .declaration(_, name, _, _, value):
            boundNames.insert(name)
            expression(value)
        case let .assignment(target, _, value):
            expression(target)
            expression(value)
        case let .expression(e):
            expression(e)
        case let .forIn(pattern, sequence, body):
            switch pattern {
            case .name(let name): boundNames.insert(name)
            case .tuple(let names): boundNames.formUnion(names.compactMap { $0 })
            case .wildcard: break
            }
            expression(sequence)
            statements(body)
        case let .whileLoop(condition, body):
            expression(condition)
            statements(body)
        case let .conditional(branches, otherwise):
            for branch in branches {
                expression(branch.condition)
                statements(branch.body)
            }
            statements(otherwise ?? [])
        case .breakLoop, .continueLoop:
            break
        case let .returnValue(value):
            if let value { expression(value) }
        case let .function(declaration):
            boundNames.insert(declaration.name)
            for parameter in declaration.parameters {
                boundNames.insert(parameter.name)
                if let value = parameter.defaultValue { expression(value) }
            }
            statements(declaration.body)
        case let .destructuring(_, names, _, value):
            boundNames.formUnion(names.compactMap { $0 })
            expression(value)
        case let .guardStatement(condition, otherwise):
            expression(condition)
            statements(otherwise)
        }
    }

    mutating func expression(_ e: Expression) {
        switch e.kind {
        case .integer, .double, .bool, .identifier, .anonymousParameter, .operatorFunction:
            break
        case .string(let parts):
            for case .interpolation(let inner) in parts { expression(inner) }
        case .array(let items), .tuple(let items):
            for item in items { expression(item) }
        case let .unary(_, operand):
            expression(operand)
        case let .binary(_, left, right), let .range(left, right, _), let .subscripted(left, right):
            expression(left)
            expression(right)
        case let .ternary(condition, a, b):
            expression(condition)
            expression(a)
            expression(b)
        case let .call(callee, arguments):
            if case .identifier(let name) = callee.kind { calls.append((name, arguments, e.range)) } else { expression(callee) }
            for argument in arguments { expression(argument.value) }
        case let .member(base, _, _):
            expression(base)
        case .closure(let closure):
            boundNames.formUnion(closure.parameters)
            statements(closure.body)
        }
    }
}
