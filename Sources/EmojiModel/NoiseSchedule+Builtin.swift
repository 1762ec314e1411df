import Diffusion
extension NoiseSchedule {
    /// The built-in model's schedule: IF's cosine schedule, with two sampler settings
    /// changed: the step variance is the fixed posterior variance (`fixed_small`), as the
    /// built-in denoisers predict no variance channels; and a sampler that follows the
    /// scheduler configuration (`Sampler.StepRule.scheduler`) clips x0 to [-1, 1] instead
    /// of thresholding it dynamically. Emoji are mostly saturated white; under CFG the
    /// white overshoots 1, and thresholding then divides the whole image by up to 1.5,
    /// turning the white background grey. The course's loop (`StepRule.course`), which
    /// notebooks run, neither clips nor thresholds, for this model as for DeepFloyd's.
    public static func builtin() -> NoiseSchedule {
        var configuration = Configuration.deepFloydIF
        configuration.varianceType = .fixedSmall
        configuration.thresholding = false
        configuration.clipSample = true
        configuration.clipSampleRange = 1
        return .squaredCosine(configuration: configuration)
    }
}
