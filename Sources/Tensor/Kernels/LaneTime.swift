/// Where the lanes of noisebook's parallel loops spent their time: running totals, read
/// before and after some work (`Parallel.laneTime`) and subtracted.
///
/// A calling thread is busy except while it waits at a loop's end for helpers still running
/// chunks; a helper is busy only while it runs chunks. So over `wall` seconds of work started
/// from one thread, the lanes did `wall - callerWaiting + helpersBusy` lane-seconds of work,
/// and the rest of `lanes x wall` is what the serial passes, the hand-offs and the loops'
/// uneven ends cost. Unlike a one-thread against all-thread timing, this does not count the
/// lanes slowing each other (shared caches and memory, clocks that drop with more busy cores)
/// as serial work.
public struct LaneTime: Sendable, Equatable {
    /// Seconds helper threads spent running chunks, summed over the helpers.
    public var helpersBusy: Double
    /// Seconds calling threads spent waiting at loops' ends for helpers.
    public var callerWaiting: Double
    /// Loops run on more than one lane.
    public var loops: Int

    /// Totals of the given values.
    public init(helpersBusy: Double, callerWaiting: Double, loops: Int) {
        self.helpersBusy = helpersBusy
        self.callerWaiting = callerWaiting
        self.loops = loops
    }

    /// What the lanes did between `earlier` and `later`.
    public static func - (later: LaneTime, earlier: LaneTime) -> LaneTime {
        LaneTime(helpersBusy: later.helpersBusy - earlier.helpersBusy, callerWaiting: later.callerWaiting - earlier.callerWaiting,
                 loops: later.loops - earlier.loops)
    }

    /// Lane-seconds of work in `wall` seconds of a calling thread's work.
    public func work(wall: Double) -> Double { wall - callerWaiting + helpersBusy }

    /// The share of `lanes x wall` lane-seconds the lanes were busy.
    public func busyShare(wall: Double, lanes: Int) -> Double { work(wall: wall) / (wall * Double(Swift.max(lanes, 1))) }

    /// The parallel fraction p that the lanes' busy time implies on `lanes` lanes: Amdahl's
    /// law with the speed-up S = work / wall. All the work in loops that kept every lane busy
    /// gives 1; none in parallel gives 0.
    public func parallelFraction(wall: Double, lanes: Int) -> Double {
        LaneTime.parallelFraction(speedup: work(wall: wall) / wall, lanes: lanes)
    }

    /// Amdahl's law read backwards: the parallel fraction p that a speed-up S on `lanes` lanes
    /// implies, p = (1 - 1/S) / (1 - 1/lanes) (1 on one lane, where nothing can be told).
    public static func parallelFraction(speedup: Double, lanes: Int) -> Double {
        guard lanes > 1 else { return 1 }
        return (1 - 1 / speedup) / (1 - 1 / Double(lanes))
    }

    /// Amdahl's law: the speed-up a parallel fraction p gives on `lanes` lanes,
    /// 1 / ((1 - p) + p / lanes).
    public static func speedup(parallelFraction p: Double, lanes: Int) -> Double {
        1 / ((1 - p) + p / Double(Swift.max(lanes, 1)))
    }
}
