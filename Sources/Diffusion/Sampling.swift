import Tensor

/// The forward (noising) process, the one piece of the assignment that needs no model.
/// Images here are in the model's range [-1, 1], shaped `[C, H, W]` or `[B, C, H, W]`.
public enum Sampling {
    /// The forward process (A.1): `sqrt(abar_t) x0 + sqrt(1 - abar_t) noise`.
    public static func forward(_ x0: Tensor, t: Int, noise: Tensor, schedule: NoiseSchedule) -> Tensor {
        let abar = schedule.alphaBar(t)
        return Tensor.linearCombination(abar.squareRoot(), x0, (1 - abar).squareRoot(), noise)
    }
}
