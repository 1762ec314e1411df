import Foundation
import Tensor

/// Gaussian blur matching `torchvision.transforms.functional.gaussian_blur` (torchvision 0.14).
extension Tensor {
    /// The normalised 1-D kernel torchvision builds: `x = linspace(-(k-1)/2, (k-1)/2, k)`,
    /// `exp(-0.5 (x / sigma)^2)`, divided by its sum, all in Float32.
    public static func gaussianKernel1D(size: Int, sigma: Float) throws -> [Float] {
        guard size >= 1, size % 2 == 1 else {
            throw ImagingError.invalidArgument(operation: "gaussianBlur",
                                               message: "kernel size must be a positive odd number, got \(size)")
        }
        guard sigma > 0, sigma.isFinite else {
            throw ImagingError.invalidArgument(operation: "gaussianBlur", message: "sigma must be positive, got \(sigma)")
        }
        let half = Float(size - 1) * 0.5
        // For odd sizes linspace's step is exactly 1, so the positions are exact integers.
        let pdf = (0..<size).map { i -> Float in
            let x = (Float(i) - half) / sigma
            return Foundation.exp(-0.5 * x * x)
        }
        let total = pdf.reduce(0, +)
        return pdf.map { $0 / total }
    }

    /// Blurred with a `kernelSize x kernelSize` Gaussian of standard deviation `sigma`, with
    /// reflect padding (`torch.nn.functional.pad(mode="reflect")`), applied to each plane of
    /// `[..., H, W]`. Like torchvision, the padding `kernelSize / 2` must be smaller than both
    /// H and W; otherwise this throws, as torch refuses such reflect padding.
    ///
    /// The 2-D kernel is the outer product of the 1-D one, so it is applied as two 1-D passes
    /// (rows, then columns); results equal torchvision's up to Float32 rounding.
    public func gaussianBlur(kernelSize: Int, sigma: Float) throws -> Tensor {
        let kernel = try Tensor.gaussianKernel1D(size: kernelSize, sigma: sigma)
        let layout = try planeLayout("gaussianBlur")
        let pad = kernelSize / 2
        guard pad < layout.height, pad < layout.width else {
            throw ImagingError.invalidArgument(
                operation: "gaussianBlur",
                message: "kernel size \(kernelSize) needs reflect padding of \(pad), which must be smaller than "
                    + "the image's height and width (\(layout.height)x\(layout.width)); use a kernel below "
                    + "\(2 * Swift.min(layout.height, layout.width) - 1) or a larger image")
        }
        let (h, w) = (layout.height, layout.width)
        let columnSource = Tensor.reflectIndices(count: w, pad: pad)  // [w + 2 pad]
        let rowSource = Tensor.reflectIndices(count: h, pad: pad)     // [h + 2 pad]
        var out = [Float](repeating: 0, count: count)
        var horizontal = [Float](repeating: 0, count: h * w)  // one plane after the row pass
        scalars.withUnsafeBufferPointer { src in
            kernel.withUnsafeBufferPointer { k in
                for p in 0..<layout.planes {
                    let base = p * h * w
                    for row in 0..<h {
                        for column in 0..<w {
                            var sum: Float = 0
                            for t in 0..<kernelSize { sum += k[t] * src[base + row * w + columnSource[column + t]] }
                            horizontal[row * w + column] = sum
                        }
                    }
                    for row in 0..<h {
                        for column in 0..<w {
                            var sum: Float = 0
                            for t in 0..<kernelSize { sum += k[t] * horizontal[rowSource[row + t] * w + column] }
                            out[base + row * w + column] = sum
                        }
                    }
                }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// For each padded position `-pad ..< count + pad`, the index it reads under reflect
    /// padding (the edge sample is not repeated: ..., 2, 1, [0, 1, 2, ...]).
    static func reflectIndices(count: Int, pad: Int) -> [Int] {
        (-pad..<(count + pad)).map { i in
            if i < 0 { return -i }
            if i >= count { return 2 * (count - 1) - i }
            return i
        }
    }
}
