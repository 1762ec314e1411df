extension Interpreter {
    /// Arithmetic and comparison. Int with Int stays Int (overflow-checked); any Double makes
    /// the result Double; native values are asked through `NativeValue.binary`.
    func binary(_ op: InfixOperator, _ lhs: Value, _ rhs: Value, range: SourceRange) throws -> Value {
        switch op {
        case .equal, .notEqual:
            guard Self.family(lhs) == Self.family(rhs), let equal = lhs.isEqual(to: rhs) else {
                throw operatorMismatch(op, lhs, rhs, range: range)
            }
            return .bool(equal == (op == .equal))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            return .bool(try compare(op, lhs, rhs, range: range))
        case .and, .or:
            guard case .bool(let a) = lhs, case .bool(let b) = rhs else { throw operatorMismatch(op, lhs, rhs, range: range) }
            return .bool(op == .and ? a && b : a || b)
        case .add, .subtract, .multiply, .divide, .remainder:
            return try arithmetic(op, lhs, rhs, range: range)
        }
    }

    /// Broad kinds that may meet in `==`: numbers with numbers, sequences with sequences.
    static func family(_ value: Value) -> Int {
        switch value {
        case .int, .double: return 0
        case .bool: return 1
        case .string: return 2
        case .array, .range: return 3
        case .native: return 4
        case .void: return 5
        case .function: return 6
        }
    }

    func operatorMismatch(_ op: InfixOperator, _ lhs: Value, _ rhs: Value, range: SourceRange) -> ScriptError {
        ScriptError(kind: .wrongType,
                    message: "binary operator '\(op.rawValue)' cannot be applied to operands of type '\(lhs.typeName)' and '\(rhs.typeName)'",
                    range: range)
    }

    func compare(_ op: InfixOperator, _ lhs: Value, _ rhs: Value, range: SourceRange) throws -> Bool {
        func ordered<T: Comparable>(_ a: T, _ b: T) -> Bool {
            switch op {
            case .less: return a < b
            case .lessOrEqual: return a <= b
            case .greater: return a > b
            default: return a >= b
            }
        }
        switch (lhs, rhs) {
        case let (.int(a), .int(b)): return ordered(a, b)
        case let (.string(a), .string(b)): return ordered(a, b)
        default:
            guard let a = lhs.numericValue, let b = rhs.numericValue else {
                throw operatorMismatch(op, lhs, rhs, range: range)
            }
            return ordered(a, b)
        }
    }

    func arithmetic(_ op: InfixOperator, _ lhs: Value, _ rhs: Value, range: SourceRange) throws -> Value {
        switch (lhs, rhs) {
        case let (.int(a), .int(b)):
            return .int(try integerArithmetic(op, a, b, range: range))
        case let (.string(a), .string(b)) where op == .add:
            try checkStringSize(a.utf8.count + b.utf8.count, range: range)
            return .string(a + b)
        case (.array, .array), (.array, .range), (.range, .array), (.range, .range):
            guard op == .add, let a = try materialize(lhs, range: range), let b = try materialize(rhs, range: range) else {
                throw operatorMismatch(op, lhs, rhs, range: range)
            }
            try checkArraySize(a.count + b.count, range: range)
            return .array(a + b)
        case (.native, _), (_, .native):
            return try nativeArithmetic(op, lhs, rhs, range: range)
        default:
            guard let a = lhs.numericValue, let b = rhs.numericValue else {
                throw operatorMismatch(op, lhs, rhs, range: range)
            }
            return .double(try doubleArithmetic(op, a, b, range: range))
        }
    }

    func integerArithmetic(_ op: InfixOperator, _ a: Int, _ b: Int, range: SourceRange) throws -> Int {
        let result: (partialValue: Int, overflow: Bool)
        switch op {
        case .add: result = a.addingReportingOverflow(b)
        case .subtract: result = a.subtractingReportingOverflow(b)
        case .multiply: result = a.multipliedReportingOverflow(by: b)
        case .divide, .remainder:
            guard b != 0 else { throw ScriptError(kind: .runtime, message: "division by zero", range: range) }
            result = op == .divide ? a.dividedReportingOverflow(by: b) : a.remainderReportingOverflow(dividingBy: b)
        default:
            throw ScriptError(kind: .wrongType, message: "'\(op.rawValue)' is not an arithmetic operator", range: range)
        }
        guard !result.overflow else {
            throw ScriptError(kind: .runtime,
                              message: "arithmetic overflow: \(a) \(op.rawValue) \(b) does not fit in Int",
                              range: range, notes: ["use Double values for very large numbers"])
        }
        return result.partialValue
    }

    func doubleArithmetic(_ op: InfixOperator, _ a: Double, _ b: Double, range: SourceRange) throws -> Double {
        switch op {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide, .remainder:
            guard b != 0 else { throw ScriptError(kind: .runtime, message: "division by zero", range: range) }
            return op == .divide ? a / b : a.truncatingRemainder(dividingBy: b)
        default:
            throw ScriptError(kind: .wrongType, message: "'\(op.rawValue)' is not an arithmetic operator", range: range)
        }
    }

    func nativeArithmetic(_ op: InfixOperator, _ lhs: Value, _ rhs: Value, range: SourceRange) throws -> Value {
        guard let arithmetic = op.arithmetic else { throw operatorMismatch(op, lhs, rhs, range: range) }
        if case .native(let left) = lhs,
           let result = try hostCall(range: range, { try left.binary(arithmetic, rhs, selfOnLeft: true) }) {
            return result
        }
        if case .native(let right) = rhs,
           let result = try hostCall(range: range, { try right.binary(arithmetic, lhs, selfOnLeft: false) }) {
            return result
        }
        throw operatorMismatch(op, lhs, rhs, range: range)
    }

    func unary(_ op: UnaryOperator, _ operand: Value, range: SourceRange) throws -> Value {
        switch (op, operand) {
        case (.not, .bool(let flag)):
            return .bool(!flag)
        case (.negate, .int(let value)):
            let (negated, overflow) = Int(0).subtractingReportingOverflow(value)
            guard !overflow else {
                throw ScriptError(kind: .runtime, message: "arithmetic overflow: -(\(value)) does not fit in Int", range: range)
            }
            return .int(negated)
        case (.negate, .double(let value)):
            return .double(-value)
        case (.negate, .native(let native)):
            if let result = try hostCall(range: range, { try native.negated() }) { return result }
        default:
            break
        }
        throw ScriptError(kind: .wrongType,
                          message: "unary operator '\(op.rawValue)' cannot be applied to an operand of type '\(operand.typeName)'",
                          range: range)
    }

    /// Runs host code, turning what it throws into a `ScriptError` at `range` (or at the
    /// argument a `BuiltinFailure` names, found through `argumentRanges`).
    func hostCall<T>(range: SourceRange, argumentRanges: [String: SourceRange] = [:], _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as BuiltinFailure {
            if isCancelled() { throw ScriptError(kind: .cancelled, message: "execution cancelled", range: range) }
            throw ScriptError(kind: failure.kind, message: failure.message,
                              range: failure.parameter.flatMap { argumentRanges[$0] } ?? range, notes: failure.notes)
        } catch var error as ScriptError {
            if error.range == nil { error.range = range }
            throw error
        } catch {
            if isCancelled() { throw ScriptError(kind: .cancelled, message: "execution cancelled", range: range) }
            throw ScriptError(kind: .runtime, message: String(describing: error), range: range)
        }
    }
}
