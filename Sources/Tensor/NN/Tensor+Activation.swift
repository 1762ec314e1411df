#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Pointwise activations and the row softmax used by attention.
extension Tensor {
    /// GELU in its exact form, `x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2))` (PyTorch's default),
    /// same shape as `self`.
    public func gelu() -> Tensor {
        var out = self
        out.applyGELU()
        return out
    }

    /// GELU (exact erf form) in place.
    public mutating func applyGELU() {
        let invSqrt2: Float = 0.70710678118654752440
        applyPointwise { x in 0.5 * x * (1 + erff(x * invSqrt2)) }
    }

    /// SiLU (swish), `x * sigmoid(x)`, same shape as `self`.
    public func silu() -> Tensor {
        var out = self
        out.applySiLU()
        return out
    }

    /// SiLU in place.
    public mutating func applySiLU() {
        applyPointwise { x in x / (1 + expf(-x)) }
    }

    /// `body` applied to every element in place, split across cores for large tensors.
    mutating func applyPointwise(_ body: @Sendable (Float) -> Float) {
        let n = count
        scalars.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let p = SharedMutablePointer(base: base)
            Parallel.forEachChunk(n, minimumPerChunk: 32_768) { range in
                for i in range { p.base[i] = body(p.base[i]) }
            }
        }
    }

    /// Softmax over the last axis (numerically stable: the row maximum is subtracted
    /// first), same shape as `self`.
    public func softmaxLastAxis() -> Tensor {
        var out = self
        guard let width = shape.last, width > 0 else { return out }
        let rows = count / width
        out.scalars.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            Tensor.softmaxRows(base, rows: rows, width: width)
        }
        return out
    }

    /// Softmax of each of `rows` contiguous rows of `width` values, in place.
    static func softmaxRows(_ base: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        let p = SharedMutablePointer(base: base)
        Parallel.forEach(rows, costPerItem: width * 4) { r in
            let row = p.base + r * width
            var maximum = -Float.infinity
            for j in 0..<width { maximum = Swift.max(maximum, row[j]) }
            var total: Float = 0
            for j in 0..<width {
                let e = expf(row[j] - maximum)
                row[j] = e
                total += e
            }
            let scale = 1 / total
            for j in 0..<width { row[j] *= scale }
        }
    }
}
