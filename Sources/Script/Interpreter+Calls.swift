import TextDistance

extension Interpreter {
    /// Why a call's arguments did not fit an overload's parameters.
    enum BindingFailure: Error {
        /// The argument at this index has the wrong label; `expected` is the label wanted there.
        case wrongLabel(argument: Int, expected: String?)
        /// The required parameter at this index got no argument.
        case missing(parameter: Int)
        /// The argument at this index fits no parameter.
        case extra(argument: Int)
    }

    /// Matches call-site labels to parameters in order, skipping parameters with defaults.
    /// Returns, per parameter, the index of the argument bound to it (nil: use the default).
    static func bind(_ parameters: [Builtin.Parameter], labels: [String?]) -> Result<[Int?], BindingFailure> {
        var mapping: [Int?] = []
        var next = 0
        for (index, parameter) in parameters.enumerated() {
            if next < labels.count, labels[next] == parameter.label {
                mapping.append(next)
                next += 1
            } else if parameter.defaultValue != nil {
                mapping.append(nil)
            } else if next < labels.count {
                let laterLabels = parameters[(index + 1)...].map(\.label)
                if labels[next] != nil, laterLabels.contains(labels[next]) {
                    return .failure(.missing(parameter: index))
                }
                return .failure(.wrongLabel(argument: next, expected: parameter.label))
            } else {
                return .failure(.missing(parameter: index))
            }
        }
        if next < labels.count {
            if let label = labels[next],
               let guess = ClosestMatch.suggestion(for: label, among: parameters.compactMap(\.label)) {
                return .failure(.wrongLabel(argument: next, expected: guess))
            }
            return .failure(.extra(argument: next))
        }
        return .success(mapping)
    }

