import Diffusion
/// The patch size of the local score machine at each timestep: large while the image is
/// mostly noise (global layout), small near the end (local detail). Piecewise constant in
/// t; see `PATCH-SCHEDULE.md` for how the default was chosen.
public struct PatchSchedule: Sendable, Equatable, CustomStringConvertible {
    /// One piece: from timestep `from` upward (until the next piece's `from`), patches of
    /// `size` x `size` pixels.
    public struct Stage: Sendable, Equatable {
        /// The smallest timestep of the piece.
        public var from: Int
        /// The odd patch side in pixels.
        public var size: Int

        /// A piece from its parts.
        public init(from: Int, size: Int) {
            self.from = from
            self.size = size
        }
    }

    /// The pieces, sorted by `from`, descending; the last one starts at 0.
    public let stages: [Stage]

    /// A schedule of `stages` (any order; the lowest `from` is treated as 0). Sizes must
    /// be odd and positive.
    public init(stages: [Stage]) throws {
        guard !stages.isEmpty else {
            throw DiffusionError.invalidInput(what: "patch schedule", reason: "needs at least one stage")
        }
        for stage in stages where stage.size < 1 || stage.size % 2 == 0 {
            throw DiffusionError.invalidInput(what: "patch schedule",
                                              reason: "patch size \(stage.size) at t >= \(stage.from) must be odd and positive")
        }
        var sorted = stages.sorted { $0.from > $1.from }
        sorted[sorted.count - 1].from = 0
        self.stages = sorted
    }

    /// The same patch size at every timestep (`size` must be odd).
    public static func fixed(_ size: Int) throws -> PatchSchedule {
        try PatchSchedule(stages: [Stage(from: 0, size: size)])
    }

    /// The default for the 64x64 emoji set (see `PATCH-SCHEDULE.md`).
    public static let emoji64 = PatchSchedule(checked: [
        Stage(from: 750, size: 41),
        Stage(from: 550, size: 31),
        Stage(from: 350, size: 21),
        Stage(from: 200, size: 13),
        Stage(from: 0, size: 7),
    ])

    private init(checked stages: [Stage]) {
        self.stages = stages
    }

    /// The patch side at timestep `t`.
    public func patchSize(_ t: Int) -> Int {
        for stage in stages where t >= stage.from { return stage.size }
        return stages[stages.count - 1].size
    }

    /// "41@750 31@550 ...": part of the model's cache identity.
    public var description: String {
        stages.map { "\($0.size)@\($0.from)" }.joined(separator: " ")
    }
}
