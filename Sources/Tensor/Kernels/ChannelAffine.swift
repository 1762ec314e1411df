import CVector

/// What a group normalisation does to each (batch item, channel) plane once its statistics
/// are known: `act((x - mean) * scale + shift)`, with the affine parameters and any time
/// modulation folded into `scale` and `shift`.
///
/// A convolution that reads a normalised input can apply it as it reads (`conv2d(...,
/// inputAffine:)`): the normalised tensor is then never written out and read back.
public struct ChannelAffine: Sendable {
    /// Batch items and channels it applies to (`[B, C, ...]`).
    public let batch: Int, channels: Int
    /// The activation after the affine map.
    public let activation: PointwiseActivation
    /// Per plane `b * C + c`.
    var mean: [Float], scale: [Float], shift: [Float]

    /// `count` values of plane `plane` (`b * C + c`) from `source` into `destination`, or
    /// `rows` rows of `count` values `strides` apart.
    @inline(__always)
    func apply(plane: Int, _ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>, count: Int,
               rows: Int = 1, strides: (source: Int, destination: Int)? = nil, kernel: Float32Kernel = .current) {
        ChannelAffine.apply(mean: mean[plane], scale: scale[plane], shift: shift[plane], activation: activation,
                            source, destination, count: count, rows: rows, strides: strides, kernel: kernel)
    }

    /// `act((x - mean) * scale + shift)` for `count` values, or for `rows` rows of `count`
    /// values `strides` apart: the one definition of the map, on CVector's kernel of
    /// `kernel`'s instruction set.
    @inline(__always)
    static func apply(mean: Float, scale: Float, shift: Float, activation: PointwiseActivation,
                      _ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>, count: Int,
                      rows: Int = 1, strides: (source: Int, destination: Int)? = nil, kernel: Float32Kernel = .current) {
        nb_affine_map(source, strides?.source ?? count, destination, strides?.destination ?? count, rows, count,
                      mean, scale, shift, activation.code, kernel.vectorCode)
    }

    /// Copies plane `plane` (`height` rows of `width` values from `source`) into rows
    /// `destinationStride` apart, through `affine` when there is one: how the Winograd input
    /// transforms fill their zero-padded plane.
    static func copyPlane(_ affine: ChannelAffine?, plane: Int, from source: UnsafePointer<Float>,
                          height: Int, width: Int,
                          to destination: UnsafeMutablePointer<Float>, destinationStride: Int,
                          kernel: Float32Kernel = .current) {
        guard let affine else {
            for y in 0..<height { (destination + y * destinationStride).update(from: source + y * width, count: width) }
            return
        }
        affine.apply(plane: plane, source, destination, count: width, rows: height, strides: (width, destinationStride),
                     kernel: kernel)
    }

    /// The map applied to every plane of `x` (`[B, C, ...]` with this batch and channel count).
    public func applied(to x: Tensor) throws -> Tensor {
        try check(x.shape, operation: "channel affine")
        let spatial = x.count / Swift.max(batch * channels, 1)
        let out = [Float](writtenWhole: x.count) { dst in
            x.scalars.withUnsafeBufferPointer { ip in
                guard let src = ip.baseAddress else { return }
                let s = SharedPointer(base: src), d = SharedMutablePointer(base: dst)
                Parallel.forEach(batch * channels, costPerItem: spatial * 2) { plane in
                    apply(plane: plane, s.base + plane * spatial, d.base + plane * spatial, count: spatial)
                }
            }
        }
        return Tensor(shape: x.shape, scalars: out)
    }

    /// Throws unless `shape` is `[batch, channels, ...]`.
    func check(_ shape: [Int], operation: String) throws {
        guard shape.count >= 2, shape[0] == batch, shape[1] == channels else {
            throw TensorError.shapeMismatch(operation: operation, [batch, channels], shape)
        }
    }
}
