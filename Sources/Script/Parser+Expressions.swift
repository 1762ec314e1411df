extension ParserState {
    /// A full expression: ternary and below.
    mutating func parseExpression() throws -> Expression {
        try descend { state in
            let condition = try state.parseBinary(minimumPrecedence: 1)
            guard state.current.isSymbol("?") else { return condition }
            if state.peek(1).isSymbol("?"), !state.peek(1).spaceBefore {
                throw state.error("'??' is not supported in cells; there are no optionals, so every value exists: write the value itself, or choose with 'c ? a : b'")
            }
            state.advance()
            let whenTrue = try state.parseExpression()
            _ = try state.expect(":", "in ternary expression")
            let whenFalse = try state.parseExpression()
            return Expression(.ternary(condition, whenTrue, whenFalse), range: state.range(from: condition.range))
        }
    }

    /// The infix operator at `token`, if it is one in binary position. A `-` or `!` with space
    /// before and none after is a prefix operator starting the next statement, as in Swift.
    func infix(at token: Token) -> (op: InfixOperator?, closedRange: Bool, precedence: Int)? {
        guard let symbol = token.symbol else { return nil }
        if symbol == "..<" || symbol == "..." { return (nil, symbol == "...", 4) }
        guard let op = InfixOperator(rawValue: symbol) else { return nil }
        if op == .subtract, token.spaceBefore, !token.spaceAfter { return nil }
        return (op, false, op.precedence)
    }

    /// Precedence climbing; left-deep chains are counted against the nesting limit so huge
    /// `a + a + ...` inputs cannot build trees too deep to walk.
    mutating func parseBinary(minimumPrecedence: Int) throws -> Expression {
        var lhs = try parseUnary()
        var chain = 0
        var lastPrecedence = 0
        while let (op, closed, precedence) = infix(at: current), precedence >= minimumPrecedence {
            let nonAssociative = precedence == 3 || precedence == 4
            if nonAssociative, lastPrecedence == precedence {
                throw error("adjacent operators are in non-associative precedence group '\(precedence == 3 ? "ComparisonPrecedence" : "RangeFormationPrecedence")'",
                            notes: ["add parentheses to make the order explicit"])
            }
            advance()
            chain += 1
            guard depth + chain < Parser.maximumNestingDepth * 2 else {
                throw error("expression too long (more than \(Parser.maximumNestingDepth) operators in a row)",
                            notes: ["split it into several 'let' statements"])
            }
            let rhs = try descend { try $0.parseBinary(minimumPrecedence: precedence + 1) }
            let range = lhs.range.extended(to: rhs.range)
            if let op {
                lhs = Expression(.binary(op, lhs, rhs), range: range)
            } else {
                lhs = Expression(.range(lhs, rhs, closed: closed), range: range)
            }
            lastPrecedence = precedence
        }
        return lhs
    }

    mutating func parseUnary() throws -> Expression {
        let start = current
        guard let symbol = start.symbol, symbol == "-" || symbol == "!" else { return try parsePostfix() }
        advance()
        if symbol == "-", !start.spaceAfter {
            // Fold `-123` so that `-9223372036854775808` is a valid Int literal.
            let literal = current
            var folded: Int?
            switch literal.kind {
            case .integer(let value) where value != Int.min: folded = -value
            case .oversizedInteger(let text): folded = Int("-" + text)
            default: break
            }
            if let folded, !(peek(1).isSymbol(".") || peek(1).isSymbol("[")) {
                advance()
                return Expression(.integer(folded), range: range(from: start.range))
            }
        }
        let operand = try descend { try $0.parseUnary() }
        let op: UnaryOperator = symbol == "-" ? .negate : .not
        return Expression(.unary(op, operand), range: start.range.extended(to: operand.range))
    }

    mutating func parsePostfix() throws -> Expression {
        var expression = try parsePrimary()
        var chain = 0
        while true {
            let token = current
            if token.isSymbol(".") {
                advance()
                let nameToken = current
                let name: String
                switch nameToken.kind {
                case .identifier(let identifier): name = identifier
                case .keyword(let keyword): name = keyword.rawValue
                case .integer(let index):
                    // A tuple member, `pair.0`: tuples are fixed arrays, so it is `pair[0]`.
                    advance()
                    expression = Expression(.subscripted(expression, Expression(.integer(index), range: nameToken.range)),
                                            range: range(from: expression.range))
                    continue
                default: throw error("expected a member name after '.', found \(current.describedForError)")
                }
                advance()
                expression = Expression(.member(expression, name: name, nameRange: nameToken.range),
                                        range: range(from: expression.range))
            } else if token.isSymbol("("), !token.newlineBefore {
                advance()
                let arguments = try parseArguments()
                expression = Expression(.call(expression, arguments), range: range(from: expression.range))
            } else if token.isSymbol("["), !token.newlineBefore {
                advance()
                let index = try withTrailingClosures { try $0.parseExpression() }
                _ = try expect("]", "to close the subscript")
                expression = Expression(.subscripted(expression, index), range: range(from: expression.range))
            } else if token.isSymbol("!"), !token.spaceBefore {
                // A force unwrap, as Swift writes `xs.last!`. Cell values are never nil (an
                // empty array's `first` stops the cell with an error), so it changes nothing.
                advance()
                expression = Expression(expression.kind, range: range(from: expression.range))
            } else if token.isSymbol("?"), !token.spaceBefore {
                throw error("cells have no optionals, so there is nothing to unwrap with '?': write the expression without it (an empty array's 'first' or 'last' is an error, not nil)")
            } else if token.isSymbol("{"), !token.newlineBefore, allowTrailingClosure {
                let closure = try parseClosure()
                let argument = Argument(label: nil, labelRange: nil, value: closure)
                if case .call(let callee, let arguments) = expression.kind {
                    expression = Expression(.call(callee, arguments + [argument]), range: range(from: expression.range))
                } else {
                    expression = Expression(.call(expression, [argument]), range: range(from: expression.range))
                }
            } else {
                return expression
            }
            chain += 1
            guard depth + chain < Parser.maximumNestingDepth * 2 else {
                throw error("expression too long (more than \(Parser.maximumNestingDepth) calls, members or subscripts in a row)")
            }
        }
    }

    /// Runs `body` with trailing closures allowed (inside brackets, they cannot be confused with a body).
    mutating func withTrailingClosures<T>(_ body: (inout ParserState) throws -> T) throws -> T {
        let saved = allowTrailingClosure
        allowTrailingClosure = true
        defer { allowTrailingClosure = saved }
        return try body(&self)
    }

    /// After `(`: `label: value` or `value`, comma separated, up to and including `)`.
    mutating func parseArguments() throws -> [Argument] {
        try withTrailingClosures { state in
            var arguments: [Argument] = []
            while !state.current.isSymbol(")") {
                var label: String?
                var labelRange: SourceRange?
                if state.peek(1).isSymbol(":") {
                    switch state.current.kind {
                    case .identifier(let name): label = name
                    case .keyword(let keyword): label = keyword.rawValue
                    default: break
                    }
                    if label != nil {
                        labelRange = state.current.range
                        state.advance()
                        state.advance()
                    }
                }
                if case .identifier = state.current.kind, state.peek(1).isSymbol("=") {
                    throw state.error(PythonHabits.syntaxMessage("f(t=250)"), at: state.current.range.extended(to: state.peek(1).range))
                }
                let value: Expression
                if let symbol = state.current.symbol, let op = InfixOperator(rawValue: symbol),
                   state.peek(1).isSymbol(",") || state.peek(1).isSymbol(")") {
                    value = Expression(.operatorFunction(op), range: state.advance().range)
                } else {
                    value = try state.parseExpression()
                }
                arguments.append(Argument(label: label, labelRange: labelRange, value: value))
                if state.current.isSymbol(",") {
                    state.advance()
                } else if !state.current.isSymbol(")") {
                    throw state.error("expected ',' or ')' in argument list, found \(state.current.describedForError)")
                }
            }
            state.advance()
            return arguments
        }
    }

    mutating func parsePrimary() throws -> Expression {
        let token = current
        switch token.kind {
        case .integer(let value):
            advance()
            return Expression(.integer(value), range: token.range)
        case .oversizedInteger(let text):
            throw error("integer literal '\(text)' overflows when stored into 'Int'")
        case .double(let value):
            advance()
            return Expression(.double(value), range: token.range)
        case .string(let segments):
            advance()
            return Expression(.string(try parseStringParts(segments)), range: token.range)
        case .keyword(.true), .keyword(.false):
            advance()
            return Expression(.bool(token.isKeyword(.true)), range: token.range)
        case .keyword(.nil):
            throw error("'nil' is not supported: cell values always exist; use a value such as 0, \"\" or [] (or a Bool saying whether there is one) instead")
        case .identifier("_"):
            throw error("'_' can only appear in a pattern or on the left side of an assignment")
        case .identifier("try") where !peek(1).isSymbol("(") && !peek(1).isSymbol("."):
            throw error("'try' is not supported in cells; a failing built-in stops the cell by itself; remove 'try'")
        case .identifier("f") where peek(1).isStringLiteral && !token.spaceAfter:
            throw error(PythonHabits.syntaxMessage("f\"...\""), at: token.range.extended(to: peek(1).range))
        case .identifier(let name):
            advance()
            return Expression(.identifier(name), range: token.range)
        case .anonymous(let index):
            guard !anonymousCounts.isEmpty else {
                throw error("anonymous closure argument '$\(index)' is not contained in a closure")
            }
            anonymousCounts[anonymousCounts.count - 1] = max(anonymousCounts[anonymousCounts.count - 1], index + 1)
            advance()
            return Expression(.anonymousParameter(index), range: token.range)
        case .symbol("("):
            advance()
            let inner = try withTrailingClosures { try $0.parseExpression() }
            if current.isSymbol(",") {
                var elements = [inner]
                while current.isSymbol(",") {
                    advance()
                    elements.append(try withTrailingClosures { try $0.parseExpression() })
                }
                _ = try expect(")", "to close the tuple")
                return Expression(.tuple(elements), range: range(from: token.range))
            }
            _ = try expect(")", "to close the parenthesis")
            return Expression(inner.kind, range: range(from: token.range))
        case .symbol("["):
            advance()
            return try withTrailingClosures { state in
                var elements: [Expression] = []
                let dictionaryAdvice = "dictionaries are not supported in cells; keep two arrays (keys and values) and find a key with keys.firstIndex(of:) instead"
                if state.current.isSymbol(":") { throw state.error(dictionaryAdvice) }
                while !state.current.isSymbol("]") {
                    elements.append(try state.parseExpression())
                    if state.current.isSymbol(":") { throw state.error(dictionaryAdvice) }
                    if state.current.isKeyword(.for) { throw state.error(PythonHabits.syntaxMessage("[e for x in xs]")) }
                    if state.current.isSymbol(",") {
                        state.advance()
                    } else if !state.current.isSymbol("]") {
                        throw state.error("expected ',' or ']' in array literal, found \(state.current.describedForError)")
                    }
                }
                state.advance()
                return Expression(.array(elements), range: state.range(from: token.range))
            }
        case .symbol("{"):
            return try parseClosure()
        case .symbol("*") where previous.isSymbol("*") && !previous.spaceAfter:
            throw error(PythonHabits.syntaxMessage("**"), at: previous.range.extended(to: token.range))
        default:
            throw error("expected an expression, found \(token.describedForError)")
        }
    }

    /// Parses each interpolation's tokens with a nested parser that shares depth and closure context.
    mutating func parseStringParts(_ segments: [Token.Segment]) throws -> [StringPart] {
        var parts: [StringPart] = []
        for segment in segments {
            switch segment {
            case .text(let text):
                parts.append(.text(text))
            case .interpolation(let tokens, let range):
                var nested = ParserState(tokens: tokens, depth: depth + 1)
                nested.anonymousCounts = anonymousCounts
                guard nested.depth < Parser.maximumNestingDepth else {
                    throw error("code nested too deeply (limit \(Parser.maximumNestingDepth) levels)", at: range)
                }
                if nested.atEnd { throw error("expected an expression in string interpolation", at: range) }
                let expression = try nested.parseExpression()
                guard nested.atEnd else {
                    throw nested.error("unexpected \(nested.current.describedForError) in string interpolation")
                }
                anonymousCounts = nested.anonymousCounts
                parts.append(.interpolation(expression))
            }
        }
        return parts
    }

    /// `{ x, y in body }`, `{ (x) in body }` or `{ body using $0 }`.
    mutating func parseClosure() throws -> Expression {
        let open = advance()
        let parameters = scanClosureParameters()
        return try descend { state in
            state.anonymousCounts.append(0)
            let body = try state.withTrailingClosures { try $0.parseStatements(inBlock: true) }
            let anonymous = state.anonymousCounts.removeLast()
            guard state.current.isSymbol("}") else {
                if state.atEnd {
                    throw state.error("expected '}' at end of closure, found end of cell", at: open.range,
                                      notes: ["the closure opened here is never closed"])
                }
                throw state.error("expected '}' at end of closure, found \(state.current.describedForError)",
                                  notes: ["to match this opening '{' at \(open.range.start)"])
            }
            state.advance()
            if parameters != nil, anonymous > 0 {
                throw state.error("anonymous closure arguments cannot be used inside a closure that has explicit parameters",
                                  at: open.range)
            }
            let closure = Closure(parameters: parameters?.names ?? [], parameterTypes: parameters?.types ?? [],
                                  anonymousParameterCount: anonymous, body: body)
            return Expression(.closure(closure), range: open.range)
        }
    }

    /// Consumes `a, b in` or `(a, b) in` when present; otherwise leaves the position alone.
    mutating func scanClosureParameters() -> (names: [String], types: [TypeAnnotation?])? {
        let saved = position
        let parenthesized = current.isSymbol("(")
        if parenthesized { advance() }
        var names: [String] = []
        var types: [TypeAnnotation?] = []
        while case .identifier(let name) = current.kind {
            names.append(name)
            advance()
            // `(x: Int, y: Double)`: typed parameters, inside parentheses only.
            if parenthesized, current.isSymbol(":") {
                advance()
                guard let type = try? parseType() else { position = saved; return nil }
                types.append(type)
            } else {
                types.append(nil)
            }
            if current.isSymbol(",") { advance() } else { break }
        }
        if parenthesized {
            if current.isSymbol(")") { advance() } else { names = [] }
            // `-> Type` after the parameter list.
            if current.isSymbol("->") {
                advance()
                guard (try? parseType()) != nil else { position = saved; return nil }
            }
        }
        if !names.isEmpty || parenthesized, current.isKeyword(.in) {
            advance()
            return (names, types)
        }
        position = saved
        return nil
    }
}
