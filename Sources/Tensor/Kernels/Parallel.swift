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
    static func forEachChunk(_ count: Int, minimumPerChunk: Int = 16_384, _ body: @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = Swift.min(workers, Swift.max(1, count / Swift.max(minimumPerChunk, 1)))
        if chunks <= 1 {
            body(0..<count)
            return
        }
        let size = (count + chunks - 1) / chunks
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let start = c * size
            let end = Swift.min(count, start + size)
            if start < end { body(start..<end) }
        }
    }

    /// Calls `body(i)` for every `i` in `0..<iterations` on at most `workers` threads at
    /// once (`DispatchQueue.concurrentPerform` alone would use every core): lane `l` takes
    /// `l, l + lanes, ...`. Items must be independent; one lane runs on the calling thread.
    public static func perform(iterations: Int, _ body: (Int) -> Void) {
        let lanes = Swift.min(workers, iterations)
        guard lanes > 1 else {
            for i in 0..<iterations { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedBody(body: body)
            DispatchQueue.concurrentPerform(iterations: lanes) { lane in
                for i in stride(from: lane, to: iterations, by: lanes) { shared.body(i) }
            }
        }
    }

    /// Calls `body(i)` for every `i` in `0..<count`, concurrently when each item is worth
    /// `costPerItem` elementwise operations and the total is large.
    static func forEach(_ count: Int, costPerItem: Int, _ body: @Sendable (Int) -> Void) {
        let perChunk = Swift.max(1, 16_384 / Swift.max(costPerItem, 1))
        forEachChunk(count, minimumPerChunk: perChunk) { range in
            for i in range { body(i) }
        }
    }
}

/// A loop body handed to the lanes of `Parallel.perform`, which call it on disjoint items.
private struct UncheckedBody: @unchecked Sendable {
    let body: (Int) -> Void
}

/// A mutable pointer that may be shared across `concurrentPerform` iterations which
/// write disjoint elements.
struct SharedMutablePointer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}

/// A read-only pointer shared across concurrent iterations.
struct SharedPointer<Element>: @unchecked Sendable {
    let base: UnsafePointer<Element>
}
