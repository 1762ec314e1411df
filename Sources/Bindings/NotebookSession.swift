import Charts
import Diffusion
import Digest
import Pipeline
import Script
import Foundation
import Tensor

/// An image shown by a cell.
public struct ShownImage: Sendable {
    /// The pixels, `[C, H, W]` in [0, 1].
    public var tensor: Tensor
    /// The caption under it.
    public var caption: String
    /// Where it came from.
    public var provenance: Provenance
    /// The illusion control the page offers for it ("flip", "rotate90"...), if any.
    public var view: String?
    /// How the page's pixels differ from the values, when they do: "values in [-0.42, 1.31],
    /// shown clipped", or that the image holds non-finite values.
    public var displayNote: String?

    /// A shown image from its parts; the display note is derived from the values.
    public init(tensor: Tensor, caption: String, provenance: Provenance, view: String? = nil) {
        self.tensor = tensor
        self.caption = caption
        self.provenance = provenance
        self.view = view
        self.displayNote = Self.displayNote(tensor)
    }

    /// What a reader of the PNG cannot see: values outside [0, 1] (clipped for display) or
    /// values that are not numbers at all.
    static func displayNote(_ tensor: Tensor) -> String? {
        guard tensor.isFinite else { return "holds NaN or infinite values (shown as 0)" }
        let low = tensor.min(), high = tensor.max()
        guard low < 0 || high > 1 else { return nil }
        return "values in [\(String(format: "%.2f", low)), \(String(format: "%.2f", high))], shown clipped"
    }
}

/// What a cell produced besides its variables.
public enum SessionOutput: Sendable {
    /// A line printed by `print`.
    case text(String)
    /// A figure made by `show`.
    case figure(title: String?, columns: Int?, images: [ShownImage])
    /// A chart made by `plot`.
    case chart(Chart, caption: String)
    /// The place in the cell's output that answers a deliverable (`deliverable("id")`, or
    /// `deliverable:` on the `show` or `plot` that follows).
    case deliverable(String)
}

/// The state the built-ins of one notebook share: where files are, the current cell's
/// random stream, what the cell has shown, the files it read, and the model.
///
/// Cells run one at a time on one thread; the lock only guards against misuse.
public final class NotebookSession: @unchecked Sendable {
    /// The folder relative paths in cells resolve against (the notebook's folder).
    public let notebookFolder: String
    /// The project root: cells may not read or write outside it (or `allowedFolders`).
    public let projectRoot: String
    /// Extra folders cells may use, granted on the command line.
    public let allowedFolders: [String]
    /// The notebook's seed.
    public let seed: UInt64

    private let lock = NSLock()
    private var callCounts: [String: Int] = [:]
    private var outputs: [SessionOutput] = []
    private var filesRead: [String: String] = [:]
    private var notesShown: Set<String> = []
    /// Whether a cell is running (host-state reads are checked only then).
    private var inCell = false
    /// The built-ins running now, outermost first, with the host state each declared.
    private var running: [(name: String, reads: Set<HostState>)] = []
    /// The model the notebook runs on (loaded when a cell first calls it). Private: built-ins
    /// reach its parts only through the checked reads below (`model()`, `schedule()`,
    /// `upsampler()`, `hasUpsampler()`), so none can read one it did not declare.
    private let modelChoice: ModelChoice
    private var loadedModel: LoadedModel?
    private var loadedUpsampler: Upsampler?
    /// Reports progress of long built-ins: (step, total, label).
    public var progress: @Sendable (Int, Int, String) -> Void = { _, _, _ in }
    /// When set, every call draws from a stream seeded with this instead: lets a test run a
    /// built-in and the sampler it wraps from the same numbers.
    public var fixedSeed: UInt64?
    /// Polled by long built-ins between steps.
    public var isCancelled: @Sendable () -> Bool = { false }
    /// Where results of expensive calls are kept across cells, notebooks and runs; nil
    /// computes every call.
    public var callStore: (any CallStore)?
    /// What the calls of the current cell did: per built-in, how many ran and how many were
    /// served by the call store.
    public var callTally: [String: CallTally] { lock.withLock { tallies } }
    private var tallies: [String: CallTally] = [:]
    /// The deliverables table beside the notebook (its path as errors show it, and its ids),
    /// which `deliverable(...)` checks names against; nil when there is none.
    public var deliverables: (path: String, ids: [String])?

    /// A session for a notebook in `notebookFolder` within `projectRoot`.
    public init(notebookFolder: String, projectRoot: String, seed: UInt64, allowedFolders: [String] = [],
                model: ModelChoice = .none) {
        self.notebookFolder = notebookFolder
        self.projectRoot = projectRoot
        self.seed = seed
        self.allowedFolders = allowedFolders
        self.modelChoice = model
    }

    /// Starts a cell: empty outputs, and every call counted from its first occurrence.
    public func beginCell() {
        lock.withLock {
            inCell = true
            callCounts = [:]
            outputs = []
            filesRead = [:]
            notesShown = []
            tallies = [:]
        }
    }

    /// Ends a cell, handing over what it showed and the files it read (path -> SHA-256).
    public func endCell() -> (outputs: [SessionOutput], files: [String: String]) {
        lock.withLock {
            inCell = false
            return (outputs, filesRead)
        }
    }

