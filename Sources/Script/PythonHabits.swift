/// Python that students type out of habit, each with the Swift a cell takes instead: one
/// table, which the parser consults for syntax and the interpreter for names and members.
/// `Tests/ScriptTests/PythonHabitGoldenTests.swift` runs every row's example against a
/// golden file of the errors it gives.
public enum PythonHabits {
    /// Where in a cell a habit shows.
    public enum Place: Sendable, Equatable {
        /// A word that starts a statement (`def`, `elif`).
        case statement
        /// A word between two expressions (`and`, `or`).
        case infix
        /// A name the cell does not define (`True`, `len`, `np`).
        case name
        /// A member of a value (`x.shape`).
        case member
        /// A form of the syntax itself (`**`, `f(t=250)`, a list comprehension, an f-string).
        case syntax
    }

    /// One habit.
    public struct Habit: Sendable {
        /// What Python writes: a word, a name or a short form.
        public var python: String
        /// Where it shows.
        public var place: Place
        /// What to write instead, in Swift.
        public var swift: String
        /// A cell that makes the mistake (its error is a golden test).
        public var example: String
    }

    /// Every habit, in the order the golden file lists them.
    public static let table: [Habit] = [
        Habit(python: "def", place: .statement, swift: "func double(_ x: Double) -> Double { return 2 * x }",
              example: "def double(x):\n    return 2 * x"),
        Habit(python: "lambda", place: .name, swift: "a closure: { x in 2 * x }", example: "let f = lambda"),
        Habit(python: "elif", place: .statement, swift: "} else if condition {", example: "let a = 1\nelif a > 2 { }"),
        Habit(python: "pass", place: .name, swift: "an empty block: { }", example: "pass"),
        Habit(python: "and", place: .infix, swift: "a && b", example: "let a = true and false"),
        Habit(python: "or", place: .infix, swift: "a || b", example: "let a = true or false"),
        Habit(python: "not", place: .name, swift: "!a", example: "let a = not true"),
        Habit(python: "True", place: .name, swift: "true", example: "let a = True"),
        Habit(python: "False", place: .name, swift: "false", example: "let a = False"),
        Habit(python: "None", place: .name, swift: "a value such as 0, \"\" or [] (cell values always exist; a Bool can say whether there is one)",
              example: "let a = None"),
        Habit(python: "len", place: .name, swift: "xs.count", example: "let n = len([1, 2])"),
        Habit(python: "range", place: .name, swift: "0..<n (a range; (0..<n).map { $0 } for an array)", example: "for i in range(3) { }"),
        Habit(python: "str", place: .name, swift: "String(x), or \"\\(x)\" inside a string", example: "let s = str(3)"),
        Habit(python: "int", place: .name, swift: "Int(x)", example: "let i = int(2.5)"),
        Habit(python: "float", place: .name, swift: "Double(x)", example: "let d = float(2)"),
        Habit(python: "np", place: .name,
              swift: "the built-ins: np.clip(x, 0, 1) is x.clamped(), np.mean(x) x.mean(), np.std(x) x.std(), np.sqrt(v) sqrt(v), np.abs(v) abs(v), np.random.randn(*x.shape) gaussianNoise(like: x), np.arange(n) (0..<n).map { $0 }",
              example: "let y = np.clip(2, 0, 1)"),
        Habit(python: "torch", place: .name,
              swift: "the built-ins: torch.randn_like(x) is gaussianNoise(like: x), torch.clamp(x, -1, 1) x.clamped(), x.mean() and x.std() as in torch",
              example: "let z = torch.randn_like(1)"),
        Habit(python: "shape", place: .member, swift: "x.width, x.height and x.channels (an array has .count)",
              example: "let s = [1, 2].shape"),
        Habit(python: "len", place: .member, swift: "xs.count", example: "let n = [1, 2].len"),
        Habit(python: "**", place: .syntax, swift: "pow(a, b)", example: "let p = 2 ** 3"),
        Habit(python: "f(t=250)", place: .syntax, swift: "f(t: 250): argument labels take ':'", example: "let y = max(1, b=2)"),
        Habit(python: "[e for x in xs]", place: .syntax, swift: "xs.map { x in e } (and .filter { x in c } for an 'if')",
              example: "let ys = [x * 2 for x in [1, 2]]"),
        Habit(python: "f\"...\"", place: .syntax, swift: "an ordinary string: Swift interpolates \"\\(x)\" in any string",
              example: "print(f\"{1}\")"),
    ]

    /// The habit `word` shows at `place`, if any.
    public static func habit(_ word: String, at place: Place) -> Habit? {
        table.first { $0.python == word && $0.place == place }
    }

    /// The error text for a habit: "'def' is Python; in a cell write func ...".
    static func message(_ habit: Habit) -> String {
        "'\(habit.python)' is Python; in a cell write \(habit.swift)"
    }

    /// The error text for the syntax habit `python` (a row of the table).
    static func syntaxMessage(_ python: String) -> String {
        habit(python, at: .syntax).map(message) ?? "'\(python)' is Python, not Swift"
    }

    /// The note an unknown name or member gets when it is a habit of `place`.
    static func note(_ name: String, at place: Place) -> String? {
        habit(name, at: place).map { "'\($0.python)' is Python; in a cell write \($0.swift)" }
    }
}
