import DeepFloyd
import Diffusion
import Foundation
import Pipeline
import Runner
import Tensor

/// `bench course`: how long the whole assignment takes on DeepFloyd IF stage I here. Every
/// notebook runs once, from an empty cache, on a counting model (it records the batch size
/// of each model evaluation and returns a zero noise estimate at once); then a sampler step
/// of each model at each batch size seen is timed (random weights, the published shapes),
/// and the product of the two is the estimate per notebook and in all.
///
/// What it leaves out: T5 (each prompt is encoded once and kept on disk), the projection of
/// the prompts, which a denoiser makes once per sampling loop and keeps for its steps
/// (a tenth to a fifth of a second per loop), stage II (it runs only where its weights
/// are), and the sampler's own arithmetic between forwards (small beside a forward on these
/// models).
struct CourseRun: BenchRun {
    let notebooks: String
    let models: [PublishedUNet]
    let runs: Int

    init(options: inout Options) throws {
        notebooks = options.string("notebooks") ?? "Notebooks"
        models = try options.list("models", default: ["M", "L"]).map { name in
            guard let model = PublishedUNet.named(name) else { throw BenchError.usage("unknown model '\(name)'") }
            return model
        }
        runs = try options.int("runs", default: 3)
    }

    func run() throws {
        let counts = try Self.count(notebooks: notebooks)
        let sizes = Set(counts.flatMap(\.batches.keys)).sorted()
        let evaluations = counts.reduce(0) { $0 + $1.batches.values.reduce(0, +) }
        say("course: \(counts.count) notebooks, \(evaluations) stage I evaluations at batch sizes "
            + sizes.map { b in "\(b) (\(counts.reduce(0) { $0 + ($1.batches[b] ?? 0) }))" }.joined(separator: ", "))
        var seconds = [String: [Int: Double]]()
        for model in models {
            for batch in sizes {
                let r = try child(["forward", "--model", model.name, "--batch", String(batch), "--runs", String(runs), "--step"])
                guard let s = Double(r["seconds"] ?? "") else { throw BenchError.io(path: "forward", reason: "no time reported") }
                seconds[model.name, default: [:]][batch] = s
                say(String(format: "%@ batch %d step: %.3f s", model.name, batch, s))
            }
        }
        let width = (counts.map(\.name.count).max() ?? 8) + 2
        let header = "notebook".padding(toLength: width, withPad: " ", startingAt: 0)
            + models.map { $0.name.padding(toLength: 12, withPad: " ", startingAt: 0) }.joined()
        say(header)
        var totals = [String: Double]()
        for notebook in counts {
            var line = notebook.name.padding(toLength: width, withPad: " ", startingAt: 0)
            for model in models {
                let time = notebook.batches.reduce(0.0) { $0 + Double($1.value) * (seconds[model.name]?[$1.key] ?? .nan) }
                totals[model.name, default: 0] += time
                line += Self.duration(time).padding(toLength: 12, withPad: " ", startingAt: 0)
            }
            say(line)
        }
        say("whole assignment (stage I forwards): "
            + models.map { "\($0.name) \(Self.duration(totals[$0.name] ?? .nan))" }.joined(separator: ", ")
            + " on \(ProcessStats.cpuModel), \(Parallel.workers) threads")
        var line = ResultLine()
        line.add("kind", "course")
        line.add("evaluations", String(evaluations))
        for model in models { line.add("total_\(model.name)_s", totals[model.name] ?? .nan) }
        line.print()
    }

    /// "1 h 02 min", "12.3 min" or "41 s".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        if seconds >= 3600 { return String(format: "%d h %02d min", Int(seconds) / 3600, (Int(seconds) % 3600) / 60) }
        if seconds >= 120 { return String(format: "%.1f min", seconds / 60) }
        return String(format: "%.0f s", seconds)
    }

    /// Each notebook's model evaluations by batch size, from a run on the counting model.
    static func count(notebooks folder: String) throws -> [(name: String, batches: [Int: Int])] {
        let scratch = NSTemporaryDirectory() + "noisebook-course-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // The notebooks `noisebook run` would run, in its order.
        var result = [(name: String, batches: [Int: Int])]()
        for path in try NotebookDiscovery.notebooks(in: [folder]) {
            let file = (path as NSString).lastPathComponent
            let counter = CountingDenoiser()
            var options = RunOptions(version: "course-count")
            options.paths = [path]
            options.outputFolder = scratch + "/Output"
            options.cacheFolder = scratch + "/cache"
            options.lockFile = scratch + "/lock"
            let log = RunLog(interactive: false) { _ in }
            let summary = try Runner(options: options, log: log) { _ in counter.choice }.run()
            guard summary.brokenNotebooks == 0 else { throw BenchError.io(path: file, reason: "the notebook could not be run on the counting model") }
            result.append((file, counter.batches))
        }
        return result
    }
}

/// A stand-in for DeepFloyd IF stage I that only counts: each evaluation's batch size is
/// recorded and the noise estimate is zero, so a notebook runs through every sampler step
/// as it would on the real model, in moments.
final class CountingDenoiser: Denoiser, @unchecked Sendable {
    let schedule = NoiseSchedule.squaredCosine()
    let displayName = "counting model (IF-I shapes)"
    let identity = "counting/v1"
    private let lock = NSLock()
    private var counts = [Int: Int]()

    /// Evaluations so far by batch size.
    var batches: [Int: Int] { lock.withLock { counts } }

    func predict(_ input: DenoiserInput) throws -> Prediction {
        lock.withLock { counts[input.batch, default: 0] += 1 }
        return Prediction(noise: Tensor(zeros: input.sample.shape), variance: nil)
    }

    /// The model a notebook runs on: this denoiser, with IF's name so IF's prose is chosen.
    var choice: ModelChoice {
        ModelChoice(displayName: displayName, name: "IF-I-L", components: [ModelComponent(role: "stage I", identity: identity)],
                    schedule: schedule) { [self] in LoadedModel(denoiser: self) }
    }
}
