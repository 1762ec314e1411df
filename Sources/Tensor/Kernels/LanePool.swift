import Foundation
import Synchronization

/// The threads every parallel loop of noisebook runs on: the calling thread and
/// `Parallel.workers - 1` helpers, which take the chunks of a loop from a shared counter.
///
/// Why not `DispatchQueue.concurrentPerform`: Dispatch parks its workers between loops, and
/// waking one took 60 to 100 µs on a two-core virtual machine (futex wake, then the host
/// scheduling the halted virtual CPU), while a UNet forward runs about a thousand loops,
/// many of them under a millisecond. The helpers here poll for the next loop for
/// `pollingWindow` after each one (as OpenMP runtimes do) and only then park, so a loop
/// that follows another starts on every lane within microseconds. The price is that a
/// helper keeps its core busy for up to that window after the last loop.
///
/// Taking chunks from a counter rather than a fixed share per lane also absorbs lanes that
/// run at different speeds (a core shared with another process, a slower core of a hybrid
/// CPU): no lane waits for another's fixed half. Which lane runs a chunk never changes the
/// numbers; every loop's chunks are independent.
final class LanePool: @unchecked Sendable {
    /// The pool of this process, with `Parallel.workers - 1` helpers started on first use.
    static let shared = LanePool(helpers: Parallel.workers - 1)

    /// How long a helper polls for the next loop before it parks.
    static let pollingWindow: UInt64 = 1_000_000  // ns

    /// Polls between two `sched_yield` calls (a mask): where threads outnumber cores (other
    /// processes, or more lanes than cores), a polling thread then gives its core to one
    /// with work instead of holding it for its whole window.
    static let pollsPerYield = 0x3FF

    /// Helpers, each running lane `1 + index` of a loop.
    let helpers: Int

    /// The current loop: `serial << 16 | lanes`, one word so that a helper reads a loop's
    /// lane count together with its arrival.
    private let loop = Atomic<Int>(0)
    /// The next chunk to take.
    private let next = Atomic<Int>(0)
    /// Helpers of the current loop that have not finished it.
    private let unfinished = Atomic<Int>(0)
    /// Helpers parked (or about to park) on `condition`.
    private let parked = Atomic<Int>(0)
    /// Held by the thread whose loop the helpers run; a loop started while it is held (a
    /// nested loop, or another thread's) runs on its own thread.
    private let occupied = Atomic<Bool>(false)
    private let condition = NSCondition()
    private let started = Mutex<Bool>(false)
    /// The current loop's body and chunk count: written before `loop` is published, read by
    /// helpers only while the loop waits for them.
    private var body: ((Int) -> Void)?
    private var chunks = 0
    /// Running totals for `time`: nanoseconds helpers ran chunks, nanoseconds callers waited
    /// at a loop's end, and loops run on more than one lane.
    private let helpersBusy = Atomic<UInt64>(0)
    private let callerWaiting = Atomic<UInt64>(0)
    private let loopsRun = Atomic<Int>(0)

    init(helpers: Int) {
        self.helpers = Swift.max(0, Swift.min(helpers, 0xFFFF - 1))
    }

    /// Calls `body(c)` for every `c` in `0..<count`, on this thread and up to `lanes - 1`
    /// helpers; returns when every call has returned.
    func run(chunks count: Int, lanes requested: Int, _ body: (Int) -> Void) {
        let lanes = Swift.min(requested, count, helpers + 1)
        guard lanes > 1, occupied.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for c in 0..<count { body(c) }
            return
        }
        defer { occupied.store(false, ordering: .releasing) }
        startHelpers()
        withoutActuallyEscaping(body) { body in
            self.body = body
            chunks = count
            next.store(0, ordering: .relaxed)
            unfinished.store(lanes - 1, ordering: .relaxed)
            let serial = (loop.load(ordering: .relaxed) >> 16) + 1
            loop.store(serial << 16 | lanes, ordering: .sequentiallyConsistent)
            if parked.load(ordering: .sequentiallyConsistent) > 0 {
                condition.lock()
                condition.broadcast()
                condition.unlock()
            }
            takeChunks()
            var polls = 0
            let waitStart = DispatchTime.now().uptimeNanoseconds
            while unfinished.load(ordering: .acquiring) > 0 {
                polls += 1
                if polls & LanePool.pollsPerYield == 0 { sched_yield() }
            }
            callerWaiting.wrappingAdd(DispatchTime.now().uptimeNanoseconds - waitStart, ordering: .relaxed)
            loopsRun.wrappingAdd(1, ordering: .relaxed)
            self.body = nil
        }
    }

    /// Where this pool's lanes have spent their time so far.
    var time: LaneTime {
        LaneTime(helpersBusy: Double(helpersBusy.load(ordering: .relaxed)) / 1e9,
                 callerWaiting: Double(callerWaiting.load(ordering: .relaxed)) / 1e9,
                 loops: loopsRun.load(ordering: .relaxed))
    }

    /// Runs chunks until none is left.
    private func takeChunks() {
        guard let body else { return }
        while true {
            let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
            if c >= chunks { return }
            body(c)
        }
    }

    private func startHelpers() {
        started.withLock { started in
            guard !started else { return }
            started = true
            for index in 0..<helpers {
                let thread = Thread { [self] in helperLoop(lane: index + 1) }
                thread.name = "noisebook lane \(index + 1)"
                thread.start()
            }
        }
    }

    private func helperLoop(lane: Int) {
        var seen = 0
        while true {
            let current = waitForLoop(after: seen)
            seen = current
            guard lane < current & 0xFFFF else { continue }
            let start = DispatchTime.now().uptimeNanoseconds
            takeChunks()
            helpersBusy.wrappingAdd(DispatchTime.now().uptimeNanoseconds - start, ordering: .relaxed)
            unfinished.wrappingSubtract(1, ordering: .releasing)
        }
    }

    /// Polls for a loop other than `seen` for `pollingWindow`, then parks until one comes.
    private func waitForLoop(after seen: Int) -> Int {
        var polls = 0
        var deadline: UInt64 = 0
        while true {
            let current = loop.load(ordering: .acquiring)
            if current != seen { return current }
            polls += 1
            if polls & LanePool.pollsPerYield == 0 { sched_yield() }
            if polls & 0xFF == 0 {
                let now = DispatchTime.now().uptimeNanoseconds
                if deadline == 0 {
                    deadline = now + LanePool.pollingWindow
                } else if now > deadline {
                    break
                }
            }
        }
        parked.wrappingAdd(1, ordering: .sequentiallyConsistent)
        condition.lock()
        var current = loop.load(ordering: .sequentiallyConsistent)
        while current == seen {
            condition.wait()
            current = loop.load(ordering: .sequentiallyConsistent)
        }
        condition.unlock()
        parked.wrappingSubtract(1, ordering: .sequentiallyConsistent)
        return current
    }
}
