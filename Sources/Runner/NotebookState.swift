import Script

/// What the cells of one notebook have defined so far, as the runner walks them: the values,
/// the digest each later cell's key records of them, which names a failed cell left
/// undefined, and which are constant. Every change goes through `define`, `leaveUndefined`,
/// `forget` and `declare`, so these stay consistent.
struct NotebookState {
    /// The values by name (front-matter parameters first).
    private(set) var environment: [String: Value] = [:]
    /// How a reader's key records each value: the digest of a cell's value, or the
    /// parameter's own text.
    private var keys: [String: String] = [:]
    /// Names a failed cell should have defined, with that cell's index: their readers are skipped.
    private var failedBy: [String: Int] = [:]
    /// Every name defined so far, for "did you mean" hints.
    private(set) var knownNames: Set<String> = []
    /// Constant names, with where each was declared so.
    private(set) var constants: [String: String] = [:]

    /// The state before the first cell: the front matter's parameters, constant.
    init(parameters: [(name: String, value: Value, text: String)]) {
        for parameter in parameters {
            environment[parameter.name] = parameter.value
            keys[parameter.name] = "parameter=\(parameter.text)"
            constants[parameter.name] = "as a parameter in the front matter"
            knownNames.insert(parameter.name)
        }
    }

    /// What `program` reads, as its cell key records it.
    func reads(_ program: Program) -> [String: String] {
        var reads = [String: String]()
        for name in program.freeNames { if let key = keys[name] { reads[name] = key } }
        return reads
    }

    /// The first name (alphabetically) `program` reads that a failed cell left undefined,
    /// with that cell's index.
    func failedRead(_ program: Program) -> (name: String, cell: Int)? {
        program.freeNames.sorted().lazy.compactMap { name in failedBy[name].map { (name, $0) } }.first
    }

    /// A cell's values are now defined, and its names no longer wait on a failed cell.
    mutating func define(_ values: [String: Value], stored: [String: StoredValue], names: [String]) {
        environment.merge(values) { _, new in new }
        for (name, value) in stored { keys[name] = "value=" + value.digest }
        for name in names { failedBy[name] = nil }
    }

    /// `names` are missing because cell `index` failed (or was skipped for that reason);
    /// their earlier values, if any, stay but are not read.
    mutating func leaveUndefined(_ names: some Sequence<String>, by index: Int) {
        for name in names { failedBy[name] = index }
    }

    /// `names` are missing because cell `index` failed while running: their earlier values go too.
    mutating func forget(_ names: [String], failedAt index: Int) {
        for name in names {
            failedBy[name] = index
            environment[name] = nil
            keys[name] = nil
        }
    }

    /// Records what cell `index` (at `line` of the notebook) declares, whatever happened to
    /// it: its names become known, its top-level `let`s constant for later cells, and a
    /// top-level `var` of a constant's name shadows it.
    mutating func declare(_ program: Program, cell index: Int, line: Int) {
        knownNames.formUnion(program.definedNames)
        for (name, range) in program.constants {
            constants[name] = "with 'let' in cell \(index + 1), line \(line + range.start.line - 1)"
        }
        for name in program.definedNames where program.constants[name] == nil { constants[name] = nil }
    }
}
