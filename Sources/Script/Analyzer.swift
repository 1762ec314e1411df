/// Static pass over a parsed cell: scopes, `let` immutability, redeclarations, stray
/// `break`/`return`, and the names the cell reads, defines and calls.
struct Analyzer {
    /// Array methods that change their receiver, so the receiver must be a `var`.
    static let mutatingMethods: Set<String> = ["append", "removeLast", "removeAll"]

    struct Binding {
        var isMutable: Bool
        var range: SourceRange
    }

    /// Innermost scope last; index 0 is the cell's top level.
    var scopes: [[String: Binding]] = [[:]]
    var freeNames: Set<String> = []
    var definedNames: [String] = []
    var calledFunctions: Set<String> = []
    var constants: [String: SourceRange] = [:]
    var functions: [String: FunctionInfo] = [:]
    var loopDepth = 0
    var closureDepth = 0

    static func analyze(_ statements: [Statement]) throws -> Program {
        var analyzer = Analyzer()
        try analyzer.statements(statements)
        var program = Program(statements: statements, freeNames: analyzer.freeNames,
                              definedNames: analyzer.definedNames, calledFunctions: analyzer.calledFunctions,
                              constants: analyzer.constants)
        program.functions = analyzer.functions
        return program
    }

    /// The scope index declaring `name`, innermost first.
    func resolve(_ name: String) -> (level: Int, binding: Binding)? {
        for level in scopes.indices.reversed() {
            if let binding = scopes[level][name] { return (level, binding) }
        }
        return nil
    }

    mutating func define(_ name: String) {
        if !definedNames.contains(name) { definedNames.append(name) }
    }

    mutating func read(_ name: String) {
        if resolve(name) == nil { freeNames.insert(name) }
    }

    mutating func statements(_ list: [Statement]) throws {
        for statement in list { try self.statement(statement) }
    }

    mutating func block(_ list: [Statement], binding names: [String] = [], at range: SourceRange? = nil) throws {
        var scope: [String: Binding] = [:]
        for name in names where name != "_" {
            scope[name] = Binding(isMutable: false, range: range ?? SourceRange(start: SourceLocation(line: 1, column: 1), length: 1))
        }
        scopes.append(scope)
        defer { scopes.removeLast() }
        try statements(list)
    }

    mutating func statement(_ statement: Statement) throws {
        switch statement.kind {
        case let .declaration(isMutable, name, nameRange, _, value):
            try expression(value)
            guard name != "_" else { return }
            try declare(name, isMutable: isMutable, range: nameRange)
        case let .assignment(target, _, value):
            try expression(value)
            try mutation(of: target, verb: "assign to")
        case .expression(let value):
            try expression(value)
        case let .forIn(pattern, sequence, body):
            try expression(sequence)
            let names: [String]
            switch pattern {
            case .name(let name): names = [name]
            case .wildcard: names = []
            case .tuple(let entries): names = entries.compactMap { $0 }
            }
            loopDepth += 1
            defer { loopDepth -= 1 }
            try block(body, binding: names, at: statement.range)
        case let .whileLoop(condition, body):
            try expression(condition)
            loopDepth += 1
            defer { loopDepth -= 1 }
            try block(body)
        case let .conditional(branches, otherwise):
            for branch in branches {
                try expression(branch.condition)
                try block(branch.body)
            }
            if let otherwise { try block(otherwise) }
        case .breakLoop, .continueLoop:
            if loopDepth == 0 {
                let word = { if case .breakLoop = statement.kind { return "break" } else { return "continue" } }()
                throw ScriptError(kind: .syntax, message: "'\(word)' is only allowed inside a loop", range: statement.range)
            }
        case .returnValue(let value):
            if closureDepth == 0 {
                throw ScriptError(kind: .syntax, message: "'return' is only allowed inside a function or closure", range: statement.range)
            }
            if let value { try expression(value) }
        case .function(let declaration):
            try function(declaration, at: statement.range)
        case let .destructuring(isMutable, names, nameRanges, value):
            try expression(value)
            for (name, range) in zip(names, nameRanges) {
                guard let name else { continue }
                try declare(name, isMutable: isMutable, range: range)
            }
        case let .guardStatement(condition, otherwise):
            try expression(condition)
            try block(otherwise)
            guard let last = otherwise.last, Self.leavesScope(last) else {
                throw ScriptError(kind: .syntax, message: "the 'else' of a 'guard' must leave the scope",
                                  range: statement.range, notes: ["end it with 'return', 'break' or 'continue'"])
            }
        }
    }

    /// Whether a statement ends the enclosing block's flow.
    static func leavesScope(_ statement: Statement) -> Bool {
        switch statement.kind {
        case .returnValue, .breakLoop, .continueLoop: return true
        default: return false
        }
    }

