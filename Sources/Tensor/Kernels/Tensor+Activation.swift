import CVector
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
        applyPointwise(.gelu)
    }

    /// SiLU (swish), `x * sigmoid(x)`, same shape as `self`.
    public func silu() -> Tensor {
        var out = self
        out.applySiLU()
        return out
    }

    /// SiLU in place.
    public mutating func applySiLU() {
        applyPointwise(.silu)
    }

    /// `activation` applied to every element in place (the normalisation's map with the
    /// identity affine, which leaves every value as it is), split across cores for large tensors.
    mutating func applyPointwise(_ activation: PointwiseActivation) {
        let n = count
        scalars.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let p = SharedMutablePointer(base: base)
            Parallel.forEachChunk(n, minimumPerChunk: 32_768) { range in
                ChannelAffine.apply(mean: 0, scale: 1, shift: 0, activation: activation,
                                    p.base + range.lowerBound, p.base + range.lowerBound, count: range.count)
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
            var j = 0
            var top = SIMD8<Float>(repeating: -.infinity)
            while j + 8 <= width {
                let v = FastMath.load(row + j)
                top.replace(with: v, where: v .> top)
                j += 8
            }
            var maximum = top.max()
            while j < width { maximum = Swift.max(maximum, row[j]); j += 1 }
            j = 0
            var sum = SIMD8<Float>(repeating: 0)
            while j + 8 <= width {
                let e = FastMath.exp(FastMath.load(row + j) - maximum)
                FastMath.store(e, row + j)
                sum += e
                j += 8
            }
            var total = sum.sum()
            while j < width {
                let e = FastMath.exp(row[j] - maximum)
                row[j] = e
                total += e
                j += 1
            }
            let scale = 1 / total
            j = 0
            while j + 8 <= width {
                FastMath.store(FastMath.load(row + j) * scale, row + j)
                j += 8
            }
            while j < width { row[j] *= scale; j += 1 }
        }
    }

    /// Softmax down each of the `width` columns of a `[rows, width]` block, of the values
    /// scaled by `scale` (> 0), in place, on this thread; `scratch` holds `2 * width` floats.
    /// Runs on the instruction set of `kernel` (OpenBLAS's: the fastest this CPU has); every
    /// kernel gives the same values bit for bit.
    static func softmaxColumns(_ block: UnsafeMutablePointer<Float>, rows: Int, width: Int, scale: Float,
                               scratch: UnsafeMutablePointer<Float>, kernel: Float32Kernel = .current) {
        nb_softmax_columns(block, rows, width, scale, scratch, kernel.vectorCode)
    }
}
