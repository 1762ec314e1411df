/// Tree-walking interpreter for parsed cells.
///
/// Globals passed to `run` are the values of earlier cells and notebook parameters. Those the
/// host marks constant (a `let` of an earlier cell, a front-matter parameter) cannot be
/// assigned, as in Swift; the others (an earlier `var`) can, and `Program.definedNames`
/// tells the host which ones a cell changed. Declarations at the cell's top level may
/// shadow a global of the same name.
public final class Interpreter {
    /// Largest number of elements a range, stride or array operation may create.
    public static let maximumMaterializedCount = 10_000_000

    /// Everything callable: Script's own globals plus the host's.
    public let library: Library
    /// Polled between statements and loop iterations; when it returns true, execution stops with
    /// `ScriptError(kind: .cancelled)`. Builtins see it as `Arguments.isCancelled`.
    public var isCancelled: @Sendable () -> Bool = { false }

    struct Variable {
        var value: Value
        var isMutable: Bool
    }

    /// How a statement list finished.
    enum Flow {
        case normal, breakLoop, continueLoop
        case returned(Value)
    }

    /// Scopes, innermost last: [globals, cell top level, blocks...].
    var frames: [[String: Variable]] = []
    /// The cell's surroundings during `run`.
    var context = CellContext()
    /// The program being run (for what the analysis found about its functions).
    var program: Program?
    /// Functions declared during this run (errors inside them point at this cell's lines).
    var declaredFunctions = Set<ObjectIdentifier>()
    /// How deep function calls are nested now.
    var callDepth = 0
    /// The functions being run, outermost first (an error names the calls that led to it).
    var running: [FunctionValue] = []
    /// For each function being run, the built-ins its run has called so far, in first-call
    /// order (what a value it returns says made it).
    var builtinsCalled: [[String]] = []
    /// The `for` loops running now, outermost first: where a long cell is.
    public private(set) var loops: [LoopState] = []
    /// Told of each iteration a `for` loop starts, and of each loop's end, with the loops
    /// running then.
    public var onIteration: (([LoopState]) -> Void)?

    /// Creates an interpreter calling into `library`.
    public init(library: Library) {
        self.library = library
    }

    /// Runs `program` with `globals` (values from earlier cells and parameters). Returns the
    /// final values of `program.definedNames` (a name assigned only on a path that did not run,
    /// and absent from `globals`, is left out).
    public func run(_ program: Program, globals: [String: Value], context: CellContext = CellContext()) throws -> [String: Value] {
        var top = [String: Variable]()
        for (name, value) in globals { top[name] = Variable(value: value, isMutable: context.constants[name] == nil) }
        frames = [top, [:]]
        self.context = context
        self.program = program
        defer {
            frames = []
            self.context = CellContext()
            self.program = nil
            declaredFunctions = []
            callDepth = 0
            running = []
            builtinsCalled = []
            loops = []
        }
        try preflight(program, globals: globals)
        _ = try execute(program.statements)
        var result: [String: Value] = [:]
        for name in program.definedNames {
            if let variable = lookup(name) { result[name] = variable.value }
        }
        return result
    }

    // MARK: Scopes

    func lookup(_ name: String) -> Variable? {
        for index in frames.indices.reversed() {
            if let variable = frames[index][name] { return variable }
        }
        return nil
    }

    func frameIndex(of name: String) -> Int? {
        frames.indices.reversed().first { frames[$0][name] != nil }
    }

    /// Names visible now, and every name the notebook defined before this cell, for suggestions.
    var visibleNames: Set<String> {
        Set(frames.flatMap(\.keys)).union(context.knownNames).filter { !$0.hasPrefix("$") }
    }

    func withFrame<T>(_ frame: [String: Variable] = [:], _ body: () throws -> T) rethrows -> T {
        frames.append(frame)
        defer { frames.removeLast() }
        return try body()
    }

    func checkCancelled(at range: SourceRange?) throws {
        if isCancelled() {
            throw ScriptError(kind: .cancelled, message: "execution cancelled", range: range)
        }
    }

    // MARK: Statements

