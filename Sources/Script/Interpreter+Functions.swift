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
        running.append(function)
        builtinsCalled.append([])
        let saved = frames
        defer {
            frames = saved
            callDepth -= 1
            running.removeLast()
            // What this call used counts for its caller too.
            noteBuiltinsCalled(builtinsCalled.removeLast())
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
            let conformed = try conform(result, to: returnType, range: declaration.nameRange, nameRange: declaration.nameRange,
                                        context: "return type '\(returnType)'")
            let call = declaration.name + "(" + zip(arguments, values).map { argument, value in
                (argument.label.map { $0 + ": " } ?? "") + Self.argumentText(value)
            }.joined(separator: ", ") + ")"
            return attributed(conformed, to: call, calling: builtinsCalled[builtinsCalled.count - 1])
        } catch var error as ScriptError where error.kind != .cancelled {
            // A function declared in an earlier cell has lines of its own, not this cell's:
            // the failure is kept as a place inside it, which the host maps to its file.
            if !isDeclaredHere(function), let inner = error.range {
                error.inFunction = position(inner, in: function)
                error.range = nil
                error.related = nil
            }
            // The call itself, where the caller's code made it.
            let caller = running.count >= 2 ? running[running.count - 2] : nil
            let inCaller = caller.map { !isDeclaredHere($0) } ?? false
            error.callChain.append(ScriptError.Call(function: declaration.name, caller: caller?.declaration.name,
                                                    range: inCaller ? nil : range,
                                                    inFunction: inCaller ? caller.map { position(range, in: $0) } : nil))
            throw error
        }
    }

    /// An argument as a provenance line shows it: strings quoted and cut short, numbers as
    /// written, an image by its type, a long array by its length.
    static func argumentText(_ value: Value) -> String {
        switch value {
        case .string(let text):
            return "\"" + (text.count > 40 ? text.prefix(39) + "…" : text) + "\""
        case .int, .double, .bool, .range:
            return value.displayString
        case .array(let items):
            return items.count <= 4 ? "[" + items.map(argumentText).joined(separator: ", ") + "]" : "[\(items.count) values]"
        default:
            return value.typeName
        }
    }

    /// `value` (or the values of an array, tuples included) as returned by `function`, which called
    /// `builtins`: host values say what made them.
    private func attributed(_ value: Value, to function: String, calling builtins: [String]) -> Value {
        switch value {
        case .native(let native):
            return native.returned(by: function, calling: builtins).map { .native($0) } ?? value
        case .array(let items):
            return .array(items.map { attributed($0, to: function, calling: builtins) })
        default:
            return value
        }
    }

    /// Adds `names` (in order, each once) to what the innermost running function has called.
    func noteBuiltinsCalled(_ names: [String]) {
        guard !builtinsCalled.isEmpty else { return }
        for name in names where !builtinsCalled[builtinsCalled.count - 1].contains(name) {
            builtinsCalled[builtinsCalled.count - 1].append(name)
        }
    }

    /// Whether `function` was declared in the running cell (its ranges are the cell's).
    private func isDeclaredHere(_ function: FunctionValue) -> Bool {
        declaredFunctions.contains(ObjectIdentifier(function))
    }

    /// `range`, taken in `function`'s own coordinates, as a place in its declaration.
    private func position(_ range: SourceRange, in function: FunctionValue) -> ScriptError.FunctionPosition {
        let first = function.declaration.nameRange.start.line
        return ScriptError.FunctionPosition(function: function.declaration.name, line: range.start.line - first + 1,
                                            column: range.start.column, length: range.length)
    }
}
