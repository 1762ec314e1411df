import Bindings
import Diagnostics
import Digest
import Foundation
import Notebook
import Pipeline
import Script

/// Runs the cells of one notebook in order: each cell is served from the cache when its
/// key matches, run otherwise, and skipped when it reads what a failed cell should have
/// defined. Cells that do not depend on a failure still run.
final class NotebookRun {
    private let document: NotebookDocument
    private let displayPath: String
    private let cache: CellCache
    private let options: RunOptions
    private let model: ModelChoice
    private let log: RunLog
    /// The deliverables table beside the notebook, which `deliverable(...)` checks ids against.
    private let deliverables: DeliverableTable?
    /// The source hashes of this version's cells (an inserted cell is told from an edited one).
    private lazy var sourceHashes = Set(document.cells.map { SHA256.hex(CellKeyInputs.normalize($0.source)) })
    /// Whether the run stopped early because `options.isCancelled` turned true; the
    /// outcomes then cover only the cells before the interrupted one.
    private(set) var cancelled = false
    /// Plan instead of run: nothing executes and nothing is written; each cell the cache
    /// cannot serve gets its wave in `pendingWaves`: 1 when everything it reads is at hand,
    /// else one more than the deepest pending cell it reads from (`Runner.plan`).
    var plans = false
    /// Cell index -> wave of the cells a plan found left to compute.
    private(set) var pendingWaves: [Int: Int] = [:]
    /// The pending cells that run the model (stage I or II): the ones worth a task of their own.
    private(set) var modelCells = Set<Int>()
    /// How many cells this run left to other tasks (`RunOptions.onlyCells`).
    private(set) var leftToOtherTasks = 0
    /// The wave of each name a pending cell defines.
    private var waveOf: [String: Int] = [:]

    init(document: NotebookDocument, displayPath: String, cache: CellCache, options: RunOptions,
         model: ModelChoice, log: RunLog, deliverables: DeliverableTable? = nil) {
        self.deliverables = deliverables
        self.document = document
        self.displayPath = displayPath
        self.cache = cache
        self.options = options
        self.model = model
        self.log = log
    }