    /// Appends an output of the current cell.
    public func emit(_ output: SessionOutput) {
        lock.withLock { outputs.append(output) }
    }

    /// How many outputs the current cell has made so far.
    var outputCount: Int { lock.withLock { outputs.count } }

    /// The text outputs (notes) the current cell made after its first `start`.
    func texts(since start: Int) -> [String] {
        lock.withLock { outputs.dropFirst(start).compactMap { if case let .text(text) = $0 { text } else { nil } } }
    }

    /// Shows a note again, as a call served from the call cache made it: once per cell.
    func replay(_ text: String) {
        lock.withLock {
            let key = text.hasPrefix("note: ") ? String(text.dropFirst("note: ".count)) : text
            if notesShown.insert(key).inserted { outputs.append(.text(text)) }
        }
    }

    /// Counts a call of `name` in the cell's tally.
    func tally(_ name: String, reused: Bool) {
        lock.withLock {
            if reused { tallies[name, default: CallTally()].reused += 1 } else { tallies[name, default: CallTally()].ran += 1 }
        }
    }

    /// Shows `note` below the cell, once per cell.
    public func noteOnce(_ note: String) {
        lock.withLock {
            if notesShown.insert(note).inserted { outputs.append(.text("note: " + note)) }
        }
    }

    /// The random stream of one built-in call: derived from the notebook's seed, the call's
    /// name, the content of its arguments and how many identical calls the cell made before
    /// it. The same call on the same inputs draws the same numbers wherever it stands (adding
    /// an item to a loop leaves the other items' images alone), while two identical calls in
    /// a row still give two different samples.
    public func random(for call: String, _ arguments: Arguments) -> SeededRandom {
        if let fixedSeed { return SeededRandom(seed: fixedSeed) }
        let signature = call + " " + ValueDigest.of(arguments)
        let occurrence = countOccurrence(signature)
        var hasher = SHA256()
        hasher.update("noisebook-call-stream-v1\nseed=\(seed)\ncall=\(signature)\noccurrence=\(occurrence)")
        let digest = hasher.finalize()
        return SeededRandom(seed: digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) })
    }

    /// How many identical calls (`signature`: name and argument digest) the cell made before
    /// this one, counting this one.
    @discardableResult
    func countOccurrence(_ signature: String) -> Int {
        lock.withLock { () -> Int in
            let n = callCounts[signature, default: 0]
            callCounts[signature] = n + 1
            return n
        }
    }

    /// How many identical calls the cell has made so far, without counting one.
    func occurrences(_ signature: String) -> Int {
        lock.withLock { callCounts[signature, default: 0] }
    }

    /// Records that the cell read `path` with these contents.
    public func noteRead(path: String, bytes: [UInt8]) {
        let relative = relativeToProject(path)
        let digest = SHA256.hex(bytes)
        lock.withLock { filesRead[relative] = digest }
    }

    /// Runs `body` as the built-in `name`, which declared that it reads `reads`: inside a
    /// cell, a host-state read that no running built-in declared throws (`check`).
    public func declaring<T>(_ reads: Set<HostState>, by name: String, _ body: () throws -> T) throws -> T {
        lock.withLock { running.append((name, reads)) }
        defer { lock.withLock { _ = running.popLast() } }
        return try body()
    }

    /// Refuses a read of `state` inside a cell that the running built-ins did not declare:
    /// the runner keys a cell only on the state its calls declare, so an undeclared read
    /// would be served stale after that state changed.
    private func check(_ state: HostState) throws {
        let (inside, stack) = lock.withLock { (inCell, running) }
        guard inside, !state.isCovered(by: stack.reduce(into: Set<HostState>()) { $0.formUnion($1.reads) }) else { return }
        throw BindingsError.undeclaredRead(state: state.rawValue, builtin: stack.last?.name)
    }

    /// The model, loaded on first use.
    public func model() throws -> LoadedModel {
        try check(.model)
        if let loadedModel { return loadedModel }
        guard let load = modelChoice.load else {
            throw BindingsError.noModel
        }
        let model = try load()
        loadedModel = model
        return model
    }

    /// Stage II, loaded on first use.
    public func upsampler() throws -> Upsampler {
        try check(.upsampler)
        if let loadedUpsampler { return loadedUpsampler }
        guard let choice = modelChoice.upsampler else { throw BindingsError.noUpsampler(model: modelChoice.displayName) }
        let upsampler = try choice.load()
        loadedUpsampler = upsampler
        return upsampler
    }

    /// The noise schedule of the notebook's model, known before the model is loaded, so
    /// `forward` and `alphaBar` give the same whether or not a model cell ran before them.
    public func schedule() throws -> NoiseSchedule {
        try check(.schedule)
        return modelChoice.schedule
    }

    /// The identity of a part of the model, for cache keys: naming a part in a key reads
    /// nothing from it, so this is not checked.
    public func identity(of state: HostState) -> String { modelChoice.identity(of: state) }

    /// Whether a stage II model goes with this notebook's model.
    public func hasUpsampler() throws -> Bool {
        try check(.upsampler)
        return modelChoice.upsampler != nil
    }

    /// `path` relative to the project root when inside it.
    public func relativeToProject(_ path: String) -> String {
        let root = projectRoot.hasSuffix("/") ? projectRoot : projectRoot + "/"
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
    }
}
