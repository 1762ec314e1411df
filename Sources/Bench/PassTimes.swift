import Tensor

/// The timed passes of a run: wall seconds, CPU seconds and the parallel loops' lane time
/// of each.
struct PassTimes {
    var wall = [Double]()
    var cpu = [Double]()
    var lanes = [LaneTime]()

    /// The same without the first `count` passes (a first pass that also loads or transforms).
    func dropFirst(_ count: Int = 1) -> PassTimes {
        PassTimes(wall: Array(wall.dropFirst(count)), cpu: Array(cpu.dropFirst(count)), lanes: Array(lanes.dropFirst(count)))
    }

    /// Each pass's parallel fraction as its lanes' busy time implies (`LaneTime.parallelFraction`).
    var laneFractions: [Double] { zip(lanes, wall).map { $0.parallelFraction(wall: $1, lanes: Parallel.workers) } }

    /// Each pass's lane-seconds of work.
    var laneWork: [Double] { zip(lanes, wall).map { $0.work(wall: $1) } }
}
