/// Parses cell source into a `Program` and runs the static analysis over it.
public enum Parser {
    /// Deepest nesting of blocks, parentheses and operators accepted; deeper input is reported
    /// as an error rather than risking the stack.
    public static let maximumNestingDepth = 256

    /// Parses `source`; throws `ScriptError` (kind `.syntax`, `.immutable`, `.redeclaration`)
    /// pointing at the offending text.
    public static func parse(_ source: String) throws -> Program {
        let tokens = try Lexer.tokenize(source)
        var state = ParserState(tokens: tokens, depth: 0)
        state.sourceLines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let statements = try state.parseStatements(inBlock: false)
        guard case .endOfInput = state.current.kind else {
            throw ScriptError(kind: .syntax, message: "unexpected \(state.current.describedForError)",
                              range: state.current.range)
        }
        return try Analyzer.analyze(statements)
    }
}

/// The cursor and context of one recursive-descent parse.
struct ParserState {
    let tokens: [Token]
    var position = 0
    /// Current nesting depth, checked against `Parser.maximumNestingDepth`.
    var depth: Int
    /// False while parsing an `if`/`while`/`for` header, where `{` opens the body, not a closure.
    var allowTrailingClosure = true
    /// For each closure being parsed, one more than the largest `$n` seen in it.
    var anonymousCounts: [Int] = []
    /// The cell's source lines, to keep each function declaration's text.
    var sourceLines: [Substring] = []

    init(tokens: [Token], depth: Int) {
        // The lexer always ends with `.endOfInput`; an empty list still gets one so `current` is total.
        self.tokens = tokens.isEmpty
            ? [Token(kind: .endOfInput, range: SourceRange(start: SourceLocation(line: 1, column: 1), length: 1),
                     spaceBefore: true, newlineBefore: true, spaceAfter: true)]
            : tokens
        self.depth = depth
    }

    var current: Token { tokens[min(position, tokens.count - 1)] }

    func peek(_ offset: Int) -> Token { tokens[min(position + offset, tokens.count - 1)] }

    /// The last token consumed (or the first token before any).
    var previous: Token { tokens[max(0, min(position - 1, tokens.count - 1))] }

