import Diffusion
import Pipeline
import Script
import Tensor

extension NotebookLibrary {
    static func addNoiseFunctions(to library: inout Library, session: NotebookSession) {
        library.add(function("forward", [(nil, "image", nil), ("t", "t", nil), ("seed", "seed", .void)],
                             "The forward process (the assignment's forward(im, t)): x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps.", reads: [HostState.schedule]) { arguments in
            let image = try NotebookLibrary.image(arguments, "image")
            let schedule = try session.schedule()
            let t = try NotebookLibrary.timestep(arguments, "t", schedule)
            guard image.channels == 3 else {
                throw NotebookLibrary.failure("forward needs an RGB image, got \(image.channels) channel(s)", "image")
            }
            var random = try session.noise(for: "forward", arguments)
            let noise = random.normal(shape: image.tensor.shape)
            let noisy = Sampling.forward(image.modelTensor, t: t, noise: noise, schedule: schedule)
            var provenance = image.provenance
            provenance.operation = "forward(t: \(t))"
            provenance.seed = session.seed
            provenance.callSeed = random.seedArgument
            // The result stays in the range the image came in.
            return .native(ImageValue(image.isModelRange ? noisy : noisy.fromModelRange(), provenance: provenance, isModelRange: image.isModelRange))
        })
        library.add(function("alphaBar", [(nil, "t", nil)],
                             "abar_t, the schedule's alphas_cumprod[t].", reads: [HostState.schedule]) { arguments in
            let schedule = try session.schedule()
            let t = try NotebookLibrary.timestep(arguments, "t", schedule)
            return .double(Double(schedule.alphaBar(t)))
        })
        library.add(function("stridedTimesteps", [("from", "start", .int(990)), ("stride", "stride", .int(30))],
                             "The strided timesteps start, start - stride, ..., 0 (the assignment's strided_timesteps).", reads: [HostState.schedule]) { arguments in
            let start = try NotebookLibrary.timestep(arguments, "start", try session.schedule())
            let stride = try arguments.int("stride")
            guard stride >= 1 else { throw NotebookLibrary.failure("stride must be at least 1, got \(stride)", "stride") }
            return .array(NoiseSchedule.stridedTimesteps(start: start, stride: stride).map { .int($0) })
        })
    }

    /// A timestep argument, checked against the schedule.
    static func timestep(_ arguments: Arguments, _ name: String, _ schedule: NoiseSchedule) throws -> Int {
        let t = try arguments.int(name)
        guard schedule.contains(t) else {
            throw failure("\(name) = \(t) is out of range 0...\(schedule.trainTimesteps - 1)", name)
        }
        return t
    }
}
