import Tensor

/// Constructors of whole images: masks and grids. Transformations of an existing image are
/// methods on `Tensor` (`centerCrop`, `resized`, `gaussianBlur`, `flippedVertically`, ...).
///
/// Pixel coordinates: column `x` grows to the right, row `y` grows downwards, and pixel
/// `(x, y)` covers the unit square `[x, x + 1) x [y, y + 1)`, so its centre is
/// `(x + 0.5, y + 0.5)`.
public enum Image {
    /// A `[1, height, width]` mask: 1 on the `w x h` rectangle whose top-left pixel is
    /// `(x, y)`, 0 elsewhere. Parts of the rectangle outside the image are cut off, as
    /// slicing `mask[y:y+h, x:x+w] = 1` would.
    public static func rectangleMask(width: Int, height: Int, x: Int, y: Int, w: Int, h: Int) throws -> Tensor {
        try checkCanvas(width: width, height: height, operation: "rectangleMask")
        guard w >= 0, h >= 0 else {
            throw ImagingError.invalidArgument(operation: "rectangleMask",
                                               message: "the rectangle's size must not be negative, got \(w)x\(h)")
        }
        var mask = Tensor(zeros: [1, height, width])  // [1, H, W]
        let rows = Swift.max(y, 0)..<Swift.max(Swift.min(y + h, height), Swift.max(y, 0))
        let columns = Swift.max(x, 0)..<Swift.max(Swift.min(x + w, width), Swift.max(x, 0))
        for row in rows {
            for column in columns { mask.scalars[row * width + column] = 1 }
        }
        return mask
    }

    /// A `[1, height, width]` mask: 1 on pixels whose centre lies inside (or on) the ellipse
    /// with centre `(centerX, centerY)` and radii `radiusX`, `radiusY`, 0 elsewhere.
    public static func ellipseMask(width: Int, height: Int, centerX: Float, centerY: Float,
                                   radiusX: Float, radiusY: Float) throws -> Tensor {
        try checkCanvas(width: width, height: height, operation: "ellipseMask")
        guard radiusX > 0, radiusY > 0, radiusX.isFinite, radiusY.isFinite else {
            throw ImagingError.invalidArgument(operation: "ellipseMask",
                                               message: "radii must be positive, got \(radiusX) and \(radiusY)")
        }
        return Tensor(shape: [1, height, width]) { i in
            let dx = (Float(i % width) + 0.5 - centerX) / radiusX
            let dy = (Float(i / width) + 0.5 - centerY) / radiusY
            return dx * dx + dy * dy <= 1 ? 1 : 0
        }
    }

    /// The largest width or height `rectangleMask`, `ellipseMask` and `grid` produce.
    public static let maxCanvasSide = 16_384

    static func checkCanvas(width: Int, height: Int, operation: String) throws {
        guard width >= 1, height >= 1, width <= maxCanvasSide, height <= maxCanvasSide else {
            throw ImagingError.invalidArgument(
                operation: operation,
                message: "width and height must be between 1 and \(maxCanvasSide), got \(width)x\(height)")
        }
    }
}