    /// Runs every cell and returns what happened to each, in order.
    func run() -> [CellOutcome] {
        let seed = document.frontMatter.seed ?? 0
        let folder = URL(fileURLWithPath: document.path).deletingLastPathComponent().path
        let session = NotebookSession(notebookFolder: folder, projectRoot: options.projectRoot, seed: seed,
                                      allowedFolders: options.allowedFolders, model: model)
        session.isCancelled = options.isCancelled
        session.deliverables = deliverables.map { ($0.path, $0.ids) }
        let calls = CallCache(cache: cache, version: options.version, readable: !options.fresh)
        if options.reuseCalls { session.callStore = calls }
        let library = NotebookLibrary.make(session: session)
        let interpreter = Interpreter(library: library)
        interpreter.isCancelled = options.isCancelled
        let store = ValueStore(cache: cache)

        var state = NotebookState(parameters: document.frontMatter.parameters.map {
            (name: $0.name, value: Self.value(of: $0.value), text: "\($0.value)")
        })
        let previous = options.fresh ? nil : cache.notebookRecord(displayPath)
        var usedPrevious = Set<Int>()
        var recorded = [CellKeyInputs]()
        var outcomes = [CellOutcome]()
        var usedKeys = [String]()

        for cell in document.cells {
            if options.isCancelled() {
                cancelled = true
                break
            }
            let sourceHash = SHA256.hex(CellKeyInputs.normalize(cell.source))
            let program: Program
            do {
                program = try Parser.parse(cell.source)
            } catch {
                let inputs = CellKeyInputs(version: options.version, sourceHash: sourceHash, seed: seed, reads: [:])
                recorded.append(inputs)
                // The names it meant to define are missing, not unknown: their readers are skipped.
                state.leaveUndefined(Self.declaredNames(cell.source), by: cell.index)
                outcomes.append(fail(cell, error, seconds: 0, note: "miss: does not parse"))
                continue
            }

            let reads = state.reads(program)
            // What the cell calls, including through functions it calls from earlier cells.
            var called = program.calledFunctions
            for name in program.freeNames {
                if case .function(let function)? = state.environment[name] { called.formUnion(function.calledFunctions) }
            }
            let host = library.hostState(readByCalling: called).compactMap(HostState.init(rawValue:))
            let inputs = CellKeyInputs(version: options.version, sourceHash: sourceHash, seed: seed, reads: reads,
                                       host: Dictionary(uniqueKeysWithValues: host.map { ($0.rawValue, model.identity(of: $0)) }))
            let key = inputs.key
            recorded.append(inputs)
            // What this cell declares with `let` is constant for the cells after it, whatever
            // happens to this one.
            defer { state.declare(program, cell: cell.index, line: cell.line) }

            if plans, let deepest = program.freeNames.compactMap({ waveOf[$0] }).max() {
                plan(cell, program, wave: deepest + 1, reads: host, state: &state)
                continue
            }

            if let (name, failedIndex) = state.failedRead(program) {
                // Another task's cell waits on nothing of this run's.
                if let only = options.onlyCells, !only.contains(cell.index) {
                    leaveToOtherTask(cell, program, state: &state, outcomes: &outcomes)
                    continue
                }
                let failedCell = document.cells[failedIndex]
                let message = Diagnostic.line("\(displayPath):\(cell.line):1", "note",
                                              "not run: it reads '\(name)', which cell \(failedIndex + 1) (line \(failedCell.line)) did not define because it failed")
                log.cell(cell, displayPath: displayPath, verdict: "skipped", seconds: nil, detail: "reads '\(name)' from a failed cell")
                state.leaveUndefined(program.definedNames, by: failedIndex)
                outcomes.append(CellOutcome(cell: cell, status: .skipped, cacheNote: "not run", outputs: [], error: message))
                continue
            }

            let stored = options.fresh ? nil : cache.record(for: key)
            if let record = stored, filesUnchanged(record.files),
               let values = try? record.values.mapValues(store.load), figuresIntact(record) {
                state.define(values, stored: record.values, names: program.definedNames)
                for name in program.definedNames { waveOf[name] = nil }
                usedKeys.append(key)
                log.cell(cell, displayPath: displayPath, verdict: "hit", seconds: nil,
                         detail: String(format: "cached; it took %.2f s when it ran", record.seconds))
                log.printed(record.outputs.compactMap { if case let .text(text) = $0 { return text } else { return nil } })
                outcomes.append(CellOutcome(cell: cell, status: .cached(record.seconds), cacheNote: "hit",
                                            outputs: record.outputs, error: nil))
                continue
            }

            if plans {
                plan(cell, program, wave: 1, reads: host, state: &state)
                continue
            }
            if let only = options.onlyCells, !only.contains(cell.index) {
                leaveToOtherTask(cell, program, state: &state, outcomes: &outcomes)
                continue
            }
            if let note = options.unservedCellNote {
                let message = Diagnostic.line("\(displayPath):\(cell.line):1", "note", "not run: \(note)")
                leaveUnrun(cell, program, detail: note, error: message, state: &state, outcomes: &outcomes)
                continue
            }
            // An entry that exists for this very key but could not be used was damaged (a blob
            // changed on disk, a figure lost): say so rather than guess at an edit.
            let damaged = stored.map { filesUnchanged($0.files) } == true
            let why = options.fresh ? "--fresh"
                : damaged ? "cache entry damaged; recomputed"
                : explain(inputs, previous: previous, index: cell.index, used: &usedPrevious)
            session.beginCell()
            session.progress = { [log] step, total, label in log.progress(cell, loops: nil, step: (label, step, total)) }
            interpreter.onIteration = { [log] loops in log.progress(cell, loops: loops, step: nil) }
            let globals = state.environment.filter { program.freeNames.contains($0.key) }
            let context = CellContext(constants: state.constants.filter { globals[$0.key] != nil },
                                      knownNames: state.knownNames.union(state.environment.keys))
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                let values = try interpreter.run(program, globals: globals, context: context)
                let seconds = Self.seconds(since: start)
                let (outputs, files) = session.endCell()
                let storedOutputs = try store.store(outputs)
                let storedValues = try values.mapValues(store.store)
                try cache.store(CellRecord(key: key, inputs: inputs, values: storedValues, outputs: storedOutputs,
                                           seconds: seconds, files: files, calls: calls.takeUsedKeys()))
                usedKeys.append(key)
                state.define(values, stored: storedValues, names: program.definedNames)
                log.cell(cell, displayPath: displayPath, verdict: "miss", seconds: seconds,
                         detail: why + Self.reuseNote(session.callTally))
                log.printed(outputs.compactMap { if case let .text(text) = $0 { return text } else { return nil } })
                outcomes.append(CellOutcome(cell: cell, status: .executed(seconds), cacheNote: "miss: \(why)",
                                            outputs: storedOutputs, error: nil))
            } catch {
                let (partial, _) = session.endCell()
                _ = calls.takeUsedKeys()
                // An interrupted cell is not a failed one: nothing of it is stored and the
                // next run starts it again.
                if options.isCancelled() {
                    log.cell(cell, displayPath: displayPath, verdict: "stopped", seconds: Self.seconds(since: start), detail: "interrupted")
                    cancelled = true
                    break
                }
                state.forget(program.definedNames, failedAt: cell.index)
                // What the cell printed and showed before the failing line stays on its page,
                // above the error (its images are stored as blobs; the cell itself is not cached).
                let shown = (try? store.store(partial)) ?? []
                outcomes.append(fail(cell, error, seconds: Self.seconds(since: start), note: "miss: \(why)", outputs: shown))
            }
        }
        // An interrupted run keeps the previous record: it names what the last complete
        // run used, which `cache clean --keep-latest` keeps.
        // A plan, or a task that runs some of the cells, is not the notebook's run.
        if !cancelled, !plans, options.onlyCells == nil {
            try? cache.storeNotebookRecord(NotebookRecord(cells: recorded, keys: usedKeys), for: displayPath)
        }
        return outcomes
    }

    /// Leaves `cell`, which the cache cannot serve, to the task that computes it.
    private func leaveToOtherTask(_ cell: Cell, _ program: Program, state: inout NotebookState, outcomes: inout [CellOutcome]) {
        leftToOtherTasks += 1
        leaveUnrun(cell, program, detail: "another task computes it", error: nil, state: &state, outcomes: &outcomes)
    }

    /// Leaves `cell` unrun in a run that computes nothing of it: what it defines is missing
    /// for the cells after it, and its page block says `error` (or nothing).
    private func leaveUnrun(_ cell: Cell, _ program: Program, detail: String, error: String?,
                            state: inout NotebookState, outcomes: inout [CellOutcome]) {
        log.cell(cell, displayPath: displayPath, verdict: "not run", seconds: nil, detail: detail)
        state.forget(program.definedNames, failedAt: cell.index)
        outcomes.append(CellOutcome(cell: cell, status: .skipped, cacheNote: "not run", outputs: [], error: error))
    }

    /// Records `cell` as left for `wave`; what it defines is not at hand until then. `reads`
    /// is the host state its calls read: a cell reading the model (stage I or II) is costly.
    private func plan(_ cell: Cell, _ program: Program, wave: Int, reads: [HostState], state: inout NotebookState) {
        pendingWaves[cell.index] = wave
        if reads.contains(.model) || reads.contains(.upsampler) { modelCells.insert(cell.index) }
        for name in program.definedNames { waveOf[name] = wave }
        state.forget(program.definedNames, failedAt: cell.index)
    }

    /// A failed outcome with the error rendered against the notebook file.
    private func fail(_ cell: Cell, _ error: Error, seconds: Double, note: String, outputs: [StoredOutput] = []) -> CellOutcome {
        let text: String
        if let scriptError = error as? ScriptError {
            text = scriptError.rendered(path: displayPath, lineOffset: cell.line - 1, sourceLines: Self.lines(cell.source),
                                        function: { self.declaration(of: $0, before: cell) })
        } else {
            text = Diagnostic("\(Diagnostic(error))", file: displayPath, line: cell.line, column: 1).rendered(program: displayPath)
        }
        log.cell(cell, displayPath: displayPath, verdict: "FAILED", seconds: seconds, detail: nil)
        log.printed(outputs.compactMap { if case let .text(text) = $0 { return text } else { return nil } })
        log.cellFailed(cell, text)
        return CellOutcome(cell: cell, status: .failed(seconds), cacheNote: note, outputs: outputs, error: text)
    }

    /// The names a cell that does not parse appears to declare: `let`/`var` at the start of a
    /// line (a name, or the names of a tuple pattern) and `func NAME`.
    static func declaredNames(_ source: String) -> [String] {
        var names = [String]()
        for line in lines(source) {
            let words = line.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") })
            guard let first = words.first, line.trimmingCharacters(in: .whitespaces).hasPrefix(first) else { continue }
            switch first {
            case "let", "var":
                let rest = line.drop { $0 != "t" && $0 != "r" }.dropFirst().drop { $0 == " " }
                if rest.first == "(" {
                    let inside = rest.dropFirst().prefix { $0 != ")" }
                    names += inside.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0 != "_" }
                } else if words.count > 1 {
                    names.append(String(words[1]))
                }
            case "func" where words.count > 1:
                names.append(String(words[1]))
            default:
                continue
            }
        }
        return names
    }

    /// Where the function `name` that `cell` calls was declared: the file line of its `func`
    /// (in the last cell before `cell` that declares it) and the lines from there on.
    private func declaration(of name: String, before cell: Cell) -> (line: Int, lines: [String])? {
        for earlier in document.cells.reversed() where earlier.index < cell.index {
            let lines = Self.lines(earlier.source)
            let pattern = "func \(name)("
            if let k = lines.lastIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(pattern) }) {
                return (earlier.line + k, Array(lines[k...]))
            }
        }
        return nil
    }

    private static func lines(_ source: String) -> [String] {
        source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Why a cell missed: the first input that differs from its last run.
    private func explain(_ inputs: CellKeyInputs, previous: NotebookRecord?, index: Int, used: inout Set<Int>) -> String {
        guard let previous else { return "not cached yet" }
        // The same source anywhere in the last run is this cell, perhaps moved.
        if let match = previous.cells.indices.first(where: { !used.contains($0) && previous.cells[$0].sourceHash == inputs.sourceHash }) {
            used.insert(match)
            return inputs.change(since: previous.cells[match])
        }
        // The last run's cell at this place is still in the notebook, further on: this one was
        // inserted before it, not edited from it.
        if index < previous.cells.count, !used.contains(index), !sourceHashes.contains(previous.cells[index].sourceHash) {
            used.insert(index)
            return inputs.change(since: previous.cells[index])
        }
        return "new cell"
    }

    /// Whether every image a cached cell showed is still in the cache, undamaged (a damaged
    /// one makes the cell run again rather than break its page).
    private func figuresIntact(_ record: CellRecord) -> Bool {
        for output in record.outputs {
            guard case let .figure(figure) = output else { continue }
            for image in figure.images where (try? cache.blob(image.png)) == nil { return false }
        }
        return true
    }

    /// Whether every file a cached cell read still has the same contents.
    private func filesUnchanged(_ files: [String: String]) -> Bool {
        files.allSatisfy { path, digest in
            let absolute = path.hasPrefix("/") ? path : options.projectRoot + "/" + path
            guard let data = FileManager.default.contents(atPath: absolute) else { return false }
            return SHA256.hex([UInt8](data)) == digest
        }
    }

    /// "; 1 of 6 sdedit calls ran, 5 reused" for the built-ins of which the call cache served
    /// some; empty when it served none.
    static func reuseNote(_ tally: [String: CallTally]) -> String {
        tally.filter { $0.value.reused > 0 }.sorted { $0.key < $1.key }.map { name, count in
            let total = count.ran + count.reused
            return "; \(count.ran) of \(total) \(name) \(total == 1 ? "call" : "calls") ran, \(count.reused) reused"
        }.joined()
    }

    private static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// A front-matter parameter as a script value.
    static func value(of parameter: ParameterValue) -> Value {
        switch parameter {
        case let .int(i): return .int(i)
        case let .double(d): return .double(d)
        case let .string(s): return .string(s)
        case let .bool(b): return .bool(b)
        case let .list(items): return .array(items.map(value(of:)))
        }
    }
}
