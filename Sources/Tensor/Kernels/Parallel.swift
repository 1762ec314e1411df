import Foundation

/// Splits loops over independent items across the machine's cores.
///
/// Work below `minimumPerChunk` items stays on the calling thread: dispatching costs more
/// than it saves on small tensors, which dominate the tests.
public enum Parallel {
    /// How many threads noisebook's own loops and products use: every core, or
    /// `NOISEBOOK_THREADS` when it asks for fewer. Read once; every parallel loop splits
    /// its work into at most this many parts.
    public static let workers: Int = (try? workers(environment: ProcessInfo.processInfo.environment))
        ?? ProcessInfo.processInfo.activeProcessorCount

    /// The worker count `environment` asks for; a value that is not a whole number of at
    /// least 1 is an error naming it (more than the cores gives the cores).
    public static func workers(environment: [String: String]) throws -> Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard let text = Knob.threads.value(in: environment) else { return cores }
        guard let count = Int(text), count >= 1 else { throw Knob.threads.invalid(text, "expected a whole number of threads, at least 1") }
        return Swift.min(count, cores)
    }

    /// Calls `body(range)` for disjoint ranges covering `0..<count`, concurrently when large.
    /// The ranges are up to `chunksPerWorker` per worker (taken in turn by whichever lane is
    /// free), and never shorter than `minimumPerChunk`.
    public static func forEachChunk(_ count: Int, minimumPerChunk: Int = 16_384, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let most = Swift.max(1, count / Swift.max(minimumPerChunk, 1))
        guard workers > 1, most > 1 else {
            body(0..<count)
            return
        }
        let chunks = Swift.min(most, workers * chunksPerWorker)
        let size = (count + chunks - 1) / chunks
        perform(iterations: chunks) { c in
            let start = c * size
            let end = Swift.min(count, start + size)
            if start < end { body(start..<end) }
        }
    }

    /// Chunks per worker in `forEachChunk`: enough that a lane held up near the end of a
    /// loop leaves little for the others to wait on, few enough that each stays long. At 4,
    /// the loops of eight chunks on two lanes (half an IF-I-M forward's wall time: transforms,
    /// norms, elementwise passes) left a lane idle for 11% of their wall time; at 16, 3%.
    static let chunksPerWorker = 16

    /// Calls `body(i)` for every `i` in `0..<iterations` on at most `workers` threads at
    /// once, this one among them; each thread takes the next item not yet taken. Items must
    /// be independent.
    public static func perform(iterations: Int, _ body: (Int) -> Void) {
        LanePool.shared.run(chunks: iterations, lanes: workers, body)
    }

    /// Where the lanes of every parallel loop have spent their time since the process began:
    /// read before and after some work and subtract.
    public static var laneTime: LaneTime { LanePool.shared.time }

    /// Calls `body(i)` for every `i` in `0..<count`, concurrently when each item is worth
    /// `costPerItem` elementwise operations and the total is large.
    static func forEach(_ count: Int, costPerItem: Int, _ body: (Int) -> Void) {
        let perChunk = Swift.max(1, 16_384 / Swift.max(costPerItem, 1))
        forEachChunk(count, minimumPerChunk: perChunk) { range in
            for i in range { body(i) }
        }
    }
}

/// A mutable pointer that may be shared across the chunks of a parallel loop, which
/// write disjoint elements.
struct SharedMutablePointer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}

/// A read-only pointer shared across concurrent iterations.
struct SharedPointer<Element>: @unchecked Sendable {
    let base: UnsafePointer<Element>
}
