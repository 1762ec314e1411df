/// Functions, guards and tuple destructuring: what a cell needs to write its own loops.
extension ParserState {
    /// `func name(_ x: Int, label y: Double = 2) -> Type { body }`.
    mutating func parseFunction() throws -> Statement {
        let start = advance()
        let nameToken = current
        guard case .identifier(let name) = nameToken.kind, name != "_" else {
            throw error("expected a function name after 'func', found \(current.describedForError)")
        }
        advance()
        _ = try expect("(", "to begin the parameter list of '\(name)'")
        var parameters: [FunctionParameter] = []
        var seen = Set<String>()
        while !current.isSymbol(")") {
            let first = current
            guard case .identifier(let firstName) = first.kind else {
                throw error("expected a parameter name, found \(current.describedForError)")
            }
            advance()
            var label: String? = firstName == "_" ? nil : firstName
            var parameterName = firstName
            if case .identifier(let second) = current.kind {
                advance()
                parameterName = second
            } else if firstName == "_" {
                throw error("expected a parameter name after '_', found \(current.describedForError)")
            }
            if parameterName == firstName { label = firstName }
            guard seen.insert(parameterName).inserted else {
                throw error("invalid redeclaration of parameter '\(parameterName)'", at: previous.range)
            }
            guard current.isSymbol(":") else {
                throw error("expected ':' and a type after parameter '\(parameterName)'",
                            notes: ["parameters need a type, as in 'func \(name)(_ x: Int)'"])
            }
            advance()
            let type = try parseType()
            var defaultValue: Expression?
            if current.isSymbol("=") {
                advance()
                defaultValue = try withTrailingClosures { try $0.parseExpression() }
            }
            parameters.append(FunctionParameter(label: label, name: parameterName, type: type, defaultValue: defaultValue))
            if current.isSymbol(",") { advance() } else if !current.isSymbol(")") {
                throw error("expected ',' or ')' in the parameter list, found \(current.describedForError)")
            }
        }
        advance()
        var returnType: TypeAnnotation?
        if current.isSymbol("-") && peek(1).isSymbol(">") {
            advance()
            advance()
            returnType = try parseType()
        } else if current.isSymbol("->") {
            advance()
            returnType = try parseType()
        }
        let body = try parseBlock("to begin the body of '\(name)'")
        let endLine = previous.range.start.line
        let lines = sourceLines.isEmpty ? [] : sourceLines[(start.range.start.line - 1)..<min(endLine, sourceLines.count)]
        let declaration = FunctionDeclaration(name: name, nameRange: nameToken.range, parameters: parameters,
                                              returnType: returnType, body: body, source: lines.joined(separator: "\n"))
        return Statement(.function(declaration), range: start.range.extended(to: nameToken.range))
    }

    /// `guard condition else { ... }`.
    mutating func parseGuard() throws -> Statement {
        let start = advance()
        try refuseOptionalBinding(after: "guard")
        let condition = try parseHeaderExpression()
        guard current.isKeyword(.else) else {
            throw error("expected 'else' after the 'guard' condition, found \(current.describedForError)")
        }
        advance()
        let otherwise = try parseBlock("to begin the 'else' of the 'guard'")
        return Statement(.guardStatement(condition: condition, otherwise: otherwise), range: start.range)
    }

    /// `let (a, b) = e` after the keyword.
    mutating func parseDestructuring(keyword: Token, isMutable: Bool) throws -> Statement {
        advance()
        var names: [String?] = []
        var ranges: [SourceRange] = []
        while !current.isSymbol(")") {
            guard case .identifier(let name) = current.kind else {
                throw error("expected a name in the tuple pattern, found \(current.describedForError)")
            }
            ranges.append(current.range)
            names.append(name == "_" ? nil : name)
            advance()
            if current.isSymbol(",") { advance() } else if !current.isSymbol(")") {
                throw error("expected ',' or ')' in the tuple pattern, found \(current.describedForError)")
            }
        }
        advance()
        guard names.count >= 2 else { throw error("a tuple pattern needs at least two names", at: keyword.range) }
        guard current.isSymbol("=") else {
            throw error("expected '=' and a tuple value after the pattern")
        }
        advance()
        let value = try parseExpression()
        return Statement(.destructuring(isMutable: isMutable, names: names, nameRanges: ranges, value: value), range: keyword.range)
    }
}
