/// The TeX command tables: Greek letters, operators, relations, arrows, accents and the
/// Unicode mathematical alphabets used by `\mathcal` and `\mathbb`.
enum TeXSymbols {
    /// The letter styles with their own Unicode alphabets.
    enum Style {
        case script, doubleStruck
    }

    /// Lowercase Greek: italic, as TeX sets them.
    private static let lowerGreek: [String: String] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
        "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
        "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "omicron": "ο", "pi": "π", "varpi": "ϖ",
        "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ",
        "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    ]

    /// Uppercase Greek: upright.
    private static let upperGreek: [String: String] = [
        "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
        "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    ]

    private static let binaries: [String: String] = [
        "cdot": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "ast": "∗", "star": "⋆",
        "circ": "∘", "bullet": "•", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "ominus": "⊖",
        "cup": "∪", "cap": "∩", "setminus": "∖", "wedge": "∧", "vee": "∨", "land": "∧", "lor": "∨",
    ]

    private static let relations: [String: String] = [
        "leftarrow": "←", "gets": "←", "rightarrow": "→", "to": "→", "leftrightarrow": "↔",
        "Leftarrow": "⇐", "Rightarrow": "⇒", "Leftrightarrow": "⇔", "implies": "⟹", "iff": "⟺",
        "longleftarrow": "⟵", "longrightarrow": "⟶", "mapsto": "↦", "uparrow": "↑", "downarrow": "↓",
        "sim": "∼", "simeq": "≃", "approx": "≈", "cong": "≅", "equiv": "≡", "propto": "∝",
        "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ll": "≪", "gg": "≫", "neq": "≠", "ne": "≠",
        "in": "∈", "notin": "∉", "ni": "∋", "subset": "⊂", "subseteq": "⊆", "supset": "⊃",
        "supseteq": "⊇", "mid": "|", "parallel": "∥", "perp": "⊥", "coloneqq": "≔",
    ]

    private static let ordinaries: [String: String] = [
        "infty": "∞", "partial": "∂", "nabla": "∇", "forall": "∀", "exists": "∃", "emptyset": "∅",
        "varnothing": "∅", "neg": "¬", "lnot": "¬", "ldots": "…", "dots": "…", "cdots": "⋯",
        "vdots": "⋮", "ddots": "⋱", "ell": "ℓ", "hbar": "ℏ", "prime": "′", "degree": "°",
        "sum": "∑", "prod": "∏", "int": "∫", "oint": "∮", "angle": "∠", "triangle": "△",
        "top": "⊤", "bot": "⊥", "aleph": "ℵ", "Re": "ℜ", "Im": "ℑ", "dagger": "†",
    ]

    private static let delimiters: [String: (String, TeXRenderer.Kind)] = [
        "langle": ("⟨", .open), "rangle": ("⟩", .close), "lVert": ("‖", .open), "rVert": ("‖", .close),
        "Vert": ("‖", .ordinary), "vert": ("|", .ordinary), "lvert": ("|", .open), "rvert": ("|", .close),
        "lfloor": ("⌊", .open), "rfloor": ("⌋", .close), "lceil": ("⌈", .open), "rceil": ("⌉", .close),
        "lbrace": ("{", .open), "rbrace": ("}", .close),
    ]

    private static let functions: Set<String> = [
        "log", "ln", "exp", "sin", "cos", "tan", "max", "min", "arg", "argmax", "argmin", "det",
        "lim", "sup", "inf", "dim", "ker", "Pr", "sgn", "softmax", "tanh", "sinh", "cosh", "mod",
    ]

    private static let spaces: [String: String] = [
        "quad": "\u{2003}", "qquad": "\u{2003}\u{2003}", "enspace": "\u{2002}", "thinspace": "\u{2009}",
    ]

    /// A command that stands for one symbol, or nil when `name` takes arguments or is unknown.
    static func symbol(_ name: String) -> TeXRenderer.Atom? {
        if let letter = lowerGreek[name] { return TeXRenderer.Atom(html: "<i>\(letter)</i>", kind: .ordinary) }
        if let letter = upperGreek[name] { return TeXRenderer.Atom(html: letter, kind: .ordinary) }
        if let symbol = binaries[name] { return TeXRenderer.Atom(html: symbol, kind: .binary) }
        if let symbol = relations[name] { return TeXRenderer.Atom(html: symbol, kind: .relation) }
        if let symbol = ordinaries[name] { return TeXRenderer.Atom(html: symbol, kind: .ordinary) }
        if let (symbol, kind) = delimiters[name] { return TeXRenderer.Atom(html: symbol, kind: kind) }
        if let space = spaces[name] { return TeXRenderer.Atom(html: space, kind: .space) }
        if functions.contains(name) {
            return TeXRenderer.Atom(html: "<span class=\"upright\">\(name)</span>", kind: .function)
        }
        return nil
    }

    /// `\` followed by a non-letter: spacing commands, escaped specials, `\\` line break.
    static func nonLetterCommand(_ symbol: Character) -> TeXRenderer.Atom? {
        switch symbol {
        case ",": return TeXRenderer.Atom(html: "\u{2009}", kind: .space)
        case ":", ">", ";": return TeXRenderer.Atom(html: "\u{2005}", kind: .space)
        case " ": return TeXRenderer.Atom(html: " ", kind: .space)
        case "!": return nil
        case "\\": return TeXRenderer.Atom(html: "<br>", kind: .space)
        case "|": return TeXRenderer.Atom(html: "‖", kind: .ordinary)
        case "{": return TeXRenderer.Atom(html: "{", kind: .open)
        case "}": return TeXRenderer.Atom(html: "}", kind: .close)
        default: return TeXRenderer.Atom(html: Report.escape(String(symbol)), kind: .ordinary)
        }
    }

    /// The combining mark an accent command puts over its argument.
    static func combiningAccent(_ name: String) -> String {
        switch name {
        case "hat", "widehat": return "\u{0302}"
        case "tilde", "widetilde": return "\u{0303}"
        case "dot": return "\u{0307}"
        case "ddot": return "\u{0308}"
        case "vec": return "\u{20D7}"
        case "check": return "\u{030C}"
        default: return "\u{0306}"
        }
    }

    /// Latin letters in a mathematical alphabet (𝒩, ℝ, ...); other characters unchanged.
    static func styled(_ text: String, style: Style) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            out += Report.escape(String(styledScalar(scalar, style: style)))
        }
        return out
    }

    private static func styledScalar(_ scalar: Unicode.Scalar, style: Style) -> Character {
        let value = scalar.value
        let isUpper = (0x41...0x5A).contains(value)
        let isLower = (0x61...0x7A).contains(value)
        guard isUpper || isLower else { return Character(scalar) }
        // Letters that Unicode placed in Letterlike Symbols before the maths alphabets existed.
        let holes: [Unicode.Scalar: UInt32]
        let upperBase: UInt32
        let lowerBase: UInt32
        switch style {
        case .script:
            holes = ["B": 0x212C, "E": 0x2130, "F": 0x2131, "H": 0x210B, "I": 0x2110, "L": 0x2112,
                     "M": 0x2133, "R": 0x211B, "e": 0x212F, "g": 0x210A, "o": 0x2134]
            upperBase = 0x1D49C
            lowerBase = 0x1D4B6
        case .doubleStruck:
            holes = ["C": 0x2102, "H": 0x210D, "N": 0x2115, "P": 0x2119, "Q": 0x211A, "R": 0x211D, "Z": 0x2124]
            upperBase = 0x1D538
            lowerBase = 0x1D552
        }
        let code = holes[scalar] ?? (isUpper ? upperBase + value - 0x41 : lowerBase + value - 0x61)
        return Unicode.Scalar(code).map(Character.init) ?? Character(scalar)
    }
}
