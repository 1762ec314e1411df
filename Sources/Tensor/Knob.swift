import Foundation

/// Every `NOISEBOOK_*` environment variable noisebook reads: the one table of their names,
/// accepted values and meanings. Each is read through `value(in:)`, by the type it steers
/// (`Float32Kernel`, `BFloat16Kernel`, `ConvolutionPolicy`, `BLASRuntime`, the model
/// resolver); `noisebook help doctor` and docs/performance.md list them from here.
public enum Knob: String, CaseIterable, Sendable {
    /// The weight-product kernel for Winograd and small-image products.
    case sgemmKernel = "NOISEBOOK_SGEMM_KERNEL"
    /// The bfloat16 product kernel of `precision: bf16`.
    case bf16Kernel = "NOISEBOOK_BF16_KERNEL"
    /// How 3x3 convolutions choose between Winograd and direct.
    case winograd = "NOISEBOOK_WINOGRAD"
    /// The OpenBLAS kernel requested at start (through a re-execution with `OPENBLAS_CORETYPE`).
    case blasKernel = "NOISEBOOK_BLAS_KERNEL"
    /// The most threads noisebook's own loops and products use (default: every core).
    case threads = "NOISEBOOK_THREADS"
    /// A folder searched first for the shipped models (`emoji/`, `trained/`).
    case models = "NOISEBOOK_MODELS"
    /// Set by noisebook itself on the re-execution that requests an OpenBLAS kernel.
    case blasReexec = "NOISEBOOK_BLAS_REEXEC"
    /// Set by noisebook itself: the OpenBLAS kernel loaded before the re-execution.
    case blasInherited = "NOISEBOOK_BLAS_INHERITED"

    /// The values it accepts, the default first; nil for a path or a name.
    public var values: [String]? {
        switch self {
        case .sgemmKernel: ["auto", "avx512", "avx2", "portable", "openblas"]
        case .bf16Kernel: ["auto", "avx512", "portable"]
        case .winograd: ["auto", "f4", "f2", "off"]
        case .blasKernel: ["auto", "keep", "SkylakeX", "Haswell", "Sandybridge", "Prescott"]
        case .threads, .models, .blasReexec, .blasInherited: nil
        }
    }

    /// What stands for its value when it takes no listed one (`NOISEBOOK_THREADS=N`).
    public var placeholder: String {
        switch self {
        case .threads: "N"
        case .models: "DIR"
        case .sgemmKernel, .bf16Kernel, .winograd, .blasKernel, .blasReexec, .blasInherited: "NAME"
        }
    }

    /// What it does, one line for the help and the docs.
    public var summary: String {
        switch self {
        case .sgemmKernel: "the kernel of the weight products (Winograd, small images, attention) and of the elementwise passes; portable is for tests"
        case .bf16Kernel: "the kernel of precision bf16 (auto: AVX512-BF16 where the CPU has it); portable is for tests"
        case .winograd: "3x3 convolutions: the measured choice, one Winograd algorithm wherever it runs, or all direct"
        case .blasKernel: "the OpenBLAS kernel (auto: the fastest this CPU runs; keep: whatever OpenBLAS loaded)"
        case .threads: "the most threads noisebook computes on (default: every core; 1 for timing one core)"
        case .models: "a folder searched first for emoji/ and trained/"
        case .blasReexec, .blasInherited: "set by noisebook on its own re-execution; not for users"
        }
    }

    /// Whether users set it (the re-execution markers are noisebook's own).
    public var isForUsers: Bool { self != .blasReexec && self != .blasInherited }

    /// Its value in `environment`, nil when unset or empty.
    public func value(in environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let value = environment[rawValue], !value.isEmpty else { return nil }
        return value
    }

    /// The error for a value it does not accept, naming the variable, the value and `reason`
    /// (by default the values it accepts).
    public func invalid(_ value: String, _ reason: String? = nil) -> TensorError {
        let expected = values.map { list in
            "expected " + (list.count > 1 ? list.dropLast().joined(separator: ", ") + " or " + (list.last ?? "") : list.joined())
        }
        return TensorError.invalidArgument("\(rawValue)=\(value): \(reason ?? expected ?? "not accepted")")
    }

    /// The user's knobs for help texts and docs: `NAME=a|b|c`, then its summary indented.
    public static var userTable: String {
        allCases.filter(\.isForUsers).map { knob in
            knob.rawValue + "=" + (knob.values?.joined(separator: "|") ?? knob.placeholder) + "\n    " + knob.summary
        }.joined(separator: "\n")
    }
}
