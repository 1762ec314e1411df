import Foundation

/// Whole-tensor and per-axis reductions, accumulated in Double for accuracy.
extension Tensor {
    /// The sum of all elements.
    public func sum() -> Double {
        var total = 0.0
        for v in scalars { total += Double(v) }
        return total
    }

    /// The mean of all elements (NaN for an empty tensor).
    public func mean() -> Double { sum() / Double(count) }

    /// The population variance of all elements.
    public func variance() -> Double {
        let m = mean()
        var total = 0.0
        for v in scalars { let d = Double(v) - m; total += d * d }
        return total / Double(count)
    }

    /// The smallest element; NaN when any element is NaN or the tensor is empty.
    public func min() -> Float { Self.fold(scalars, Swift.min) }

    /// The largest element; NaN when any element is NaN or the tensor is empty.
    public func max() -> Float { Self.fold(scalars, Swift.max) }

    /// The largest absolute element (0 for an empty tensor); NaN when any element is NaN.
    public func maxAbs() -> Float { scalars.isEmpty ? 0 : Self.fold(scalars.lazy.map(abs), Swift.max) }

    /// The largest absolute difference from `other` (same element count; the caller checks
    /// shapes), 0 for empty tensors; NaN when either holds a NaN.
    public func maxAbsDifference(_ other: Tensor) -> Float {
        scalars.isEmpty ? 0 : Self.fold(Swift.zip(scalars, other.scalars).lazy.map { abs($0 - $1) }, Swift.max)
    }

    /// Whether every element is finite (no NaN, no infinity).
    public var isFinite: Bool { scalars.allSatisfy(\.isFinite) }

    /// `combine` over `values`, NaN as soon as one value is NaN: `Swift.min` and `Swift.max`
    /// return their other argument for a NaN, so a plain fold hides NaN unless it comes first.
    private static func fold<S: Sequence>(_ values: S, _ combine: (Float, Float) -> Float) -> Float where S.Element == Float {
        var iterator = values.makeIterator()
        guard var result = iterator.next() else { return .nan }
        while let value = iterator.next() {
            if value.isNaN { return .nan }
            result = combine(result, value)
        }
        return result
    }

    /// The mean squared difference from `other` (same element count; the caller checks shapes).
    public func meanSquaredDifference(_ other: Tensor) -> Double {
        var total = 0.0
        for (x, y) in Swift.zip(scalars, other.scalars) { total += Double(x - y) * Double(x - y) }
        return total / Double(Swift.max(count, 1))
    }

    /// The peak signal-to-noise ratio against `other` in dB, `10 log10(peak^2 / mse)`;
    /// infinite for equal tensors.
    public func psnr(_ other: Tensor, peak: Double) -> Double {
        let error = meanSquaredDifference(other)
        return error == 0 ? .infinity : 10 * log10(peak * peak / error)
    }

    /// The sum over `axis`, which is removed from the shape.
    public func sum(axis: Int) throws -> Tensor {
        guard axis >= 0 && axis < rank else { throw TensorError.invalidAxis(operation: "sum", axis: axis, rank: rank) }
        let outer = Tensor.count(of: Array(shape[..<axis]))
        let n = shape[axis]
        let inner = Tensor.count(of: Array(shape[(axis + 1)...]))
        var out = [Float](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var total: Double = 0
                for k in 0..<n { total += Double(scalars[(o * n + k) * inner + i]) }
                out[o * inner + i] = Float(total)
            }
        }
        var newShape = shape
        newShape.remove(at: axis)
        return Tensor(shape: newShape, scalars: out)
    }

    /// The mean over `axis`, which is removed from the shape.
    public func mean(axis: Int) throws -> Tensor {
        let n = Float(shape[axis])
        return try sum(axis: axis) / n
    }
}
