import Foundation
import Tensor
import Weights

/// `noisebook doctor`: what this machine gives noisebook.
struct DoctorCommand {
    let arguments: [String]

    func run() throws -> Int32 {
        _ = try OptionParser(arguments, valued: [], flags: [])
        print("noisebook \(noisebookVersion)")
        let reexec = Knob.blasReexec.value()
        let inherited = Knob.blasInherited.value()
        var origin = "detected by OpenBLAS"
        if let reexec {
            origin = "chosen by noisebook for this CPU; OpenBLAS had loaded \(inherited ?? "another kernel")"
            if reexec.lowercased() != BLASRuntime.coreName.lowercased() { origin += "; the request for \(reexec) was not honoured" }
        } else if let requested = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] {
            origin = "OPENBLAS_CORETYPE=\(requested)"
        }
        print("BLAS kernel:   \(BLASRuntime.coreName) (\(origin))")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print("Threads:       \(Parallel.workers) of \(cores) cores (\(Knob.threads.rawValue)=\(Knob.threads.value() ?? "unset")); OpenBLAS runs each call on one thread and noisebook splits large products over the workers")
        print("BLAS config:   \(BLASRuntime.configuration)")
        let policy = ConvolutionPolicy.current
        print("Convolution:   \(policy.summary) (\(Knob.winograd.rawValue)=\(policy.name); \(Knob.winograd.values?.joined(separator: ", ") ?? ""))")
        let own = Float32Kernel.current
        let runnable = Float32Kernel.allCases.filter(\.isRunnable).map(\.rawValue).joined(separator: ", ")
        print("Weight GEMM:   \(own.rawValue) for Winograd and small-image products (\(Knob.sgemmKernel.rawValue)=\(own.rawValue); this CPU runs \(runnable))")
        let gflops = BLASRuntime.measureSGEMM()
        print(String(format: "SGEMM speed:   %.0f GFLOP/s (1024x1024x1024, best of 5)", gflops))
        let locator = WeightsLocator()
        print("Weights:       looked for in (first found wins):")
        for path in locator.searchPaths() { print("                 \(path)/models--DeepFloyd--IF-I-{M,L,XL}-v1.0") }
        let found = locator.findAll()
        if found.isEmpty {
            print("                 none found: notebooks run on the built-in model (pass --weights DIR to use a folder)")
        }
        for model in found {
            print(String(format: "  found %@ (%@, %.1f GB) at %@", model.name, model.variant.rawValue, Double(model.sizeBytes) / 1e9, model.folder))
        }
        print("Text encoder:  text_encoder/ and tokenizer/ of an IF-I snapshot (for prompts no embeddings file holds)")
        let encoders = found.compactMap { locator.textEncoder(inSnapshot: $0.folder, name: $0.name) }
        if encoders.isEmpty {
            print("                 none found: prompts must come from prompt_embeds_dict.pth (docs/models.md: Using DeepFloyd IF)")
        }
        for encoder in encoders {
            let bytes = ((try? FileManager.default.contentsOfDirectory(atPath: encoder.encoderFolder)) ?? []).reduce(Int64(0)) { total, name in
                total + (((try? FileManager.default.attributesOfItem(atPath: encoder.encoderFolder + "/" + name))?[.size] as? NSNumber)?.int64Value ?? 0)
            }
            print(String(format: "  found T5 of %@ (%.1f GB) at %@", encoder.name, Double(bytes) / 1e9, encoder.encoderFolder))
        }
        print("Stage II:      \(WeightsLocator.stageIIOrder.joined(separator: ", then ")) in the same folders (for upsample())")
        let stageII = locator.findAll(stage: "II")
        if stageII.isEmpty {
            print("                 none found: upsample() is unavailable (pass --weights2 DIR to use a folder)")
        }
        for model in stageII {
            print(String(format: "  found %@ (%@, %.1f GB) at %@", model.name, model.variant.rawValue, Double(model.sizeBytes) / 1e9, model.folder))
        }
        return ExitCode.success
    }
}
