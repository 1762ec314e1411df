import DeepFloyd
import Foundation
import Tensor
import Weights

/// The whole benchmark: BLAS kernel and SGEMM peak first, then every measurement in its
/// own child process, then PyTorch's times on the same shapes and the ratios.
struct Suite: BenchRun {
    let runs: Int
    let models: [PublishedUNet]
    let batches: [Int]
    let xl: Bool
    let t5: Bool
    let pytorch: Bool
    let sample: Bool
    /// The Python to time PyTorch with (`--python`); nil: the first with PyTorch 2.x of
    /// `python3` on the PATH and Debian's `/usr/bin/python3`, else whichever has PyTorch.
    let python: String?
    let xlFile: String?
    let stageII: Bool
    let upsampleSteps: Int
    let algorithms: Bool
    let bfloat16: Bool

    init(options: inout Options) throws {
        runs = try options.int("runs", default: 5)
        models = try options.list("models", default: ["M", "L"]).map { name in
            guard let m = PublishedUNet.named(name) else { throw BenchError.usage("unknown model '\(name)'") }
            return m
        }
        batches = try options.list("batches", default: ["1", "2"]).map { text in
            guard let b = Int(text), b > 0 else { throw BenchError.usage("bad batch size '\(text)'") }
            return b
        }
        xl = !options.flag("no-xl")
        t5 = !options.flag("no-t5")
        pytorch = !options.flag("no-pytorch")
        sample = !options.flag("no-sample")
        python = options.string("python")
        xlFile = options.string("xl-file")
        stageII = !options.flag("no-stage2")
        upsampleSteps = try options.int("upsample-steps", default: 50)
        algorithms = !options.flag("no-algorithms")
        bfloat16 = !options.flag("no-bf16")
    }

