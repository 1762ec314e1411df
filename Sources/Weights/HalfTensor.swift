import Tensor

/// A tensor kept as IEEE half bits, half the memory of `Tensor`, widened when used.
///
/// A large model can hold all its weights this way and widen one layer at a time, the way
/// fp16 checkpoints are meant to be run on hardware without half arithmetic.
public struct HalfTensor: Sendable, Equatable {
    /// The extent of each axis, outermost first.
    public let shape: [Int]
    /// The elements' half-precision bit patterns, row-major.
    public let bits: [UInt16]

    /// A half tensor from its bit patterns; `bits.count` must equal the shape's element count.
    public init(shape: [Int], bits: [UInt16]) {
        precondition(Tensor.count(of: shape) == bits.count, "shape \(shape) needs \(Tensor.count(of: shape)) halves, got \(bits.count)")
        self.shape = shape
        self.bits = bits
    }

    /// `tensor` rounded to half precision (ties to even).
    public init(rounding tensor: Tensor) {
        self.init(shape: tensor.shape, bits: tensor.scalars.map(DType.floatToHalf))
    }

    /// The number of elements.
    public var count: Int { bits.count }

    /// The same values as a Float32 `Tensor` (exact: every half is a float).
    public func widened() -> Tensor {
        let values = bits.withUnsafeBytes { DType.f16.widen($0, count: bits.count) }
        return Tensor(shape: shape, scalars: values)
    }

    /// Widens into `buffer` (at least `count` long) without allocating, for per-layer reuse.
    public func widen(into buffer: UnsafeMutableBufferPointer<Float>) {
        precondition(buffer.count >= bits.count, "buffer of \(buffer.count) for \(bits.count) halves")
        bits.withUnsafeBytes { DType.widen(.f16, $0, into: buffer, count: bits.count) }
    }
}
