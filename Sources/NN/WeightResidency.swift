import Tensor

/// How a model holds its weights in memory.
///
/// Float32 weights run without widening; half-precision weights take half the memory
/// (none of their own when viewed in a mapped checkpoint): noisebook's kernels read them in
/// place in direct convolutions and linear layers, other paths widen one layer at a time.
/// IF-I-M and IF-I-L fit comfortably in Float32 (1.5 and 3.7 GB); IF-I-XL would need
/// 17 GB, so it stays half precision (8.6 GB).
public enum WeightResidency: Sendable, Equatable {
    /// Float32 when the whole model in Float32 needs at most `automaticFloat32Limit`
    /// bytes, otherwise half precision where the checkpoint stores it.
    case automatic
    /// Every tensor widened to Float32 when loaded.
    case float32
    /// Large F16 tensors kept half precision (only with a `HalfTensorProvider`).
    case float16
    /// Linear and convolution weights rounded to bf16 and packed for `kernel`, products in
    /// bf16 with Float32 sums (`precision: bf16`); the checkpoint's F16 tensors stay mapped
    /// as under `float16`, every other value Float32.
    case bfloat16(BFloat16Kernel)

    /// The bf16 kernel of `bfloat16`, nil otherwise.
    public var bfloat16Kernel: BFloat16Kernel? {
        if case .bfloat16(let kernel) = self { return kernel }
        return nil
    }

    /// The Float32 footprint up to which `automatic` widens everything: 6 GiB.
    public static let automaticFloat32Limit = 6 << 30

    /// Whether F16 tensors of `weights` stay half precision under this policy.
    package func keepsHalf(_ weights: any TensorProvider) -> Bool {
        switch self {
        case .float32: return false
        case .float16, .bfloat16: return true
        case .automatic:
            let values = weights.names.reduce(0) { $0 + Tensor.count(of: weights.shape(of: $1) ?? []) }
            return values * 4 > WeightResidency.automaticFloat32Limit
        }
    }
}