    func run() throws {
        say("machine: \(ProcessStats.cpuModel), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        let inherited = Knob.blasInherited.value().map { " (loaded \($0), re-executed)" } ?? ""
        say("BLAS: OpenBLAS kernel \(BLASRuntime.coreName)\(inherited), single-threaded calls, products split over \(Parallel.workers) of \(ProcessInfo.processInfo.activeProcessorCount) cores")
        let peak = (0..<3).map { _ in BLASRuntime.measureSGEMM(size: 2048, repeats: 3) }.max() ?? .nan
        say(String(format: "measured SGEMM peak (2048^3, best of 3 x 3): %.0f GFLOP/s", peak))

        var ours = [String: [String: String]]()
        for model in models {
            for batch in batches {
                let r = try child(["forward", "--model", model.name, "--batch", String(batch), "--runs", String(runs)])
                ours["\(model.name)/\(batch)"] = r
                say(String(format: "%@ batch %d: %@ s (min %@, max %@, %@ runs; %@ CPU s per pass), %@ GFLOP -> %@ GFLOP/s (%.0f%% of SGEMM peak), peak RSS %@ GB",
                           model.name, batch, r["seconds"] ?? "?", r["min_s"] ?? "?", r["max_s"] ?? "?", r["runs"] ?? "?", r["cpu_s"] ?? "?",
                           r["gflops"] ?? "?", r["gflop_per_s"] ?? "?", 100 * (Double(r["gflop_per_s"] ?? "") ?? .nan) / peak,
                           r["rss_gb"] ?? "?"))
            }
        }
        try compareCores()
        if algorithms {
            try compareConvolutionAlgorithms(peak: peak)
            try compareWeightKernels(peak: peak)
        }
        if bfloat16 { try compareBFloat16(peak: peak) }
        if sample {
            // A whole sample as the course runs it: 33 strided steps, each a batch-2 CFG forward.
            for model in models {
                let r = try child(["sample", "--model", model.name])
                say("\(model.name) CFG sample, \(r["steps"] ?? "?") steps at batch 2: \(r["seconds"] ?? "?") s (\(r["per_step_s"] ?? "?") s per step), peak RSS \(r["rss_gb"] ?? "?") GB")
            }
        }
        if let r = try? child(["builtin"]) {
            say("built-in model CFG step (\(r["side"] ?? "?")px): median \(r["median_step_s"] ?? "?") s, slowest \(r["max_step_s"] ?? "?") s over \(r["steps"] ?? "?") steps")
        } else {
            say("built-in model: skipped (no emoji set in Models/emoji)")
        }
        if xl {
            var arguments = ["xl", "--runs", "2"]
            if let xlFile { arguments += ["--file", xlFile] }
            let r = try child(arguments)
            let xlPeak = Double(r["peak_gflop_per_s"] ?? "") ?? .nan
            let share = { (key: String) in String(format: "%.0f%%", 100 * (Double(r[key] ?? "") ?? .nan) / xlPeak) }
            say("IF-I-XL (fp16 file, weights kept fp16): first pass \(r["first_s"] ?? "?") s; batch 1 \(r["seconds"] ?? "?") s, "
                + "\(r["gflop_per_s"] ?? "?") GFLOP/s (\(share("gflop_per_s")) of the SGEMM peak measured in its run, "
                + "\(r["peak_gflop_per_s"] ?? "?") GFLOP/s); batch 2 \(r["b2_s"] ?? "?") s, \(r["b2_gflop_per_s"] ?? "?") GFLOP/s "
                + "(\(share("b2_gflop_per_s"))); peak RSS \(r["rss_gb"] ?? "?") GB (weights \(r["weights_gb"] ?? "?") GB mapped); "
                + "file written in \(r["write_s"] ?? "?") s")
        }
        if t5 {
            let r = try child(["t5", "--runs", "2", "--keep", "--file", T5Run.defaultFile])
            let share = { (key: String) in String(format: "%.0f%%", 100 * (Double(r[key] ?? "") ?? .nan) / peak) }
            say("T5-XXL text encoder (fp16 file, weights kept fp16: \(r["half"] ?? "?")): loaded in \(r["load_s"] ?? "?") s; "
                + "1 prompt: first \(r["first_s"] ?? "?") s, then \(r["b1_s"] ?? "?") s (\(r["b1_gflop_per_s"] ?? "?") GFLOP/s, \(share("b1_gflop_per_s")) of SGEMM peak); "
                + "4 prompts: \(r["b4_s"] ?? "?") s (\(r["b4_gflop_per_s"] ?? "?") GFLOP/s, \(share("b4_gflop_per_s")) of SGEMM peak); "
                + "peak RSS \(r["rss_gb"] ?? "?") GB (weights \(r["weights_gb"] ?? "?") GB mapped); file written in \(r["write_s"] ?? "?") s")
            // As notebooks encode: each block's pages leave resident memory after use.
            let p = try child(["t5", "--runs", "1", "--release-pages", "--file", T5Run.defaultFile])
            say("T5-XXL as notebooks run it (each block's weight pages released after use): 1 prompt \(p["first_s"] ?? "?") s, "
                + "4 prompts \(p["b4_s"] ?? "?") s; peak RSS \(p["rss_gb"] ?? "?") GB")
        }
        if stageII {
            // One CFG step of stage II is one batch-2 forward at 256x256; two timed passes
            // after the warm-up, as each takes tens of seconds on a small machine.
            let model = PublishedUNet.stageIILarge
            let r = try child(["forward", "--model", model.name, "--batch", "2", "--runs", String(min(runs, 2))])
            ours["\(model.name)/2"] = r
            say(String(format: "%@ batch 2 at 256x256 (one CFG step): %@ s (min %@, max %@; %@ CPU s per pass), %@ GFLOP -> %@ GFLOP/s (%.0f%% of SGEMM peak), peak RSS %@ GB (weights %@ GB)",
                       model.name, r["seconds"] ?? "?", r["min_s"] ?? "?", r["max_s"] ?? "?", r["cpu_s"] ?? "?", r["gflops"] ?? "?",
                       r["gflop_per_s"] ?? "?", 100 * (Double(r["gflop_per_s"] ?? "") ?? .nan) / peak, r["rss_gb"] ?? "?", r["weights_gb"] ?? "?"))
            let u = try child(["upsample", "--steps", String(upsampleSteps)])
            say("\(model.name) upsampling 64 -> 256, \(u["steps"] ?? "?") steps with CFG: \(u["seconds"] ?? "?") s (\(u["per_step_s"] ?? "?") s per step), peak RSS \(u["rss_gb"] ?? "?") GB")
        }
        if pytorch { try comparePyTorch(ours) }
    }

    /// Each model's batch-1 forward on one thread (`NOISEBOOK_THREADS=1`) against all of them,
    /// in `corePairs` pairs of runs one after the other (a virtual machine's speed drifts
    /// between minutes; a pair shares its minute): the median speed-up S on N cores, and the
    /// parallel fraction p it implies by Amdahl's law, S = 1 / ((1 - p) + p / N), that is
    /// p = (1 - 1/S) / (1 - 1/N); and what that fraction promises on 16 cores. Beside it, the
    /// fraction the lanes' own busy time implies (`LaneTime`: what the serial passes, hand-offs
    /// and uneven loop ends cost) and how much more lane time the same work took on N threads
    /// than on one (the lanes slowing each other: shared caches, memory, clocks), the two
    /// parts of the measured speed-up: S = (lanes' busy speed-up) / (that factor).
    func compareCores() throws {
        let cores = Parallel.workers
        guard cores > 1 else { return say("cores: one worker (NOISEBOOK_THREADS or the machine), no scaling to measure") }
        for model in models {
            var speedups = [Double](), ones = [Double](), alls = [Double](), laneFractions = [Double](), slowdowns = [Double]()
            for _ in 0..<Suite.corePairs {
                let arguments = ["forward", "--model", model.name, "--batch", "1", "--runs", String(runs)]
                let one = try child(arguments, environment: [Knob.threads.rawValue: "1"])
                let all = try child(arguments)
                guard let oneSeconds = Double(one["seconds"] ?? ""), let allSeconds = Double(all["seconds"] ?? "") else { continue }
                ones.append(oneSeconds)
                alls.append(allSeconds)
                speedups.append(oneSeconds / allSeconds)
                if let fraction = Double(all["lane_fraction"] ?? ""), let work = Double(all["lane_work_s"] ?? "") {
                    laneFractions.append(fraction)
                    slowdowns.append(work / oneSeconds)
                }
            }
            guard !speedups.isEmpty else { continue }
            let speedup = ProcessStats.median(speedups)
            let fraction = LaneTime.parallelFraction(speedup: speedup, lanes: cores)
            let sixteen = LaneTime.speedup(parallelFraction: fraction, lanes: 16)
            let pairs = zip(ones, alls).map { String(format: "%.2f/%.2f", $0, $1) }.joined(separator: ", ")
            say(String(format: "%@ batch 1 on 1 thread / on %d, %d pairs: %@ s; median speed-up %.2fx (%.2f to %.2f), parallel fraction %.1f%% (Amdahl); at that fraction 16 cores would give %.1fx",
                       model.name, cores, speedups.count, pairs, speedup, speedups.min() ?? .nan, speedups.max() ?? .nan,
                       100 * fraction, sixteen))
            guard !laneFractions.isEmpty else { continue }
            let lanes = ProcessStats.median(laneFractions)
            say(String(format: "%@ batch 1 by the lanes' busy time on %d: parallel fraction %.1f%% (%.1f to %.1f; serial passes, hand-offs, uneven loop ends), at which 16 cores would give %.1fx; the same work took %.2fx the lane time on %d threads as on one (%.2f to %.2f)",
                       model.name, cores, 100 * lanes, 100 * (laneFractions.min() ?? .nan), 100 * (laneFractions.max() ?? .nan),
                       LaneTime.speedup(parallelFraction: lanes, lanes: 16), ProcessStats.median(slowdowns), cores, slowdowns.min() ?? .nan, slowdowns.max() ?? .nan))
        }
    }

    /// Pairs of one-thread and all-thread runs in `compareCores`.
    static let corePairs = 3

    /// Each model at its largest batch under every convolution policy (`NOISEBOOK_WINOGRAD`):
    /// the time, and the output's largest difference from direct convolution's relative to
    /// its largest value (same weights and inputs; direct is the parity path's arithmetic).
    private func compareConvolutionAlgorithms(peak: Double) throws {
        guard let batch = batches.max() else { return }
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for model in models {
            var outputs = [String: Tensor]()
            for policy in [ConvolutionPolicy.off, .forced(.f2x2), .forced(.f4x4), .automatic].map(\.name) {
                let path = folder.appendingPathComponent("\(model.name)-\(policy).npy").path
                let r = try child(["forward", "--model", model.name, "--batch", String(batch), "--runs", String(runs), "--save", path],
                                  environment: [Knob.winograd.rawValue: policy])
                outputs[policy] = try NPYFile.read(path)
                var difference = ""
                if policy != "off", let direct = outputs["off"], let out = outputs[policy] {
                    difference = String(format: "; largest difference from direct %.1e of the largest output",
                                        Self.relativeDifference(out, from: direct))
                }
                let summary = (try? ConvolutionPolicy.from(environment: [Knob.winograd.rawValue: policy]).summary) ?? "?"
                say(String(format: "%@ batch %d, NOISEBOOK_WINOGRAD=%@ (%@): %@ s, %@ GFLOP/s (%.0f%% of SGEMM peak)%@",
                           model.name, batch, policy, summary, r["seconds"] ?? "?", r["gflop_per_s"] ?? "?",
                           100 * (Double(r["gflop_per_s"] ?? "") ?? .nan) / peak, difference))
            }
        }
    }

    /// Each model at its largest batch with each weight-product kernel this CPU runs
    /// (`NOISEBOOK_SGEMM_KERNEL`; the portable one is for tests): the time, and the output's
    /// largest difference from OpenBLAS's relative to its largest value.
    private func compareWeightKernels(peak: Double) throws {
        guard let batch = batches.max() else { return }
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let kernels = [Float32Kernel.openblas, .avx2, .avx512].filter(\.isRunnable)
        for model in models {
            var outputs = [Float32Kernel: Tensor]()
            for kernel in kernels {
                let path = folder.appendingPathComponent("\(model.name)-\(kernel.rawValue).npy").path
                let r = try child(["forward", "--model", model.name, "--batch", String(batch), "--runs", String(runs), "--save", path],
                                  environment: [Knob.sgemmKernel.rawValue: kernel.rawValue])
                outputs[kernel] = try NPYFile.read(path)
                var difference = ""
                if kernel != .openblas, let reference = outputs[.openblas], let out = outputs[kernel] {
                    difference = String(format: "; largest difference from OpenBLAS %.1e of the largest output",
                                        Self.relativeDifference(out, from: reference))
                }
                say(String(format: "%@ batch %d, NOISEBOOK_SGEMM_KERNEL=%@: %@ s, %@ GFLOP/s (%.0f%% of SGEMM peak)%@",
                           model.name, batch, kernel.rawValue, r["seconds"] ?? "?", r["gflop_per_s"] ?? "?",
                           100 * (Double(r["gflop_per_s"] ?? "") ?? .nan) / peak, difference))
            }
        }
    }

    /// Each model at its largest batch in fp32 and bf16 (`--precision bf16`, where the CPU
    /// has AVX512-BF16): the times, the speed-up, and the output's largest difference from
    /// fp32's relative to its largest value.
    private func compareBFloat16(peak: Double) throws {
        guard let batch = batches.max() else { return }
        if let reason = BFloat16Kernel.unavailable {
            say("bf16: skipped (\(reason))")
            return
        }
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for model in models {
            var results = [String: (fields: [String: String], output: Tensor)]()
            for precision in ["fp32", "bf16"] {
                let path = folder.appendingPathComponent("\(model.name)-\(precision).npy").path
                let r = try child(["forward", "--model", model.name, "--batch", String(batch), "--runs", String(runs),
                                   "--precision", precision, "--save", path])
                results[precision] = (r, try NPYFile.read(path))
            }
            guard let fp32 = results["fp32"], let bf16 = results["bf16"] else { continue }
            let (a, b) = (Double(fp32.fields["seconds"] ?? "") ?? .nan, Double(bf16.fields["seconds"] ?? "") ?? .nan)
            say(String(format: "%@ batch %d bf16: %.3f s against fp32 %.3f s (%.2fx faster, %.0f%% of the fp32 SGEMM peak), peak RSS %@ GB; largest difference from fp32 %.1e of the largest output",
                       model.name, batch, b, a, a / b, 100 * (Double(bf16.fields["gflop_per_s"] ?? "") ?? .nan) / peak,
                       bf16.fields["rss_gb"] ?? "?", Self.relativeDifference(bf16.output, from: fp32.output)))
        }
        // Judged by images: a whole 33-step CFG sample in each precision from the same noise,
        // compared as displayed (clipped to the model range, peak 2). DeepFloyd's thresholded
        // steps keep the random-weight model's sample in range.
        guard let model = models.first else { return }
        var images = [String: (fields: [String: String], image: Tensor)]()
        for precision in ["fp32", "bf16"] {
            let path = folder.appendingPathComponent("\(model.name)-sample-\(precision).npy").path
            let r = try child(["sample", "--model", model.name, "--precision", precision, "--rule", "scheduler", "--save", path])
            images[precision] = (r, try NPYFile.read(path).clamped(to: -1...1))
        }
        guard let fp32 = images["fp32"], let bf16 = images["bf16"] else { return }
        let (a, b) = (Double(fp32.fields["seconds"] ?? "") ?? .nan, Double(bf16.fields["seconds"] ?? "") ?? .nan)
        say(String(format: "%@ 33-step CFG sample (DeepFloyd's thresholded steps): bf16 %.1f s against fp32 %.1f s (%.2fx faster); bf16 image against fp32's from the same noise: PSNR %.1f dB",
                   model.name, b, a, a / b, bf16.image.psnr(fp32.image, peak: 2)))
    }

    /// A fresh folder for the outputs children save (the caller removes it).
    private static func scratchFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("noisebook-bench-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The largest difference between `output` and `reference`, relative to `reference`'s
    /// largest magnitude.
    private static func relativeDifference(_ output: Tensor, from reference: Tensor) -> Float {
        let scale = reference.scalars.map(abs).max() ?? 1
        return (zip(output.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? .nan) / scale
    }

    /// The Python command (as arguments) with torch and diffusers to time against, and its
    /// torch version: a current PyTorch (2.x, e.g. from PyPI) before Debian's 1.13.
    private func choosePython() throws -> (command: [String], torch: String)? {
        let candidates: [[String]] = python.map { [[$0]] } ?? [["/usr/bin/env", "python3"], ["/usr/bin/python3"]]
        var found: [(command: [String], torch: String)] = []
        for command in candidates where FileManager.default.isExecutableFile(atPath: command[0]) {
            let check = try capture(command + ["-c", "import torch, diffusers; print(torch.__version__)"])
            guard check.status == 0, let version = check.output.split(separator: "\n").last.map(String.init) else { continue }
            found.append((command, version))
        }
        return found.first { !$0.torch.hasPrefix("1.") } ?? found.first
    }

    /// Whether the other engines should be capped at AVX2 to meet `kernel` on the same
    /// instructions: noisebook's AVX2 kernels forced (`NOISEBOOK_SGEMM_KERNEL=avx2`) on a CPU
    /// with AVX-512. Otherwise each engine uses the best this CPU has.
    static func cappedAtAVX2(_ kernel: Float32Kernel) -> Bool {
        kernel == .avx2 && Float32Kernel.avx512.isRunnable
    }

    /// The variables that cap PyTorch and OpenVINO at AVX2, each read when its library loads:
    /// oneDNN's convolutions in both, ATen's elementwise kernels, MKL's matrix products (PyTorch),
    /// and OpenVINO's own kernels where its build honours the variable. OpenVINO's MLAS matrix
    /// products choose for themselves. The scripts report what ran (`cpu`, `kernels`).
    static let avx2Cap = ["ONEDNN_MAX_CPU_ISA": "AVX2", "OV_CPU_MAX_ISA": "AVX2",
                          "ATEN_CPU_CAPABILITY": "avx2", "MKL_ENABLE_INSTRUCTIONS": "AVX2"]

    /// Runs tools/bench/pytorch_unet.py when torch and diffusers import, and prints ratios.
    private func comparePyTorch(_ ours: [String: [String: String]]) throws {
        let script = "tools/bench/pytorch_unet.py"
        guard FileManager.default.fileExists(atPath: script) else {
            say("PyTorch: skipped (\(script) missing)")
            return
        }
        guard let (command, version) = try choosePython() else {
            say("PyTorch: skipped (torch and diffusers do not import with \(python ?? "python3 or /usr/bin/python3"))")
            return
        }
        // Forced AVX2 kernels on an AVX-512 CPU meet the other engines capped at AVX2 as well.
        let capped = Self.cappedAtAVX2(Float32Kernel.current)
        let environment = capped ? Self.avx2Cap : [:]
        say("PyTorch \(version) (\(command.joined(separator: " ")); best of 1 and 2 threads, OMP_WAIT_POLICY=PASSIVE"
            + (capped ? "; both engines capped at AVX2: " + Self.avx2Cap.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") : "") + ")")
        var arguments = command + [script, "--runs", String(runs),
                                   "--models", models.map(\.name).joined(separator: ","),
                                   "--batches", batches.map(String.init).joined(separator: ",")]
        if stageII { arguments += ["--stage2-runs", String(min(runs, 2))] }
        let result = try capture(arguments, environment: environment)
        guard result.status == 0 else { throw BenchError.childFailed(command: arguments.joined(separator: " "), status: result.status, output: result.output) }
        // OpenVINO on the same shapes, converted from the same diffusers model, when installed.
        var openVINO = [String: [String: String]]()
        let openVINOScript = "tools/bench/openvino_unet.py"
        if try capture(command + ["-c", "import openvino"]).status == 0, FileManager.default.fileExists(atPath: openVINOScript) {
            let ov = command + [openVINOScript, "--runs", String(runs), "--models", models.map(\.name).joined(separator: ","),
                                "--batches", batches.map(String.init).joined(separator: ",")]
            let converted = try capture(ov, environment: environment)
            guard converted.status == 0 else { throw BenchError.childFailed(command: ov.joined(separator: " "), status: converted.status, output: converted.output) }
            for r in ResultLine.parse(converted.output) {
                if let model = r["model"], let batch = r["batch"] { openVINO["\(model)/\(batch)"] = r }
            }
            say("OpenVINO \(openVINO.values.first?["version"] ?? "?") (f32, latency mode, converted from the same diffusers model)")
            for (key, r) in openVINO.sorted(by: { $0.key < $1.key }) {
                say("OpenVINO \(key) ran: \(r["kernels"] ?? "?")")
            }
        } else {
            say("OpenVINO: not installed for \(command.joined(separator: " ")) (pip install openvino to compare)")
        }
        say("PyTorch's CPU capability: " + Set(ResultLine.parse(result.output).compactMap { $0["cpu"] }).sorted().joined(separator: ", "))
        say("| model | batch | noisebook s | PyTorch s (threads) | ratio | OpenVINO s | ratio | noisebook GFLOP/s |")
        say("|---|---|---|---|---|---|---|---|")
        for r in ResultLine.parse(result.output) {
            guard let model = r["model"], let batch = r["batch"], let theirs = Double(r["seconds"] ?? "") else { continue }
            let mine = ours["\(model)/\(batch)"]
            let seconds = Double(mine?["seconds"] ?? "") ?? .nan
            let ov = Double(openVINO["\(model)/\(batch)"]?["seconds"] ?? "")
            let ovColumns = ov.map { String(format: "%.3f | %.2f", $0, seconds / $0) } ?? " | "
            say(String(format: "| %@ | %@ | %.3f | %.3f (%@) | %.2f | %@ | %@ |", model, batch, seconds, theirs,
                       r["threads"] ?? "?", seconds / theirs, ovColumns, mine?["gflop_per_s"] ?? "?"))
        }
    }
}
