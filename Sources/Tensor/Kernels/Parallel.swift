import Foundation

/// Splits loops over independent items across the machine's cores.
///
/// Work below `minimumPerChunk` items stays on the calling thread: dispatching costs more
/// than it saves on small tensors, which dominate the tests.
enum Parallel {
    /// Calls `body(range)` for disjoint ranges covering `0..<count`, concurrently when large.
    static func forEachChunk(_ count: Int, minimumPerChunk: Int = 16_384, _ body: @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let chunks = Swift.min(cores, Swift.max(1, count / Swift.max(minimumPerChunk, 1)))
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

    /// Calls `body(i)` for every `i` in `0..<count`, concurrently when each item is worth
    /// `costPerItem` elementwise operations and the total is large.
    static func forEach(_ count: Int, costPerItem: Int, _ body: @Sendable (Int) -> Void) {
        let perChunk = Swift.max(1, 16_384 / Swift.max(costPerItem, 1))
        forEachChunk(count, minimumPerChunk: perChunk) { range in
            for i in range { body(i) }
        }
    }
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
