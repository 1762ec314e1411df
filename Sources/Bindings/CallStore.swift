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
    /// The built-ins whose results the call store keeps: those that run the model.
    static let cachedCalls: Set<String> = ["oneStepDenoise", "iterativeDenoise", "iterativeDenoiseCFG", "sample", "sampleCFG",
                                           "sdedit", "inpaint", "visualAnagram", "hybridImage", "noiseEstimate", "upsample"]

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
            guard let store = session.callStore, session.fixedSeed == nil else { return try body(arguments) }
            let digest = ValueDigest.of(arguments)
            let signature = name + " " + digest
            let seeded = arguments.isPresent(NotebookLibrary.Parameters.seed)
            let key = callKey(name: name, argumentDigest: digest, session: session,
                              occurrence: seeded ? nil : session.occurrences(signature))
            if let (value, notes) = store.load(key) {
                // The call's occurrence counts as if it had run, so the next identical call
                // draws the next stream, as it would have.
                if !seeded { session.countOccurrence(signature) }
                notes.forEach(session.replay)
                session.tally(name, reused: true)
                return value
            }
            let firstOutput = session.outputCount
            let start = DispatchTime.now().uptimeNanoseconds
            let value = try body(arguments)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            session.tally(name, reused: false)
            if seconds >= callStoreThreshold { try store.store(key, value: value, notes: session.texts(since: firstOutput)) }
            return value
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
