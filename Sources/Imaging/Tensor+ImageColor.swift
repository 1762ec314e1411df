import Tensor

/// Colour conversions and value-range changes for `[..., C, H, W]` images.
extension Tensor {
    /// Luma weights of `torchvision.transforms.functional.rgb_to_grayscale` (ITU-R 601-2 as
    /// torchvision rounds them: 0.2989, not 0.299).
    public static let lumaWeights: (red: Float, green: Float, blue: Float) = (0.2989, 0.587, 0.114)

    /// One-channel luma, like `rgb_to_grayscale(img, num_output_channels=1)`: RGB `[..., 3, H, W]`
    /// becomes `[..., 1, H, W]`; a one-channel image is returned as it is.
    public func grayscale() throws -> Tensor {
        let channels = try imageChannels("grayscale")
        if channels == 1 { return self }
        let plane = shape[rank - 2] * shape[rank - 1]
        let images = count / (3 * plane)
        let (wr, wg, wb) = Tensor.lumaWeights
        var out = [Float](repeating: 0, count: images * plane)
        scalars.withUnsafeBufferPointer { src in
            for n in 0..<images {
                let base = n * 3 * plane
                for p in 0..<plane {
                    out[n * plane + p] = wr * src[base + p] + wg * src[base + plane + p] + wb * src[base + 2 * plane + p]
                }
            }
        }
        var outShape = shape
        outShape[rank - 3] = 1
        return Tensor(shape: outShape, scalars: out)
    }

    /// Three channels: a one-channel image repeated into R, G and B; an RGB image unchanged.
    public func toRGB() throws -> Tensor {
        let channels = try imageChannels("toRGB")
        if channels == 3 { return self }
        let plane = shape[rank - 2] * shape[rank - 1]
        var out = [Float]()
        out.reserveCapacity(3 * count)
        for n in 0..<(count / plane) {
            let slice = scalars[(n * plane)..<((n + 1) * plane)]
            for _ in 0..<3 { out.append(contentsOf: slice) }
        }
        var outShape = shape
        outShape[rank - 3] = 3
        return Tensor(shape: outShape, scalars: out)
    }

    /// The negative, `1 - x`, like torchvision's `invert` for float images.
    public func inverted() -> Tensor { map { 1 - $0 } }

    /// Display range [0, 1] to the model's range [-1, 1]: `2x - 1`.
    public func toModelRange() -> Tensor { map { 2 * $0 - 1 } }

    /// The model's range [-1, 1] back to display range [0, 1]: `(x + 1) / 2` (not clamped).
    public func fromModelRange() -> Tensor { map { ($0 + 1) / 2 } }

    /// The channel count of `[..., C, H, W]` if it is 1 or 3.
    func imageChannels(_ operation: String) throws -> Int {
        guard rank >= 3, shape[rank - 3] == 1 || shape[rank - 3] == 3, shape[rank - 2] > 0, shape[rank - 1] > 0 else {
            throw ImagingError.notAnImage(operation: operation, shape: shape,
                                          expected: "a gray or RGB image ([..., 1 or 3, H, W])")
        }
        return shape[rank - 3]
    }
}
