import Digest
import Foundation
import Pipeline
import Script

/// Where the results of expensive built-in calls are kept, by a key that says everything
/// that determines them: a call's result is a pure function of its name, its argument
/// values, its random numbers (the notebook's seed and, for the call's own stream, how many
/// identical calls the cell made before it), the model and the build. The runner keeps
/// them in the project's cache; a hit is reused in any cell, notebook or later run.
public protocol CallStore: AnyObject, Sendable {
    /// The value and notes stored for `key`, or nil when there is none or it is damaged.
    func load(_ key: String) -> (value: Value, notes: [String])?
    /// Keeps a call's value and the notes it showed.
    func store(_ key: String, value: Value, notes: [String]) throws
}

/// How many calls of one built-in ran in a cell, and how many were reused.
public struct CallTally: Sendable, Equatable {
    /// Calls computed now.
    public var ran = 0
    /// Calls served by the call store.
    public var reused = 0

    /// A tally from its counts.
    public init(ran: Int = 0, reused: Int = 0) {
        self.ran = ran
        self.reused = reused
    }
}

extension NotebookLibrary {
    /// The built-ins whose results the call store keeps: those that run the model (and
    /// `sdedit`, which keeps each of its calls itself: `overList`).
    static let cachedCalls: Set<String> = ["oneStepDenoise", "iterativeDenoise", "iterativeDenoiseCFG", "sample", "sampleCFG",
                                           "inpaint", "visualAnagram", "hybridImage", "noiseEstimate", "upsample"]

    /// Calls that took less than this to compute are not stored: reading an entry back
    /// costs a few milliseconds (measured in `make bench`), more than such a call saves.
    static let callStoreThreshold = 0.05

    /// `builtin` with its results reused through the session's call store. Only built-ins
    /// that run the model are wrapped; each draws from its own stream (or a `seed:`'s
    /// numbered draws) through `session.noise(for:)`, once per call.
    static func cached(_ builtin: Builtin, session: NotebookSession) -> Builtin {
        var wrapped = builtin
        let body = builtin.body
        let name = builtin.name
        wrapped.body = { arguments in
            let call = StoredCall(name, arguments, session: session)
            if let value = call.reuse() { return value }
            return try call.compute { try body(arguments) }
        }
        return wrapped
    }

    /// The key of one call: everything its result depends on, except the build, which the
    /// store adds.
    static func callKey(name: String, argumentDigest: String, session: NotebookSession, occurrence: Int?) -> String {
        // Every part of the model: a stored call is looked up before its body runs, so before
        // it could say which parts it reads.
        var text = "noisebook-call-v2\ncall=\(name)\narguments=\(argumentDigest)\n"
        for state in HostState.allCases { text += "\(state.rawValue)=\(session.identity(of: state))\n" }
        text += "notebook-seed=\(session.seed)\n"
        text += "occurrence=\(occurrence.map(String.init) ?? "seed argument")\n"
        return SHA256.hex(text)
    }
}

/// One call's place in the session's call store: looked up before the call runs, filled after.
struct StoredCall {
    let name: String
    let session: NotebookSession
    /// The store and the call's key in it; nil when the session keeps no calls.
    private let entry: (store: any CallStore, key: String)?
    /// The call's name and argument digest: identical calls share it.
    private let signature: String
    private let seeded: Bool

    /// The place of `name` called with `arguments`, its key taken now: before the call counts
    /// as an occurrence of its signature.
    init(_ name: String, _ arguments: Arguments, session: NotebookSession) {
        self.name = name
        self.session = session
        let digest = ValueDigest.of(arguments)
        signature = name + " " + digest
        seeded = arguments.isPresent(NotebookLibrary.Parameters.seed)
        if let store = session.callStore, session.fixedSeed == nil {
            let key = NotebookLibrary.callKey(name: name, argumentDigest: digest, session: session,
                                              occurrence: seeded ? nil : session.occurrences(signature))
            entry = (store, key)
        } else {
            entry = nil
        }
    }

    /// The stored value, its notes shown again, or nil when the call has to run.
    func reuse() -> Value? {
        guard let entry, let (value, notes) = entry.store.load(entry.key) else { return nil }
        // The call's occurrence counts as if it had run, so the next identical call draws the
        // next stream, as it would have.
        if !seeded { session.countOccurrence(signature) }
        notes.forEach(session.replay)
        session.tally(name, reused: true)
        return value
    }

    /// Runs `body` and keeps its value (when it took long enough to be worth keeping).
    func compute(_ body: () throws -> Value) throws -> Value {
        try Self.compute([self]) { [try body()] }[0]
    }

    /// Runs `body`, which computes the values of `calls` together, and keeps each one's value
    /// with the notes the run showed; each is charged an equal share of the time.
    static func compute(_ calls: [StoredCall], _ body: () throws -> [Value]) throws -> [Value] {
        guard let session = calls.first?.session else { return [] }
        let firstOutput = session.outputCount
        let start = DispatchTime.now().uptimeNanoseconds
        let values = try body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(calls.count)
        let notes = session.texts(since: firstOutput)
        for (call, value) in zip(calls, values) {
            guard let entry = call.entry else { continue }
            session.tally(call.name, reused: false)
            if seconds >= NotebookLibrary.callStoreThreshold { try entry.store.store(entry.key, value: value, notes: notes) }
        }
        return values
    }
}
