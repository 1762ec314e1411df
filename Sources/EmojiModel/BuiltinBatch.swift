import Tensor
import Diffusion

/// A model input checked against the built-in set, and the arithmetic both built-in
/// denoisers share: turning a clean-image estimate into a noise estimate.
struct BuiltinBatch {
    /// The batch size (B).
    let count: Int
    /// The image side (S); inputs are `[B, 3, S, S]`.
    let side: Int
    /// abar_t for each batch element.
    let alphaBars: [Float]

    /// Checks `x` (`[B, 3, S, S]` with S the set's side), one timestep and one condition per
    /// image, and each timestep inside the schedule.
    init(_ x: Tensor, timesteps: [Int], conditions: [Condition], side: Int, schedule: NoiseSchedule) throws {
        guard x.rank == 4, x.shape[1] == 3, x.shape[2] == side, x.shape[3] == side else {
            throw DiffusionError.invalidInput(
                what: "built-in model input",
                reason: "expected [B, 3, \(side), \(side)] (the emoji set is \(side)x\(side)), got \(Tensor.format(x.shape))")
        }
        let count = x.shape[0]
        guard timesteps.count == count, conditions.count == count else {
            throw DiffusionError.invalidInput(
                what: "built-in model input",
                reason: "batch of \(count) images with \(timesteps.count) timesteps and \(conditions.count) conditions")
        }
        for t in timesteps where !schedule.contains(t) {
            throw DiffusionError.invalidInput(what: "timestep",
                                              reason: "\(t) is outside 0..<\(schedule.trainTimesteps)")
        }
        self.count = count
        self.side = side
        self.alphaBars = timesteps.map { schedule.alphaBar($0) }
    }

    /// The noise estimate `(x_t - sqrt(abar_t) x0_hat) / sqrt(1 - abar_t)` for every
    /// element, from the clean estimates `x0` (both `[B, 3, S, S]`).
    func noise(x: Tensor, clean x0: Tensor) -> Tensor {
        let plane = 3 * side * side
        var out = [Float](repeating: 0, count: x.count)
        for b in 0..<count {
            let a = alphaBars[b]
            let s = a.squareRoot(), scale = 1 / Swift.max(1 - a, .leastNormalMagnitude).squareRoot()
            for j in (b * plane)..<((b + 1) * plane) {
                out[j] = (x.scalars[j] - s * x0.scalars[j]) * scale
            }
        }
        return Tensor(shape: x.shape, scalars: out)
    }
}
