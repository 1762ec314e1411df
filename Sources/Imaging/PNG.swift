import CPNG
import Tensor
import Foundation

/// PNG reading and writing through libpng's simplified API.
///
/// Decoded images are `[C, H, W]` tensors with values in [0, 1]: 8-bit samples are divided
/// by 255, 16-bit samples by 65535, low bit depths and palettes are expanded by libpng.
/// Stored values are taken as they are: gamma and colour-space chunks (gAMA, sRGB, iCCP,
/// cHRM) are ignored, like `torchvision.io.read_image` does, so a value written is the value
/// read. Transparency is composited over white with straight alpha:
/// `c * a + (1 - a)`.
public enum PNG {
    /// Which channels a decoded image has.
    public enum Channels: Sendable, Equatable {
        /// Always three channels; gray files are repeated into R, G and B.
        case rgb
        /// Always one channel; colour files are reduced with `grayscale()`'s luma weights.
        case gray
        /// One channel for gray files, three for colour and palette files.
        case asStored
    }

    /// The largest width or height accepted when reading.
    public static let maxSide = 16_384
    /// The largest decoded size accepted when reading, in bytes of Float32 RGB pixels.
    public static let maxDecodedBytes = 256 << 20

    /// The image held in `bytes`; `name` (usually the path) is used in error messages.
    public static func decode(_ bytes: [UInt8], name: String, channels: Channels = .rgb) throws -> Tensor {
        let format = ImageFormat.detect(bytes)
        guard format == .png else { throw ImagingError.notPNG(name: name, format: format) }
        let decoded = try LibPNGReader.decode(PNGChunks.removingColorSpace(bytes), name: name)
        switch channels {
        case .rgb:
            return decoded.isColor ? decoded.rgb : try decoded.rgb.slicedChannel(0).toRGB()
        case .gray:
            return decoded.isColor ? try decoded.rgb.grayscale() : try decoded.rgb.slicedChannel(0)
        case .asStored:
            return decoded.isColor ? decoded.rgb : try decoded.rgb.slicedChannel(0)
        }
    }

    /// The image in the PNG file at `path`.
    public static func read(path: String, channels: Channels = .rgb) throws -> Tensor {
        try decode(FileAccess.readBytes(path: path), name: path, channels: channels)
    }

    /// An 8-bit PNG of a `[1, H, W]` (gray) or `[3, H, W]` (RGB) image.
    ///
    /// Values are clamped to [0, 1] and rounded to the nearest of 256 levels (NaN becomes 0).
    /// The bytes depend only on the pixels: libpng's simplified writer stores no time stamp.
    public static func encode(_ image: Tensor) throws -> [UInt8] {
        guard image.rank == 3, image.shape[0] == 1 || image.shape[0] == 3,
              image.shape[1] > 0, image.shape[2] > 0 else {
            throw ImagingError.notAnImage(operation: "PNG.encode", shape: image.shape,
                                          expected: "a [1, H, W] or [3, H, W] image")
        }
        let (c, h, w) = (image.shape[0], image.shape[1], image.shape[2])
        guard h <= maxSide, w <= maxSide else {
            throw ImagingError.invalidArgument(operation: "PNG.encode",
                                               message: "\(w)x\(h) exceeds the \(maxSide)-pixel side limit")
        }
        // [C, H, W] planes -> interleaved [H, W, C] bytes.
        var pixels = [UInt8](repeating: 0, count: c * h * w)
        let plane = h * w
        image.scalars.withUnsafeBufferPointer { src in
            for p in 0..<plane {
                for ch in 0..<c { pixels[p * c + ch] = quantize(src[ch * plane + p]) }
            }
        }
        return try LibPNGWriter.encode(pixels: pixels, width: w, height: h, channels: c)
    }

    /// Writes `image` as PNG to `path` atomically (a temporary file in the same folder, then
    /// a rename), so readers never see a half-written file.
    public static func write(_ image: Tensor, to path: String) throws {
        try FileAccess.writeAtomically(encode(image), to: path)
    }

    /// A display value as an 8-bit level, rounding half up like torchvision's `save_image`.
    static func quantize(_ value: Float) -> UInt8 {
        guard !value.isNaN else { return 0 }
        let clamped = Swift.min(Swift.max(value, 0), 1)
        return UInt8((clamped * 255).rounded(.toNearestOrAwayFromZero))
    }
}

extension Tensor {
    /// Channel `index` of a `[C, H, W]` image as `[1, H, W]`.
    func slicedChannel(_ index: Int) throws -> Tensor {
        guard rank == 3, index >= 0, index < shape[0] else {
            throw ImagingError.notAnImage(operation: "channel \(index)", shape: shape, expected: "a [C, H, W] image")
        }
        let plane = shape[1] * shape[2]
        return Tensor(shape: [1, shape[1], shape[2]], scalars: Array(scalars[(index * plane)..<((index + 1) * plane)]))
    }
}