    @discardableResult
    mutating func advance() -> Token {
        let token = current
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    var atEnd: Bool {
        if case .endOfInput = current.kind { return true }
        return false
    }

    /// From `start` to the end of the last consumed token, when on one line.
    func range(from start: SourceRange) -> SourceRange { start.extended(to: previous.range) }

    func error(_ message: String, at range: SourceRange? = nil, notes: [String] = []) -> ScriptError {
        ScriptError(kind: .syntax, message: message, range: range ?? current.range, notes: notes)
    }

    mutating func expect(_ symbol: String, _ context: String) throws -> Token {
        guard current.isSymbol(symbol) else {
            throw error("expected '\(symbol)' \(context), found \(current.describedForError)")
        }
        return advance()
    }

    /// Runs `body` one level deeper, refusing to pass the nesting limit.
    mutating func descend<T>(_ body: (inout ParserState) throws -> T) throws -> T {
        guard depth < Parser.maximumNestingDepth else {
            throw error("code nested too deeply (limit \(Parser.maximumNestingDepth) levels)")
        }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }

    /// Statements up to the end of input, or up to (not including) the `}` closing a block.
    mutating func parseStatements(inBlock: Bool) throws -> [Statement] {
        var statements: [Statement] = []
        while true {
            while current.isSymbol(";") { advance() }
            if atEnd || (inBlock && current.isSymbol("}")) { break }
            if !inBlock, current.isSymbol("}") { throw error("extraneous '}' at top level") }
            statements.append(try parseStatement())
            if current.isSymbol(";") || atEnd || current.isSymbol("}") || current.newlineBefore { continue }
            if case .identifier(let word) = current.kind, word == "as" || word == "is" {
                throw error("'\(word)' is not supported in cells; values carry their own type: convert with Double(x), Int(x) or String(x) instead")
            }
            // Python read as two statements: `a and b`, `def f(x):`, `lambda x: e`, `not a`.
            if case .identifier(let word) = current.kind, let habit = PythonHabits.habit(word, at: .infix) {
                throw error(PythonHabits.message(habit))
            }
            if case .identifier(let word) = previous.kind,
               let habit = PythonHabits.habit(word, at: .statement) ?? PythonHabits.habit(word, at: .name) {
                throw error(PythonHabits.message(habit), at: previous.range)
            }
            throw error("consecutive statements on a line must be separated by ';'")
        }
        return statements
    }

    /// `{ statements }`.
    mutating func parseBlock(_ context: String) throws -> [Statement] {
        let open = current
        guard open.isSymbol("{") else {
            throw error("expected '{' \(context), found \(current.describedForError)")
        }
        advance()
        return try descend { state in
            let saved = state.allowTrailingClosure
            state.allowTrailingClosure = true
            defer { state.allowTrailingClosure = saved }
            let body = try state.parseStatements(inBlock: true)
            guard state.current.isSymbol("}") else {
                if state.atEnd {
                    throw state.error("expected '}' at end of block, found end of cell", at: open.range,
                                      notes: ["the block opened here is never closed"])
                }
                throw state.error("expected '}' at end of block, found \(state.current.describedForError)",
                                  notes: ["to match this opening '{' at \(open.range.start)"])
            }
            state.advance()
            return body
        }
    }

    mutating func parseStatement() throws -> Statement {
        let start = current
        if case .keyword(let keyword) = start.kind {
            switch keyword {
            case .let, .var: return try parseDeclaration()
            case .for: return try parseFor()
            case .while:
                advance()
                try refuseOptionalBinding(after: "while")
                let condition = try parseHeaderExpression()
                let body = try parseBlock("to begin the 'while' body")
                return Statement(.whileLoop(condition: condition, body: body), range: start.range)
            case .if: return try parseIf()
            case .break:
                advance()
                return Statement(.breakLoop, range: start.range)
            case .continue:
                advance()
                return Statement(.continueLoop, range: start.range)
            case .return:
                advance()
                if atEnd || current.newlineBefore || current.isSymbol("}") || current.isSymbol(";") {
                    return Statement(.returnValue(nil), range: start.range)
                }
                let value = try parseExpression()
                return Statement(.returnValue(value), range: range(from: start.range))
            case .func:
                return try parseFunction()
            case .struct, .class:
                throw error("'\(keyword.rawValue)' declarations are not supported in cells; use values, arrays and functions instead")
            default:
                break
            }
        }
        if case .identifier("guard") = start.kind, !peek(1).isSymbol("("), !peek(1).isSymbol("."), !peek(1).isSymbol("="),
           !peek(1).newlineBefore {
            return try parseGuard()
        }
        if case .identifier(let word) = start.kind, let advice = Self.unsupportedStatements[word],
           !peek(1).isSymbol("("), !peek(1).isSymbol("."), !peek(1).isSymbol("="), !peek(1).isSymbol("["), !peek(1).newlineBefore {
            throw error("'\(word)' is not supported in cells; \(advice)")
        }
        if case .identifier("_") = start.kind, peek(1).isSymbol("=") {
            advance()
            advance()
            let value = try parseExpression()
            return Statement(.expression(value), range: range(from: start.range))
        }
        let expression = try parseExpression()
        if let symbol = current.symbol, let op = Self.assignmentOperators[symbol] {
            let opToken = advance()
            guard Self.isAssignable(expression) else {
                throw error("cannot assign to this expression; only variables and subscripts of variables can be assigned",
                            at: opToken.range)
            }
            let value = try parseExpression()
            return Statement(.assignment(target: expression, operator: op, value: value),
                             range: expression.range)
        }
        return Statement(.expression(expression), range: expression.range)
    }

    /// Swift statements cells do not have, each with what to write instead. They are not
    /// keywords of the cell language, so a variable may still be called `repeat`.
    static let unsupportedStatements: [String: String] = [
        "switch": "write an 'if x == a { ... } else if x == b { ... } else { ... }' chain instead",
        "import": "every built-in is already available; remove this line",
        "enum": "use strings or numbers for the cases instead",
        "protocol": "use values, arrays and the built-ins instead",
        "extension": "write a top-level computation instead",
        "typealias": "use the type's own name instead",
        "do": "a failing built-in stops the cell by itself; write the statements without 'do { }'",
        "try": "a failing built-in stops the cell by itself; remove 'try'",
        "throw": "a cell stops at the first error by itself; use print to explain, or check with 'if'",
        "repeat": "write 'while condition { ... }' instead",
        "defer": "write the statements at the end of the cell instead",
    ]

    /// `=` maps to nil (plain assignment); compound forms to their operator.
    static let assignmentOperators: [String: InfixOperator?] = [
        "=": nil, "+=": .add, "-=": .subtract, "*=": .multiply, "/=": .divide, "%=": .remainder,
    ]

    /// A variable, or a subscript chain rooted at one.
    static func isAssignable(_ expression: Expression) -> Bool {
        var node = expression
        for _ in 0..<(Parser.maximumNestingDepth * 4) {
            switch node.kind {
            case .identifier(let name): return name != "_"
            case .subscripted(let base, _): node = base
            default: return false
            }
        }
        return false
    }

    mutating func parseDeclaration() throws -> Statement {
        let keyword = advance()
        let isMutable = keyword.isKeyword(.var)
        if current.isSymbol("(") { return try parseDestructuring(keyword: keyword, isMutable: isMutable) }
        let nameToken = current
        guard case .identifier(let name) = nameToken.kind else {
            throw error("expected a name after '\(isMutable ? "var" : "let")', found \(current.describedForError)")
        }
        advance()
        var type: TypeAnnotation?
        if current.isSymbol(":") {
            advance()
            type = try parseType()
        }
        guard current.isSymbol("=") else {
            throw error("expected '=' and an initial value for '\(name)'",
                        notes: ["every variable in a cell starts with a value, as in 'var \(name) = 0'"])
        }
        advance()
        let value = try parseExpression()
        return Statement(.declaration(isMutable: isMutable, name: name, nameRange: nameToken.range, type: type, value: value),
                         range: keyword.range.extended(to: nameToken.range))
    }

    mutating func parseType() throws -> TypeAnnotation {
        if current.isSymbol("(") {
            advance()
            var elements: [TypeAnnotation] = []
            while !current.isSymbol(")") {
                elements.append(try descend { try $0.parseType() })
                if current.isSymbol(",") { advance() } else if !current.isSymbol(")") {
                    throw error("expected ',' or ')' in the tuple type, found \(current.describedForError)")
                }
            }
            advance()
            return elements.count == 1 ? elements[0] : .tuple(elements)
        }
        if current.isSymbol("[") {
            advance()
            let element = try descend { try $0.parseType() }
            if current.isSymbol(":") {
                throw error("dictionary types are not supported in cells; keep two arrays (keys and values) and find a key with keys.firstIndex(of:) instead")
            }
            _ = try expect("]", "to close the array type")
            return try refuseOptionalType(.array(element))
        }
        guard case .identifier(let name) = current.kind, name != "_" else {
            throw error("expected a type, found \(current.describedForError)")
        }
        if name == "inout" {
            throw error("'inout' parameters are not supported in cells; return the new value and assign it instead, as in 'x = f(x)'")
        }
        advance()
        return try refuseOptionalType(.named(name))
    }

    /// `T?` and `T!` name optional types, which cells do not have.
    func refuseOptionalType(_ type: TypeAnnotation) throws -> TypeAnnotation {
        guard (current.isSymbol("?") || current.isSymbol("!")), !current.spaceBefore else { return type }
        throw error("optional types are not supported in cells; every value exists: write the type without '\(current.symbol ?? "?")'")
    }

    mutating func parseFor() throws -> Statement {
        let start = advance()
        let pattern: ForPattern
        switch current.kind {
        case .identifier(let name):
            advance()
            pattern = name == "_" ? .wildcard : .name(name)
        case .symbol("("):
            advance()
            var names: [String?] = []
            while true {
                guard case .identifier(let name) = current.kind else {
                    throw error("expected a name in the 'for' pattern, found \(current.describedForError)")
                }
                advance()
                names.append(name == "_" ? nil : name)
                if current.isSymbol(",") {
                    advance()
                    continue
                }
                _ = try expect(")", "to close the 'for' pattern")
                break
            }
            pattern = .tuple(names)
        default:
            throw error("expected a loop variable after 'for', found \(current.describedForError)")
        }
        guard current.isKeyword(.in) else {
            throw error("expected 'in' after the loop variable, found \(current.describedForError)")
        }
        advance()
        let sequence = try parseHeaderExpression()
        let body = try parseBlock("to begin the 'for' body")
        return Statement(.forIn(pattern: pattern, sequence: sequence, body: body), range: start.range)
    }

    mutating func parseIf() throws -> Statement {
        let start = current
        var branches: [ConditionalBranch] = []
        var otherwise: [Statement]?
        advance()
        while true {
            try refuseOptionalBinding(after: "if")
            let condition = try parseHeaderExpression()
            let body = try parseBlock("to begin the 'if' body")
            branches.append(ConditionalBranch(condition: condition, body: body))
            guard current.isKeyword(.else) else { break }
            advance()
            if current.isKeyword(.if) {
                advance()
                continue
            }
            otherwise = try parseBlock("after 'else'")
            break
        }
        return Statement(.conditional(branches: branches, otherwise: otherwise), range: start.range)
    }

    /// A condition or sequence before a `{` body: trailing closures are off there.
    /// `if let`, `while let`, `guard let` (and `var`) unwrap optionals, which cells do not have.
    func refuseOptionalBinding(after keyword: String) throws {
        guard current.isKeyword(.let) || current.isKeyword(.var) else { return }
        let binding = current.isKeyword(.let) ? "let" : "var"
        throw error("'\(keyword) \(binding)' is not supported in cells; there are no optionals to unwrap: "
                    + "test the value itself instead, as in '\(keyword) !xs.isEmpty { let x = xs[0] ... }'")
    }

    mutating func parseHeaderExpression() throws -> Expression {
        let saved = allowTrailingClosure
        allowTrailingClosure = false
        defer { allowTrailingClosure = saved }
        return try parseExpression()
    }
}
