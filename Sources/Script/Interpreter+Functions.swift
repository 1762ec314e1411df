/// Functions declared in cells: declaring captures what the body reads; calling binds the
/// arguments by label, runs the body in a scope of its own and checks the result's type.
extension Interpreter {
    /// The deepest chain of function calls (recursion included) a cell may make.
    static let maximumCallDepth = 200

    /// Declares `declaration` in the current scope, capturing the globals its body reads.
    func declare(_ declaration: FunctionDeclaration, range: SourceRange) throws {
        let info = program?.functions[declaration.name] ?? FunctionInfo(freeNames: [], calledFunctions: [])
        var captures: [String: Value] = [:]
        var called = info.calledFunctions
        for name in info.freeNames where name != declaration.name {
            guard let variable = lookup(name) else { continue }   // a built-in, or an error at the call
            captures[name] = variable.value
            if case .function(let captured) = variable.value { called.formUnion(captured.calledFunctions) }
        }
        let function = FunctionValue(declaration: declaration, captures: captures, calledFunctions: called)
        declaredFunctions.insert(ObjectIdentifier(function))
        frames[frames.count - 1][declaration.name] = Variable(value: .function(function), isMutable: false)
    }

    /// Calls a declared function with the call's arguments.
    func callFunction(_ function: FunctionValue, arguments: [Argument], range: SourceRange) throws -> Value {
        let declaration = function.declaration
        let parameters = declaration.parameters.map {
            Builtin.Parameter(label: $0.label, name: $0.name, defaultValue: $0.defaultValue == nil ? nil : .void)
        }
        let mapping: [Int?]
        switch Self.bind(parameters, labels: arguments.map(\.label)) {
        case .failure(let failure):
            throw bindingError(failure, parameters: parameters, signature: function.signature, arguments: arguments, range: range)
        case .success(let bound):
            mapping = bound
        }
        let values = try arguments.map(evaluateArgument)
        guard callDepth < Self.maximumCallDepth else {
            throw ScriptError(kind: .runtime, message: "calls nested more than \(Self.maximumCallDepth) deep (is '\(declaration.name)' recursing without end?)",
                              range: range)
        }
        callDepth += 1
        let saved = frames
        defer {
            frames = saved
            callDepth -= 1
        }
        // The function sees what it captured and itself, never the caller's variables.
        var outer = function.captures.mapValues { Variable(value: $0, isMutable: false) }
        outer[declaration.name] = Variable(value: .function(function), isMutable: false)
        frames = [outer, [:]]
        for (parameter, index) in zip(declaration.parameters, mapping) {
            let value: Value
            let valueRange: SourceRange
            if let index {
                (value, valueRange) = (values[index], arguments[index].value.range)
            } else if let defaultValue = parameter.defaultValue {
                (value, valueRange) = (try evaluate(defaultValue), defaultValue.range)
            } else {
                continue
            }
            let conformed = try conform(value, to: parameter.type, range: valueRange, nameRange: valueRange,
                                        context: "argument type '\(parameter.type)' for parameter '\(parameter.name)'")
            frames[1][parameter.name] = Variable(value: conformed, isMutable: false)
        }
        do {
            let flow = try withFrame { try execute(declaration.body) }
            guard let returnType = declaration.returnType else { return .void }
            guard case .returned(let result) = flow else {
                throw ScriptError(kind: .runtime, message: "missing return in '\(declaration.name)', which returns '\(returnType)'",
                                  range: declaration.nameRange)
            }
            return try conform(result, to: returnType, range: declaration.nameRange, nameRange: declaration.nameRange,
                               context: "return type '\(returnType)'")
        } catch var error as ScriptError where !declaredFunctions.contains(ObjectIdentifier(function)) && error.kind != .cancelled {
            // The function was declared in an earlier cell: its lines are not this cell's, so
            // the error is reported at the call, naming where inside the function it arose.
            let line = (error.range?.start.line ?? declaration.nameRange.start.line) - declaration.nameRange.start.line + 1
            error.notes.insert("in '\(declaration.name)', line \(line) of its declaration: \(error.message)", at: 0)
            error.message = "'\(declaration.name)' failed"
            error.range = range
            error.related = nil
            throw error
        }
    }
}
