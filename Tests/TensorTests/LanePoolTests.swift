import Foundation
import Synchronization
import XCTest
@testable import Tensor

/// The lanes every parallel loop runs on: each chunk once, on the helpers as well as the
/// caller, after the helpers parked, nested, and from two threads at once.
final class LanePoolTests: XCTestCase {
    /// Runs `loops` loops of varying sizes on `pool` and checks each chunk ran exactly once,
    /// on at most `lanes` threads; returns how many chunks ran on a thread other than the
    /// caller's.
    private func runLoops(_ pool: LanePool, loops: Int, lanes: Int, file: StaticString = #filePath, line: UInt = #line) -> Int {
        let caller = pthread_self()
        let elsewhere = Atomic<Int>(0)
        for loop in 0..<loops {
            let count = 1 + (loop * 7) % 97
            let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
            let threads = UnsafeMutableBufferPointer<pthread_t>.allocate(capacity: count)
            defer { hits.deallocate(); threads.deallocate() }
            hits.initialize(repeating: 0)
            let (base, thread) = (hits.baseAddress!, threads.baseAddress!)
            pool.run(chunks: count, lanes: lanes) { c in
                LanePoolTests.busy(microseconds: 5)  // long enough for a helper to arrive
                base[c] += 1
                thread[c] = pthread_self()
                if pthread_equal(pthread_self(), caller) == 0 { elsewhere.wrappingAdd(1, ordering: .relaxed) }
            }
            if hits.contains(where: { $0 != 1 }) {
                XCTFail("loop \(loop): chunks ran \(Array(hits)) times", file: file, line: line)
                break
            }
            let distinct = Set(threads).count
            if distinct > lanes {
                XCTFail("loop \(loop): \(distinct) threads ran chunks of a loop of \(lanes) lanes", file: file, line: line)
                break
            }
        }
        return elsewhere.load(ordering: .relaxed)
    }

    /// Keeps this thread busy (not asleep) for a while.
    private static func busy(microseconds: UInt64) {
        let end = DispatchTime.now().uptimeNanoseconds + microseconds * 1_000
        while DispatchTime.now().uptimeNanoseconds < end {}
    }

    /// Thousands of loops back to back: every chunk once, and the helpers took some.
    func testEveryChunkRunsOnceAndHelpersTakePart() {
        let pool = LanePool(helpers: 3)
        let onHelpers = runLoops(pool, loops: 2_000, lanes: 4)
        XCTAssertGreaterThan(onHelpers, 0, "no chunk ran on a helper thread")
    }

    /// Fewer lanes than helpers: no more threads than lanes run a loop's chunks, and the next
    /// loop with every lane still finds the helpers left out.
    func testLoopsWithFewerLanesThanHelpers() {
        let pool = LanePool(helpers: 3)
        for lanes in [2, 4, 1, 3, 4, 2] {
            _ = runLoops(pool, loops: 200, lanes: lanes)
        }
        XCTAssertGreaterThan(runLoops(pool, loops: 200, lanes: 4), 0)
    }

    /// A loop long after the last one finds the helpers parked and wakes them.
    func testHelpersWakeAfterParking() {
        let pool = LanePool(helpers: 2)
        _ = runLoops(pool, loops: 10, lanes: 3)
        for _ in 0..<3 {
            usleep(useconds_t(3 * LanePool.pollingWindow / 1_000))  // three polling windows: parked
            XCTAssertGreaterThan(runLoops(pool, loops: 50, lanes: 3), 0, "the parked helpers did not take part")
        }
    }

    /// A loop inside a loop's chunk runs whole on that chunk's thread.
    func testNestedLoopsRunInline() {
        let pool = LanePool(helpers: 2)
        let total = Atomic<Int>(0)
        pool.run(chunks: 8, lanes: 3) { _ in
            let thread = pthread_self()
            pool.run(chunks: 10, lanes: 3) { _ in
                XCTAssertNotEqual(pthread_equal(pthread_self(), thread), 0)
                total.wrappingAdd(1, ordering: .relaxed)
            }
        }
        XCTAssertEqual(total.load(ordering: .relaxed), 80)
    }