    /// The diagnostic for a binding failure, with a suggestion and the signature as notes.
    func bindingError(_ failure: BindingFailure, parameters: [Builtin.Parameter], signature: String,
                      arguments: [Argument], range: SourceRange) -> ScriptError {
        let declared = "'\(signature.prefix { $0 != "(" })' is declared as \(signature)"
        switch failure {
        case let .wrongLabel(index, expected):
            let argument = arguments[index]
            let at = argument.labelRange ?? argument.value.range
            switch (argument.label, expected) {
            case (nil, let expected?):
                return ScriptError(kind: .unknownLabel, message: "missing argument label '\(expected):' in call",
                                   range: at, notes: [declared])
            case (let have?, nil):
                return ScriptError(kind: .unknownLabel, message: "extraneous argument label '\(have):' in call",
                                   range: at, notes: [declared])
            default:
                let have = argument.label ?? "_"
                // The expected label is known at this position; a guess among the others
                // would only contradict it.
                var notes: [String] = []
                if let expected { notes.append("write '\(expected):' instead of '\(have):'") }
                notes.append(declared)
                return ScriptError(kind: .unknownLabel,
                                   message: "incorrect argument label in call (have '\(have):', expected '\(expected ?? "_"):')",
                                   range: at, notes: notes)
            }
        case .missing(let index):
            let parameter = parameters[index]
            let name = parameter.label.map { "'\($0)'" } ?? "#\(index + 1)"
            return ScriptError(kind: .missingArgument, message: "missing argument for parameter \(name) in call",
                               range: range, notes: [declared])
        case .extra(let index):
            let argument = arguments[index]
            let message = argument.label.map { "extra argument '\($0)' in call" } ?? "extra argument in call"
            return ScriptError(kind: .extraArgument, message: message,
                               range: argument.labelRange.map { $0.extended(to: argument.value.range) } ?? argument.value.range,
                               notes: [declared])
        }
    }

    /// `f(...)` or `x.method(...)`.
    func call(_ callee: Expression, arguments: [Argument], range: SourceRange) throws -> Value {
        switch callee.kind {
        case .identifier(let name):
            if let variable = lookup(name), case .function(let function) = variable.value {
                return try callFunction(function, arguments: arguments, range: range)
            }
            let overloads = library.overloads(of: name)
            guard !overloads.isEmpty else {
                if let variable = lookup(name) {
                    throw ScriptError(kind: .wrongType,
                                      message: "cannot call value of non-function type '\(variable.value.typeName)'",
                                      range: callee.range)
                }
                throw unknownName(name, range: callee.range, candidates: Set(library.functionNames).union(visibleNames))
            }
            let values = try arguments.map(evaluateArgument)
            return try callOverloads(overloads, name: name, arguments: arguments, values: values,
                                     receiver: nil, range: range)
        case let .member(base, name, nameRange):
            return try callMethod(on: base, name: name, nameRange: nameRange, arguments: arguments, range: range)
        default:
            let value = try evaluate(callee)
            throw ScriptError(kind: .wrongType, message: "cannot call value of non-function type '\(value.typeName)'",
                              range: callee.range)
        }
    }

    func evaluateArgument(_ argument: Argument) throws -> Value {
        try evaluate(argument.value)
    }

    /// The overloads whose parameters the call's labels fit, with the argument each parameter
    /// takes; none is an error that says which labels the closest overload wants.
    func boundOverloads(_ overloads: [Builtin], name: String, arguments: [Argument],
                        range: SourceRange) throws -> [(Builtin, [Int?])] {
        let labels = arguments.map(\.label)
        var candidates: [(Builtin, [Int?])] = []
        var failures: [(Builtin, BindingFailure)] = []
        for builtin in overloads {
            switch Self.bind(builtin.parameters, labels: labels) {
            case .success(let mapping): candidates.append((builtin, mapping))
            case .failure(let failure): failures.append((builtin, failure))
            }
        }
        guard candidates.isEmpty else { return candidates }
        let closest = failures.min { abs($0.0.parameters.count - labels.count) < abs($1.0.parameters.count - labels.count) }
        guard let (builtin, failure) = closest else {
            throw ScriptError(kind: .unknownName, message: "cannot find '\(name)' in scope", range: range)
        }
        var error = bindingError(failure, parameters: builtin.parameters, signature: builtin.signature,
                                 arguments: arguments, range: range)
        if overloads.count > 1 {
            error.notes = error.notes.filter { !$0.contains("is declared as") }
            error.notes += overloads.map { "candidate: \($0.signature)" }
        }
        throw error
    }

    /// Picks the overloads whose labels fit, then runs them in order: one that rejects an
    /// argument's type (`.wrongType`) passes the call to the next; the first rejection is
    /// reported when none accepts.
    func callOverloads(_ overloads: [Builtin], name: String, arguments: [Argument], values: [Value],
                       receiver: (value: Value, range: SourceRange)?, range: SourceRange) throws -> Value {
        let candidates = try boundOverloads(overloads, name: name, arguments: arguments, range: range)
        var firstRejection: ScriptError?
        for (offset, (builtin, mapping)) in candidates.enumerated() {
            var bound: [String: Value] = [:]
            var ranges: [String: SourceRange] = [:]
            for (parameter, argumentIndex) in zip(builtin.parameters, mapping) {
                if let argumentIndex {
                    bound[parameter.name] = values[argumentIndex]
                    ranges[parameter.name] = arguments[argumentIndex].value.range
                } else if let defaultValue = parameter.defaultValue {
                    bound[parameter.name] = defaultValue
                }
            }
            if let receiver {
                bound["self"] = receiver.value
                ranges["self"] = receiver.range
            }
            let callArguments = Arguments(bound, functionName: name, isCancelled: isCancelled)
            if receiver == nil { noteBuiltinsCalled([name]) }
            do {
                return try hostCall(range: range, argumentRanges: ranges) { try builtin.body(callArguments) }
            } catch let error as ScriptError where error.kind == .wrongType {
                if firstRejection == nil { firstRejection = error }
                if offset == candidates.count - 1 { throw firstRejection ?? error }
            }
        }
        throw firstRejection ?? ScriptError(kind: .runtime, message: "no overload of '\(name)' accepted the call", range: range)
    }

    /// Binds a call to one of Script's own methods; returns argument expressions by parameter
    /// name (absent when defaulted).
    func bindOwn(_ name: String, _ parameters: [Builtin.Parameter], arguments: [Argument],
                 range: SourceRange) throws -> [String: Expression] {
        var arguments = arguments
        // A trailing closure goes to the closure parameter, as Swift's forward scan does:
        // `xs.contains { $0 > 1 }` means `contains(where:)`.
        if let last = arguments.last, last.label == nil, case .closure = last.value.kind,
           !parameters.contains(where: { $0.label == nil && $0.defaultValue == nil }),
           let closureLabel = parameters.first(where: { $0.label == "where" || $0.label == "by" })?.label {
            arguments[arguments.count - 1].label = closureLabel
        }
        let signature = name + "(" + parameters.map { ($0.label ?? "_") + ":" }.joined() + ")"
        switch Self.bind(parameters, labels: arguments.map(\.label)) {
        case .failure(let failure):
            throw bindingError(failure, parameters: parameters, signature: signature, arguments: arguments, range: range)
        case .success(let mapping):
            var bound: [String: Expression] = [:]
            for (parameter, index) in zip(parameters, mapping) {
                if let index { bound[parameter.name] = arguments[index].value }
            }
            return bound
        }
    }

    /// Calls a closure literal or operator (`+`, `<`) passed to `map`, `filter`, `reduce`...
    func invoke(_ function: Expression, with values: [Value], range: SourceRange) throws -> Value {
        try checkCancelled(at: range)
        switch function.kind {
        case .operatorFunction(let op):
            guard values.count == 2 else {
                throw ScriptError(kind: .wrongType,
                                  message: "operator '\(op.rawValue)' takes 2 arguments, but \(values.count) are passed here",
                                  range: function.range)
            }
            return try binary(op, values[0], values[1], range: function.range)
        case .closure(let closure):
            let arity = closure.parameters.isEmpty ? closure.anonymousParameterCount : closure.parameters.count
            if closure.parameters.isEmpty ? arity > values.count : arity != values.count {
                throw ScriptError(kind: .wrongType,
                                  message: "closure expects \(values.count) argument\(values.count == 1 ? "" : "s"), but \(arity) \(arity == 1 ? "is" : "are") used in its body",
                                  range: function.range)
            }
            var frame: [String: Variable] = [:]
            for (index, value) in values.enumerated() {
                var value = value
                if index < closure.parameterTypes.count, let type = closure.parameterTypes[index] {
                    value = try conform(value, to: type, range: function.range, nameRange: function.range,
                                        context: "type '\(type)' of closure parameter '\(closure.parameters[index])'")
                }
                frame["$\(index)"] = Variable(value: value, isMutable: false)
                if index < closure.parameters.count, closure.parameters[index] != "_" {
                    frame[closure.parameters[index]] = Variable(value: value, isMutable: false)
                }
            }
            return try withFrame(frame) {
                if closure.body.count == 1, case .expression(let single) = closure.body[0].kind {
                    return try evaluate(single)
                }
                if case .returned(let value) = try execute(closure.body) { return value }
                return .void
            }
        default:
            let value = try evaluate(function)
            throw ScriptError(kind: .wrongType, message: "expected a closure, got a value of type '\(value.typeName)'",
                              range: function.range)
        }
    }
}
