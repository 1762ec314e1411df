import Foundation
import Synchronization
import Tensor

/// The text conditioning of the last few prompt batches a denoiser was asked about.
///
/// Every step of a sampling loop passes the same prompts, and projecting them (the text
/// context, then keys and values for every attention layer) took 7 to 11% of a stage I
/// forward. Entries are keyed by the exact text states, compared bit for bit, so a hit
/// returns what `IFUNet.textConditioning` would compute again, bit for bit, and a prompt
/// whose embedding changed can never reuse a stale entry.
final class TextConditioningCache: Sendable {
    /// Entries kept: a guided loop alternates at most a few prompt batches per step (the
    /// anagram's two orientations, a hybrid's two prompts), and each entry is small beside
    /// the weights (the projected text of every attention layer).
    static let capacity = 4

    private struct Entry {
        let text: Tensor
        let value: TextConditioning
    }

    /// The entries (most recently used last) and the lookups counted, under one lock.
    private struct State {
        var entries: [Entry] = []
        var hits = 0
        var misses = 0
    }

    private let state = Mutex(State())

    /// Lookups answered from an entry, and lookups that computed one: the tests' proof of reuse.
    var statistics: (hits: Int, misses: Int) { state.withLock { ($0.hits, $0.misses) } }

    /// The conditioning of `text` `[B, L, width]`: an entry's when one holds the same states,
    /// else `make(text)`, kept for later. `make` runs outside the lock (it takes milliseconds
    /// to seconds); two threads missing at once both compute it, with the same result.
    func conditioning(for text: Tensor, make: (Tensor) throws -> TextConditioning) throws -> TextConditioning {
        let hit = state.withLock { state -> TextConditioning? in
            guard let index = state.entries.lastIndex(where: { Self.identical($0.text, text) }) else { return nil }
            let entry = state.entries.remove(at: index)
            state.entries.append(entry)
            state.hits += 1
            return entry.value
        }
        if let hit { return hit }
        let value = try make(text)
        state.withLock { state in
            state.misses += 1
            state.entries.append(Entry(text: text, value: value))
            if state.entries.count > Self.capacity { state.entries.removeFirst(state.entries.count - Self.capacity) }
        }
        return value
    }

    /// Same shape and the same bit patterns (where `==` would take -0 for 0 and never match a NaN).
    private static func identical(_ a: Tensor, _ b: Tensor) -> Bool {
        guard a.shape == b.shape else { return false }
        return a.scalars.withUnsafeBytes { x in
            b.scalars.withUnsafeBytes { y in
                guard x.count == y.count else { return false }
                guard let p = x.baseAddress, let q = y.baseAddress else { return true }  // both empty
                return memcmp(p, q, x.count) == 0
            }
        }
    }
}