    /// Two threads starting loops at once: each loop completes with every chunk once.
    func testLoopsFromTwoThreads() {
        let pool = LanePool(helpers: 2)
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            for loop in 0..<2_000 {
                let count = 1 + loop % 40
                let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
                hits.initialize(repeating: 0)
                let base = hits.baseAddress!
                pool.run(chunks: count, lanes: 3) { c in
                    LanePoolTests.busy(microseconds: 1)
                    base[c] += 1
                }
                if hits.contains(where: { $0 != 1 }) { failures.wrappingAdd(1, ordering: .relaxed) }
                hits.deallocate()
            }
        }
        XCTAssertEqual(failures.load(ordering: .relaxed), 0)
    }

    /// The pool's lane time: a loop whose chunks keep both lanes busy shows the helper busy for
    /// about its share, a loop run on the caller alone shows none, and the accounting's
    /// fraction follows.
    func testLaneTimeCountsHelpersWorkAndCallersWaits() {
        let pool = LanePool(helpers: 1)
        let before = pool.time
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<20 {
            pool.run(chunks: 8, lanes: 2) { _ in LanePoolTests.busy(microseconds: 500) }
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let parallel = pool.time - before
        XCTAssertEqual(parallel.loops, 20)
        // 80 ms of chunks on two lanes: the helper ran at least a few of them, and no lane
        // can have been busy for longer than the loops took.
        XCTAssertGreaterThan(parallel.helpersBusy, 0.002)
        XCTAssertLessThanOrEqual(parallel.helpersBusy, wall)
        XCTAssertGreaterThanOrEqual(parallel.callerWaiting, 0)
        XCTAssertLessThanOrEqual(parallel.work(wall: wall), 2 * wall)

        let serialStart = pool.time
        pool.run(chunks: 8, lanes: 1) { _ in LanePoolTests.busy(microseconds: 200) }
        let serial = pool.time - serialStart
        XCTAssertEqual(serial, LaneTime(helpersBusy: 0, callerWaiting: 0, loops: 0), "a one-lane loop is the caller's work alone")
    }

    /// The fraction the lanes' time implies: Amdahl's law on the lanes' busy speed-up.
    func testLaneFractionIsAmdahlsOnTheLanesWork() {
        // 1 s of wall time: 0.2 s on the caller alone, 0.8 s with both lanes busy.
        let halves = LaneTime(helpersBusy: 0.8, callerWaiting: 0, loops: 1)
        XCTAssertEqual(halves.work(wall: 1), 1.8, accuracy: 1e-12)
        XCTAssertEqual(halves.parallelFraction(wall: 1, lanes: 2), 1.6 / 1.8, accuracy: 1e-12)  // parallel work / all work
        XCTAssertEqual(halves.busyShare(wall: 1, lanes: 2), 0.9, accuracy: 1e-12)
        // Every lane busy throughout: all parallel; a waiting caller and an idle helper: none.
        XCTAssertEqual(LaneTime(helpersBusy: 1, callerWaiting: 0, loops: 1).parallelFraction(wall: 1, lanes: 2), 1, accuracy: 1e-12)
        XCTAssertEqual(LaneTime(helpersBusy: 0, callerWaiting: 0, loops: 0).parallelFraction(wall: 1, lanes: 2), 0, accuracy: 1e-12)
        // Four lanes, three helpers each busy half the time: work 2.5 lane-seconds in 1 s.
        let four = LaneTime(helpersBusy: 1.5, callerWaiting: 0, loops: 1)
        XCTAssertEqual(four.parallelFraction(wall: 1, lanes: 4), (1 - 1 / 2.5) / (1 - 1 / 4.0), accuracy: 1e-12)
        // Amdahl's law both ways: 90% parallel on 2 lanes is 1 / (0.1 + 0.45), and back.
        XCTAssertEqual(LaneTime.speedup(parallelFraction: 0.9, lanes: 2), 1 / 0.55, accuracy: 1e-12)
        XCTAssertEqual(LaneTime.parallelFraction(speedup: 1 / 0.55, lanes: 2), 0.9, accuracy: 1e-12)
        XCTAssertEqual(LaneTime.speedup(parallelFraction: 0.95, lanes: 16), 1 / (0.05 + 0.95 / 16), accuracy: 1e-12)
    }

    /// `Parallel.perform` calls every item exactly once, on any worker count.
    func testPerformCallsEveryItemOnce() {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 1000)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0)
        let base = counts.baseAddress!
        Parallel.perform(iterations: 1000) { i in base[i] += 1 }
        XCTAssertEqual(Array(counts), [Int](repeating: 1, count: 1000))
    }

    /// `Parallel.forEachChunk` covers the range with disjoint chunks no shorter than asked.
    func testChunksCoverTheRange() {
        for (count, minimum) in [(1, 16), (100, 16), (100_000, 1_000), (65_537, 16_384)] {
            let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
            defer { hits.deallocate() }
            hits.initialize(repeating: 0)
            let base = hits.baseAddress!
            let short = Atomic<Int>(0)
            Parallel.forEachChunk(count, minimumPerChunk: minimum) { range in
                if range.count < minimum && range.upperBound != count { short.wrappingAdd(1, ordering: .relaxed) }
                for i in range { base[i] += 1 }
            }
            XCTAssertFalse(hits.contains { $0 != 1 }, "count \(count)")
            XCTAssertEqual(short.load(ordering: .relaxed), 0, "count \(count)")
        }
    }
}
