import Tensor
import TextDistance

/// The arithmetic of DeepFloyd IF's UNet products (`precision:`, `--precision`).
public enum Precision: String, Sendable, CaseIterable {
    /// Float32 throughout: the default and the parity path.
    case fp32
    /// Weights packed as bfloat16 for the linear and convolution products (AVX512-BF16).
    case bf16

    /// The precision called `name`; an unknown name is a usage error naming the closest.
    public init(named name: String) throws {
        guard let precision = Precision(rawValue: name) else {
            throw PipelineError(usage: true, Self.problem(name) ?? "unknown precision '\(name)'")
        }
        self = precision
    }

    /// What is wrong with `name` as a precision, nil when it is one: the one message for
    /// `precision:` and `--precision`.
    public static func problem(_ name: String) -> String? {
        guard Precision(rawValue: name) == nil else { return nil }
        let names = allCases.map(\.rawValue)
        return "unknown precision '\(name)'\(ClosestMatch.hint(for: name, among: names)) (expected \(names.joined(separator: " or ")))"
    }

    /// The bf16 kernel this precision runs on this machine (nil for fp32); bf16 where it
    /// cannot run (no AVX512-BF16, or a bad `NOISEBOOK_BF16_KERNEL`) is a usage error saying why.
    public func kernel() throws -> BFloat16Kernel? {
        guard self == .bf16 else { return nil }
        switch BFloat16Kernel.current {
        case .success(let kernel?): return kernel
        case .success(nil): throw PipelineError(usage: true, BFloat16Kernel.unavailable ?? "precision bf16 is not available here")
        case .failure(let error): throw PipelineError(usage: true, "\(error)")
        }
    }
}