    func execute(_ statements: [Statement]) throws -> Flow {
        for statement in statements {
            try checkCancelled(at: statement.range)
            let flow = try execute(statement)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    func execute(_ statement: Statement) throws -> Flow {
        switch statement.kind {
        case let .declaration(isMutable, name, nameRange, type, valueExpression):
            var value = try evaluate(valueExpression)
            if let type { value = try conform(value, to: type, range: valueExpression.range, nameRange: nameRange) }
            if name != "_" { frames[frames.count - 1][name] = Variable(value: value, isMutable: isMutable) }
        case let .assignment(target, op, value):
            try assign(target, op: op, value: value, range: statement.range)
        case .expression(let expression):
            _ = try evaluate(expression)
        case let .forIn(pattern, sequence, body):
            return try executeFor(pattern: pattern, sequence: sequence, body: body, range: statement.range)
        case let .whileLoop(condition, body):
            while try evaluateCondition(condition) {
                try checkCancelled(at: statement.range)
                let flow = try withFrame { try execute(body) }
                switch flow {
                case .breakLoop: return .normal
                case .returned: return flow
                case .normal, .continueLoop: continue
                }
            }
        case let .conditional(branches, otherwise):
            for branch in branches where try evaluateCondition(branch.condition) {
                return try withFrame { try execute(branch.body) }
            }
            if let otherwise { return try withFrame { try execute(otherwise) } }
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        case .returnValue(let value):
            return .returned(try value.map(evaluate) ?? .void)
        case .function(let declaration):
            try declare(declaration, range: statement.range)
        case let .destructuring(isMutable, names, nameRanges, valueExpression):
            let value = try evaluate(valueExpression)
            guard case .array(let parts) = value, parts.count == names.count else {
                throw ScriptError(kind: .wrongType,
                                  message: "cannot destructure a value of type '\(value.typeName)' into \(names.count) names",
                                  range: valueExpression.range,
                                  notes: ["the value must be a tuple (or array) of exactly \(names.count) elements"])
            }
            for (name, part) in zip(names, parts) {
                if let name { frames[frames.count - 1][name] = Variable(value: part, isMutable: isMutable) }
            }
            _ = nameRanges
        case let .guardStatement(condition, otherwise):
            if try !evaluateCondition(condition) {
                return try withFrame { try execute(otherwise) }
            }
        }
        return .normal
    }

    func executeFor(pattern: ForPattern, sequence: Expression, body: [Statement], range: SourceRange) throws -> Flow {
        let collection = try evaluate(sequence)
        let count: Int
        switch collection {
        case .array(let elements): count = elements.count
        case .range(let lower, let upper): count = max(0, upper - lower)
        case .string(let text): count = text.count
        default: count = 0
        }
        let variable: String
        switch pattern {
        case .name(let name): variable = name
        case .tuple(let names): variable = "(" + names.map { $0 ?? "_" }.joined(separator: ", ") + ")"
        case .wildcard: variable = "_"
        }
        loops.append(LoopState(function: running.last?.declaration.name, variable: variable, index: 0, count: count))
        let level = loops.count - 1
        defer {
            loops.removeLast()
            onIteration?(loops)
        }
        func iteration(_ element: Value) throws -> Flow? {
            try checkCancelled(at: range)
            loops[level].index += 1
            onIteration?(loops)
            let frame = try bind(pattern, to: element, range: range)
            let flow = try withFrame(frame) { try execute(body) }
            switch flow {
            case .breakLoop: return .normal
            case .returned: return flow
            case .normal, .continueLoop: return nil
            }
        }
        switch collection {
        case .array(let elements):
            for element in elements { if let flow = try iteration(element) { return flow } }
        case .range(let lower, let upper):
            var current = lower
            while current < upper {
                if let flow = try iteration(.int(current)) { return flow }
                current += 1
            }
        case .string(let text):
            for character in text { if let flow = try iteration(.string(String(character))) { return flow } }
        default:
            throw ScriptError(kind: .wrongType,
                              message: "for-in loop requires a sequence; value of type '\(collection.typeName)' is not one",
                              range: sequence.range)
        }
        return .normal
    }

    func bind(_ pattern: ForPattern, to element: Value, range: SourceRange) throws -> [String: Variable] {
        switch pattern {
        case .wildcard:
            return [:]
        case .name(let name):
            return [name: Variable(value: element, isMutable: false)]
        case .tuple(let names):
            guard case .array(let parts) = element, parts.count == names.count else {
                throw ScriptError(kind: .wrongType,
                                  message: "cannot destructure value of type '\(element.typeName)' into \(names.count) names",
                                  range: range, notes: ["use 'enumerated()' or 'zip(_:_:)' to loop over pairs"])
            }
            var frame: [String: Variable] = [:]
            for (name, part) in zip(names, parts) {
                if let name { frame[name] = Variable(value: part, isMutable: false) }
            }
            return frame
        }
    }

    func evaluateCondition(_ expression: Expression) throws -> Bool {
        let value = try evaluate(expression)
        guard case .bool(let flag) = value else {
            throw ScriptError(kind: .wrongType,
                              message: "type '\(value.typeName)' cannot be used as a boolean",
                              range: expression.range,
                              notes: value.numericValue != nil ? ["test for '!= 0' instead"] : [])
        }
        return flag
    }

    /// Checks a declared type, converting Int to Double where `Double` is written.
    func conform(_ value: Value, to type: TypeAnnotation, range: SourceRange, nameRange: SourceRange,
                 context: String? = nil) throws -> Value {
        let failure = ScriptError(kind: .wrongType,
                                  message: "cannot convert value of type '\(value.typeName)' to " + (context ?? "specified type '\(type)'"),
                                  range: range)
        switch type {
        case .named("Any"):
            return value
        case .named("Double"):
            guard let number = value.numericValue else { throw failure }
            return .double(number)
        case .named(let name):
            guard value.typeName == name else { throw failure }
            return value
        case .array(let element):
            guard let elements = value.elements else { throw failure }
            do {
                return .array(try elements.map { try conform($0, to: element, range: range, nameRange: nameRange) })
            } catch {
                throw failure
            }
        case .tuple(let types):
            guard case .array(let elements) = value, elements.count == types.count else { throw failure }
            do {
                return .array(try zip(elements, types).map { try conform($0, to: $1, range: range, nameRange: nameRange) })
            } catch {
                throw failure
            }
        }
    }
}
