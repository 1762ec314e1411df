import Tensor

/// Bilinear resizing matching `torchvision.transforms.functional.resize` on tensors
/// (torchvision 0.14, i.e. `torch.nn.functional.interpolate(mode="bilinear",
/// align_corners=False, antialias=...)` of torch 1.13).
extension Tensor {
    /// Resized to `height x width` (each plane of `[..., H, W]`).
    ///
    /// With `antialias` (the default), shrinking uses a triangle filter whose support grows
    /// with the scale factor, like PIL, so every input pixel contributes; enlarging is plain
    /// bilinear. Without it, each output pixel blends the two nearest input pixels per axis,
    /// which aliases when shrinking. Width is resampled first, then height, as torch does.
    public func resized(width: Int, height: Int, antialias: Bool = true) throws -> Tensor {
        let layout = try planeLayout("resized")
        guard width >= 1, height >= 1 else {
            throw ImagingError.invalidArgument(operation: "resized",
                                               message: "the target size must be positive, got \(width)x\(height)")
        }
        let columnTaps = Tensor.resampleTaps(inputSize: layout.width, outputSize: width, antialias: antialias)
        let rowTaps = Tensor.resampleTaps(inputSize: layout.height, outputSize: height, antialias: antialias)
        let (h, w) = (layout.height, layout.width)
        var out = [Float](repeating: 0, count: layout.planes * height * width)
        var horizontal = [Float](repeating: 0, count: h * width)  // one plane, width resampled
        scalars.withUnsafeBufferPointer { src in
            for p in 0..<layout.planes {
                let base = p * h * w
                for row in 0..<h {
                    for (column, tap) in columnTaps.enumerated() {
                        var sum: Float = 0
                        for (j, weight) in tap.weights.enumerated() { sum += weight * src[base + row * w + tap.first + j] }
                        horizontal[row * width + column] = sum
                    }
                }
                let outBase = p * height * width
                for (row, tap) in rowTaps.enumerated() {
                    for column in 0..<width {
                        var sum: Float = 0
                        for (j, weight) in tap.weights.enumerated() { sum += weight * horizontal[(tap.first + j) * width + column] }
                        out[outBase + row * width + column] = sum
                    }
                }
            }
        }
        return Tensor(shape: layout.leading + [height, width], scalars: out)
    }

    /// A square `side x side` resize (antialiased when shrinking).
    public func resized(to side: Int) throws -> Tensor {
        try resized(width: side, height: side, antialias: true)
    }

    /// The input samples one output sample reads: `weights[j]` applies to input `first + j`.
    struct ResampleTap: Equatable {
        var first: Int
        var weights: [Float]
    }

    /// Taps along one axis, computed in Float32 as torch does.
    static func resampleTaps(inputSize: Int, outputSize: Int, antialias: Bool) -> [ResampleTap] {
        let scale = Float(inputSize) / Float(outputSize)
        if !antialias {
            // Half-pixel centres; a source position left of the first sample clamps to it.
            return (0..<outputSize).map { i in
                let source = Swift.max(scale * (Float(i) + 0.5) - 0.5, 0)
                let i0 = Int(source)
                let lambda1 = Swift.min(Swift.max(source - Float(i0), 0), 1)
                let i1 = i0 < inputSize - 1 ? i0 + 1 : i0
                return i1 == i0 ? ResampleTap(first: i0, weights: [1])
                                : ResampleTap(first: i0, weights: [1 - lambda1, lambda1])
            }
        }
        // Triangle filter of radius 1 input pixel, stretched by the scale when shrinking.
        let support: Float = scale >= 1 ? scale : 1
        let invScale: Float = scale >= 1 ? 1 / scale : 1
        return (0..<outputSize).map { i in
            let center = scale * (Float(i) + 0.5)
            // Truncation toward zero, then clamping, as torch's int64 casts do.
            let first = Swift.max(Int(center - support + 0.5), 0)
            let last = Swift.min(Int(center + support + 0.5), inputSize)
            var weights = (first..<Swift.max(last, first)).map { j -> Float in
                let x = abs((Float(j) - center + 0.5) * invScale)
                return x < 1 ? 1 - x : 0
            }
            let total = weights.reduce(0, +)
            if total != 0 { weights = weights.map { $0 / total } }
            return ResampleTap(first: first, weights: weights)
        }
    }
}

extension Tensor {
    /// `[..., H, W]` resized to `height x width` by bilinear interpolation with the corners
    /// aligned (`torch.nn.functional.interpolate(mode: "bilinear", align_corners: True)`, no
    /// antialiasing): output pixel i samples the input at i (H - 1) / (height - 1). DeepFloyd
    /// IF stage II upscales stage I's image this way.
    public func upscaledAligningCorners(height: Int, width: Int) throws -> Tensor {
        let layout = try planeLayout("upscaledAligningCorners")
        guard height > 0, width > 0 else { throw ImagingError.invalidArgument(operation: "upscaledAligningCorners", message: "size \(width)x\(height) must be positive") }
        let (h, w) = (layout.height, layout.width)
        func positions(_ count: Int, _ source: Int) -> [(Int, Int, Float)] {
            (0..<count).map { i in
                let x = count > 1 ? Float(i) * Float(source - 1) / Float(count - 1) : 0
                let low = Swift.min(Int(x), source - 1)
                return (low, Swift.min(low + 1, source - 1), x - Float(low))
            }
        }
        let rows = positions(height, h), columns = positions(width, w)
        var out = [Float](repeating: 0, count: layout.planes * height * width)
        scalars.withUnsafeBufferPointer { src in
            for p in 0..<layout.planes {
                let base = p * h * w, outBase = p * height * width
                for (r, (r0, r1, fr)) in rows.enumerated() {
                    for (c, (c0, c1, fc)) in columns.enumerated() {
                        let top = src[base + r0 * w + c0] * (1 - fc) + src[base + r0 * w + c1] * fc
                        let bottom = src[base + r1 * w + c0] * (1 - fc) + src[base + r1 * w + c1] * fc
                        out[outBase + r * width + c] = top * (1 - fr) + bottom * fr
                    }
                }
            }
        }
        return Tensor(shape: layout.leading + [height, width], scalars: out)
    }
}
