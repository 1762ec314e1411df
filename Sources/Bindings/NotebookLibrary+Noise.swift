import Diffusion
import Pipeline
import Script
import Tensor

extension NotebookLibrary {
    static func addNoiseFunctions(to library: inout Library, session: NotebookSession) {
        let (image, t, seed) = (Parameters.image, Parameters.t, Parameters.seed)
        library.add(function("forward", [image, t, seed],
                             "The forward process (the assignment's forward(im, t)): x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps.", reads: [HostState.schedule]) { arguments in
            let input = try arguments[image]
            let schedule = try session.schedule()
            let t = try NotebookLibrary.timestep(arguments, t, schedule)
            guard input.channels == 3 else {
                throw NotebookLibrary.failure("forward needs an RGB image, got \(input.channels) channel(s)", image)
            }
            var random = try session.noise(for: "forward", arguments)
            let noise = random.normal(shape: input.tensor.shape)
            let noisy = Sampling.forward(input.modelTensor, t: t, noise: noise, schedule: schedule)
            var provenance = input.provenance
            provenance.operation = "forward(t: \(t))"
            provenance.seed = session.seed
            provenance.callSeed = random.seedArgument
            // The result stays in the range the image came in.
            return .native(ImageValue(input.isModelRange ? noisy : noisy.fromModelRange(), provenance: provenance, isModelRange: input.isModelRange))
        })
        let unlabeledT = Param.int("t", label: .unlabeled)
        library.add(function("alphaBar", [unlabeledT],
                             "abar_t, the schedule's alphas_cumprod[t].", reads: [HostState.schedule]) { arguments in
            let schedule = try session.schedule()
            return .double(Double(schedule.alphaBar(try NotebookLibrary.timestep(arguments, unlabeledT, schedule))))
        })
        let start = Param.int("start", label: "from", default: 990), stride = Param.int("stride", default: 30)
        library.add(function("stridedTimesteps", [start, stride],
                             "The strided timesteps start, start - stride, ..., 0 (the assignment's strided_timesteps).", reads: [HostState.schedule]) { arguments in
            let from = try NotebookLibrary.timestep(arguments, start, try session.schedule())
            let by = try arguments[stride]
            guard by >= 1 else { throw NotebookLibrary.failure("stride must be at least 1, got \(by)", stride) }
            return .array(NoiseSchedule.stridedTimesteps(start: from, stride: by).map { .int($0) })
        })
    }

    /// A timestep argument, checked against the schedule.
    static func timestep(_ arguments: Arguments, _ parameter: Param<Int>, _ schedule: NoiseSchedule) throws -> Int {
        let t = try arguments[parameter]
        guard schedule.contains(t) else {
            throw failure("\(parameter.name) = \(t) is out of range 0...\(schedule.trainTimesteps - 1)", parameter)
        }
        return t
    }
}
