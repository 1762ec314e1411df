import CVector
/// An activation applied in the same pass as a normalisation.
public enum PointwiseActivation: Sendable, Equatable {
    /// No activation.
    case identity
    /// GELU, exact erf form.
    case gelu
    /// SiLU (swish).
    case silu

    /// CVector's code for the activation.
    var code: Int32 {
        switch self {
        case .identity: return Int32(NB_ACTIVATION_IDENTITY)
        case .gelu: return Int32(NB_ACTIVATION_GELU)
        case .silu: return Int32(NB_ACTIVATION_SILU)
        }
    }
}

/// Group normalisation fused with what follows it in a resnet: the affine parameters, an
/// optional per-(item, channel) scale and shift from the time embedding, and the
/// activation, applied in one pass over the output after one pass for the statistics, or
/// handed to the convolution that reads it (`groupNormAffine`).
extension Tensor {
    /// `act(GN(x) * (1 + scale[b, c]) + shift[b, c])` for `self` `[B, C, ...]`: GN with
    /// `groups` groups, biased variance, `eps` inside the square root, then `weight[c]`
    /// and `bias[c]` (`[C]` each); `scaleShift` is `[B, 2C]` (scales then shifts) or nil.
    /// Same shape as `self`.
    public func groupNormalized(groups: Int, eps: Float, weight: Tensor?, bias: Tensor?,
                                scaleShift: Tensor? = nil, activation: PointwiseActivation = .identity) throws -> Tensor {
        let out = try [Float](writtenWhole: count) { dst in
            _ = try groupNormAffine(groups: groups, eps: eps, weight: weight, bias: bias, scaleShift: scaleShift,
                                    activation: activation, applyingInto: dst)
        }
        // An empty tensor has nothing to write, but its arguments are still checked.
        if count == 0 { _ = try groupNormAffine(groups: groups, eps: eps, weight: weight, bias: bias, scaleShift: scaleShift, activation: activation) }
        return Tensor(shape: shape, scalars: out)
    }

    /// The same map, not applied: its statistics only, for a convolution to apply as it
    /// reads `self` (`conv2d(..., inputAffine:)`).
    public func groupNormAffine(groups: Int, eps: Float, weight: Tensor?, bias: Tensor?,
                                scaleShift: Tensor? = nil, activation: PointwiseActivation = .identity) throws -> ChannelAffine {
        try groupNormAffine(groups: groups, eps: eps, weight: weight, bias: bias, scaleShift: scaleShift,
                            activation: activation, applyingInto: nil)
    }

    /// The statistics per group and, with `destination`, the map applied to the group's
    /// planes in the same parallel item (one hand-off for both).
    private func groupNormAffine(groups: Int, eps: Float, weight: Tensor?, bias: Tensor?, scaleShift: Tensor?,
                                 activation: PointwiseActivation,
                                 applyingInto destination: UnsafeMutablePointer<Float>?) throws -> ChannelAffine {
        guard rank >= 2 else { throw TensorError.invalidArgument("groupNorm needs [B, C, ...], got \(Tensor.format(shape))") }
        let (batch, channels) = (shape[0], shape[1])
        guard groups > 0, channels % groups == 0 else {
            throw TensorError.invalidArgument("groupNorm: \(channels) channels do not split into \(groups) groups")
        }
        if let weight, weight.shape != [channels] { throw TensorError.shapeMismatch(operation: "groupNorm weight", [channels], weight.shape) }
        if let bias, bias.shape != [channels] { throw TensorError.shapeMismatch(operation: "groupNorm bias", [channels], bias.shape) }
        if let scaleShift, scaleShift.shape != [batch, 2 * channels] {
            throw TensorError.shapeMismatch(operation: "groupNorm scale-shift", [batch, 2 * channels], scaleShift.shape)
        }
        let spatial = count / Swift.max(batch * channels, 1)
        let perGroup = channels / groups
        let gamma = weight?.scalars ?? [Float](repeating: 1, count: channels)
        let beta = bias?.scalars ?? [Float](repeating: 0, count: channels)
        let modulation = scaleShift?.scalars
        let planes = batch * channels
        var affine = ChannelAffine(batch: batch, channels: channels, activation: activation,
                                   mean: [Float](repeating: 0, count: planes), scale: [Float](repeating: 0, count: planes),
                                   shift: [Float](repeating: 0, count: planes))
        affine.mean.withUnsafeMutableBufferPointer { meanBuffer in
            affine.scale.withUnsafeMutableBufferPointer { scaleBuffer in
                affine.shift.withUnsafeMutableBufferPointer { shiftBuffer in
                    scalars.withUnsafeBufferPointer { ip in
                        guard let src = ip.baseAddress, let means = meanBuffer.baseAddress, let scales = scaleBuffer.baseAddress,
                              let shifts = shiftBuffer.baseAddress else { return }
                        let s = SharedPointer(base: src), d = destination.map { SharedMutablePointer(base: $0) }
                        let sm = SharedMutablePointer(base: means), ss = SharedMutablePointer(base: scales)
                        let st = SharedMutablePointer(base: shifts)
                        Parallel.forEach(batch * groups, costPerItem: perGroup * spatial * (destination == nil ? 2 : 3)) { item in
                            let b = item / groups, firstChannel = (item % groups) * perGroup
                            let start = item * perGroup * spatial
                            // Mean first, then the centred sum of squares: no cancellation when the
                            // mean is large. Rows sum in Float (vectorised), rows combine in Double.
                            var total = 0.0
                            for j in 0..<perGroup { total += Double(Tensor.rowSum(s.base + start + j * spatial, spatial)) }
                            let n = Double(perGroup * spatial)
                            let mean = Float(total / n)
                            var squares = 0.0
                            for j in 0..<perGroup {
                                squares += Double(Tensor.rowCentredSquares(s.base + start + j * spatial, spatial, mean: mean))
                            }
                            let inv = Float(1 / (squares / n + Double(eps)).squareRoot())
                            for j in 0..<perGroup {
                                let c = firstChannel + j, plane = b * channels + c
                                var scale = inv * gamma[c]
                                var shift = beta[c]
                                if let modulation {
                                    let m = 1 + modulation[b * 2 * channels + c], t = modulation[b * 2 * channels + channels + c]
                                    scale *= m
                                    shift = shift * m + t
                                }
                                sm.base[plane] = mean
                                ss.base[plane] = scale
                                st.base[plane] = shift
                                if let d {
                                    let offset = start + j * spatial
                                    ChannelAffine.apply(mean: mean, scale: scale, shift: shift, activation: activation,
                                                        s.base + offset, d.base + offset, count: spatial)
                                }
                            }
                        }
                    }
                }
            }
        }
        return affine
    }

    /// The sum of `count` floats with eight running partial sums (vectorised, and more
    /// accurate than one running sum).
    @inline(__always)
    static func rowSum(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= count {
            acc += FastMath.load(p + i)
            i += 8
        }
        var tail: Float = 0
        while i < count { tail += p[i]; i += 1 }
        return acc.sum() + tail
    }

    /// The sum of `(p[i] - mean)^2`, the same way.
    @inline(__always)
    static func rowCentredSquares(_ p: UnsafePointer<Float>, _ count: Int, mean: Float) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= count {
            let d = FastMath.load(p + i) - mean
            acc += d * d
            i += 8
        }
        var tail: Float = 0
        while i < count { let d = p[i] - mean; tail += d * d; i += 1 }
        return acc.sum() + tail
    }
}
