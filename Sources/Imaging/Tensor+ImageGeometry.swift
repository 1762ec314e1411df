import Tensor

/// Crops, flips and quarter turns. These act on the last two axes `[..., H, W]`, so an image
/// `[C, H, W]` and a batch `[B, C, H, W]` work alike, and follow PyTorch's conventions.
extension Tensor {
    /// The extents of an image-like tensor: everything before the last two axes counts as
    /// separate planes.
    struct PlaneLayout {
        /// How many `H x W` planes the tensor holds.
        var planes: Int
        /// Rows per plane.
        var height: Int
        /// Columns per plane.
        var width: Int
        /// The axes before `H, W`.
        var leading: [Int]
    }

    /// The layout of `[..., H, W]`, or an error naming `operation` for tensors of rank < 2
    /// or with an empty plane.
    func planeLayout(_ operation: String) throws -> PlaneLayout {
        guard rank >= 2, shape[rank - 2] > 0, shape[rank - 1] > 0 else {
            throw ImagingError.notAnImage(operation: operation, shape: shape,
                                          expected: "an image ([..., H, W] with H, W >= 1)")
        }
        let leading = Array(shape.dropLast(2))
        return PlaneLayout(planes: Tensor.count(of: leading), height: shape[rank - 2],
                           width: shape[rank - 1], leading: leading)
    }

    /// The `height x width` window centred like `torchvision.transforms.functional.center_crop`:
    /// the top-left corner is `round((H - height) / 2)`, `round((W - width) / 2)` with
    /// Python's round-half-to-even. A crop larger than the image is an error (torchvision
    /// would pad with zeros instead).
    public func centerCrop(width: Int, height: Int) throws -> Tensor {
        let layout = try planeLayout("centerCrop")
        guard width >= 1, height >= 1, width <= layout.width, height <= layout.height else {
            throw ImagingError.invalidArgument(
                operation: "centerCrop",
                message: "cannot crop \(width)x\(height) from a \(layout.width)x\(layout.height) image")
        }
        let top = Int((Double(layout.height - height) / 2).rounded(.toNearestOrEven))
        let left = Int((Double(layout.width - width) / 2).rounded(.toNearestOrEven))
        return try cropped(x: left, y: top, width: width, height: height)
    }

    /// The largest centred square.
    public func centerCrop() throws -> Tensor {
        let layout = try planeLayout("centerCrop")
        let side = Swift.min(layout.width, layout.height)
        return try centerCrop(width: side, height: side)
    }

    /// The `width x height` window whose top-left pixel is column `x`, row `y`; it must lie
    /// inside the image.
    public func cropped(x: Int, y: Int, width: Int, height: Int) throws -> Tensor {
        let layout = try planeLayout("cropped")
        guard width >= 1, height >= 1, x >= 0, y >= 0, x + width <= layout.width, y + height <= layout.height else {
            throw ImagingError.invalidArgument(
                operation: "cropped",
                message: "the window \(width)x\(height) at (\(x), \(y)) does not fit a \(layout.width)x\(layout.height) image")
        }
        var out = [Float]()
        out.reserveCapacity(layout.planes * width * height)
        scalars.withUnsafeBufferPointer { src in
            for p in 0..<layout.planes {
                for row in y..<(y + height) {
                    let start = (p * layout.height + row) * layout.width + x
                    out.append(contentsOf: src[start..<(start + width)])
                }
            }
        }
        return Tensor(shape: layout.leading + [height, width], scalars: out)
    }

    /// Upside down, like `torch.flip(x, dims=[-2])`. Tensors of rank < 2 come back unchanged.
    public func flippedVertically() -> Tensor { transformed(by: .flipVertical) }

    /// Mirrored left to right, like `torch.flip(x, dims=[-1])`. Rank < 2 comes back unchanged.
    public func flippedHorizontally() -> Tensor { transformed(by: .flipHorizontal) }

    /// Rotated counterclockwise by `times` quarter turns (negative turns clockwise), like
    /// `torch.rot90(x, k=times, dims=[-2, -1])`. Rank < 2 comes back unchanged.
    public func rotated90(times: Int) -> Tensor { transformed(by: .quarterTurns(times)) }
}