    /// A name declared in the innermost scope (and, at the top level, a definition of the cell).
    mutating func declare(_ name: String, isMutable: Bool, range: SourceRange) throws {
        if let existing = scopes[scopes.count - 1][name] {
            throw ScriptError(kind: .redeclaration, message: "invalid redeclaration of '\(name)'", range: range,
                              related: .init("'\(name)' was first declared here", at: existing.range))
        }
        scopes[scopes.count - 1][name] = Binding(isMutable: isMutable, range: range)
        if scopes.count == 1 {
            define(name)
            if !isMutable { constants[name] = range }
        }
    }

    /// A function declaration: the body is analysed on its own, with the parameters and the
    /// function itself (for recursion) in scope; what it reads from outside is read by the
    /// cell where it is declared (to be captured), and what it calls is called by the cell.
    mutating func function(_ declaration: FunctionDeclaration, at range: SourceRange) throws {
        guard scopes.count == 1, closureDepth == 0 else {
            throw ScriptError(kind: .syntax, message: "functions are declared at the top level of a cell", range: range)
        }
        try declare(declaration.name, isMutable: false, range: declaration.nameRange)
        var inner = Analyzer()
        inner.scopes = [[declaration.name: Binding(isMutable: false, range: declaration.nameRange)]]
        inner.closureDepth = 1
        for parameter in declaration.parameters {
            if let value = parameter.defaultValue { try inner.expression(value) }
        }
        try inner.block(declaration.body, binding: declaration.parameters.map(\.name), at: declaration.nameRange)
        // The body's free names are read here (captured); those this cell declared are not free.
        for name in inner.freeNames { read(name) }
        calledFunctions.formUnion(inner.calledFunctions.filter { resolve($0) == nil })
        functions[declaration.name] = FunctionInfo(freeNames: inner.freeNames, calledFunctions: inner.calledFunctions)
    }

    /// An assignment target or mutating-method receiver: subscripts are read, the root variable
    /// must be a `var` when declared here, and is free and defined when it is not.
    mutating func mutation(of target: Expression, verb: String) throws {
        var node = target
        var rootName: String?
        walk: for _ in 0..<(Parser.maximumNestingDepth * 4) {
            switch node.kind {
            case .identifier(let name):
                rootName = name
                break walk
            case .subscripted(let base, let index):
                try expression(index)
                node = base
            default:
                try expression(node)
                break walk
            }
        }
        guard let name = rootName else { return }
        if let (level, binding) = resolve(name) {
            if !binding.isMutable {
                let message = verb == "assign to"
                    ? "cannot assign to value: '\(name)' is a 'let' constant"
                    : "cannot use mutating member on immutable value: '\(name)' is a 'let' constant"
                throw ScriptError(kind: .immutable, message: message, range: node.range,
                                  notes: ["change 'let' to 'var' to make it mutable"])
            }
            if level == 0 { define(name) }
        } else {
            freeNames.insert(name)
            define(name)
        }
    }

    mutating func expression(_ expression: Expression) throws {
        switch expression.kind {
        case .integer, .double, .bool, .anonymousParameter, .operatorFunction:
            break
        case .string(let parts):
            for case .interpolation(let inner) in parts { try self.expression(inner) }
        case .identifier(let name):
            read(name)
        case .array(let elements), .tuple(let elements):
            for element in elements { try self.expression(element) }
        case .unary(_, let operand):
            try self.expression(operand)
        case let .binary(_, lhs, rhs), let .range(lhs, rhs, _), let .subscripted(lhs, rhs):
            try self.expression(lhs)
            try self.expression(rhs)
        case let .ternary(condition, whenTrue, whenFalse):
            try self.expression(condition)
            try self.expression(whenTrue)
            try self.expression(whenFalse)
        case let .call(callee, arguments):
            switch callee.kind {
            case .identifier(let name):
                if resolve(name) == nil {
                    freeNames.insert(name)
                    calledFunctions.insert(name)
                }
            case let .member(base, name, _) where Self.mutatingMethods.contains(name) && ParserState.isAssignable(base):
                try mutation(of: base, verb: "mutate")
            default:
                try self.expression(callee)
            }
            for argument in arguments { try self.expression(argument.value) }
        case .member(let base, _, _):
            try self.expression(base)
        case .closure(let closure):
            let savedLoops = loopDepth
            loopDepth = 0
            closureDepth += 1
            defer {
                loopDepth = savedLoops
                closureDepth -= 1
            }
            try block(closure.body, binding: closure.parameters.filter { $0 != "_" }, at: expression.range)
        }
    }
}
