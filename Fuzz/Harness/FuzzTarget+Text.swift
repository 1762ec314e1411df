import Notebook
import Script

extension FuzzTarget {
    /// Steps (statements, loop iterations, calls) one script may take before it is cancelled;
    /// keeps `while true {}` from hanging the fuzzer while letting real cells finish.
    static let scriptStepBudget = 5_000

    /// Script's own globals plus a `print` that formats its arguments and drops the text, as
    /// the project's example scripts call it.
    static let scriptLibrary: Library = {
        var library = Library()
        for arity in 0...6 {
            let items = (0..<arity).map { Param.any("item\($0)", label: .unlabeled) }
            library.add(Builtin(name: "print", items, summary: "Formats its arguments and discards them.") { arguments in
                _ = try items.map { try arguments[$0].displayString }
                return .void
            })
        }
        return library
    }()

    /// Every model and precision name is accepted, so an input's body is parsed whatever its
    /// front matter names (the catalog's names are the unit tests' concern, not the fuzzer's);
    /// model blocks still check their patterns against a list.
    static let vocabulary = NotebookVocabulary(modelProblem: { _ in nil }, precisionProblem: { _ in nil },
                                               blockModels: ["trained", "builtin-local", "IF-I-L"])

    func runNotebook(_ bytes: [UInt8]) throws {
        let document = try NotebookParser.parse(bytes: bytes, path: "fuzz.md", vocabulary: Self.vocabulary)
        // The documented invariant a run relies on when it numbers cached cells.
        for (position, cell) in document.cells.enumerated() where cell.index != position {
            fatalError("notebook: cell at position \(position) has index \(cell.index)")
        }
    }

    func runScript(_ bytes: [UInt8]) throws {
        let program = try Parser.parse(String(decoding: bytes, as: UTF8.self))
        let interpreter = Interpreter(library: Self.scriptLibrary)
        let budget = StepBudget(steps: Self.scriptStepBudget)
        interpreter.isCancelled = { budget.spend() }
        _ = try interpreter.run(program, globals: [:])
    }
}
