import CPNG
import Tensor

/// Decoding through libpng's simplified read API, which reports errors as return codes and
/// a message instead of longjmp-ing across Swift frames.
enum LibPNGReader {
    /// A decoded image: always `[3, H, W]` RGB over white, plus whether the file held colour.
    struct Decoded {
        /// `[3, H, W]`, alpha already composited over white.
        var rgb: Tensor
        /// False for gray and gray+alpha files (R, G and B are then equal).
        var isColor: Bool
    }

    /// `PNG_FORMAT_RGBA` (a compound macro Swift does not import): 8-bit straight alpha.
    static let rgba = png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
    /// `PNG_FORMAT_LINEAR_RGB_ALPHA`: 16-bit, premultiplied alpha.
    static let linearRGBA = png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA | PNG_FORMAT_FLAG_LINEAR)

    static func decode(_ bytes: [UInt8], name: String) throws -> Decoded {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        // Releases libpng's state if we leave between begin and finish; a no-op otherwise.
        defer { png_image_free(&image) }

        let began = bytes.withUnsafeBytes { raw in
            png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
        }
        guard began != 0 else { throw ImagingError.damagedPNG(name: name, message: message(of: image)) }

        let width = Int(image.width), height = Int(image.height)
        try checkSize(width: width, height: height, name: name)
        let sourceFormat = image.format
        let isColor = sourceFormat & PNG_FORMAT_FLAG_COLOR != 0
        // 16-bit files are read through the 16-bit "linear" format so no precision is lost;
        // with colour-space chunks removed, libpng treats their samples as already linear
        // and copies them unchanged.
        let wide = sourceFormat & PNG_FORMAT_FLAG_LINEAR != 0
        image.format = wide ? LibPNGReader.linearRGBA : LibPNGReader.rgba
        let pixelCount = width * height

        var rgb = [Float](repeating: 0, count: 3 * pixelCount)  // [3, H, W]
        if wide {
            var buffer = [UInt16](repeating: 0, count: 4 * pixelCount)  // [H, W, 4]
            let finished = buffer.withUnsafeMutableBytes { raw in
                png_image_finish_read(&image, nil, raw.baseAddress, 0, nil)
            }
            guard finished != 0 else { throw ImagingError.damagedPNG(name: name, message: message(of: image)) }
            // libpng's 16-bit output carries premultiplied alpha: colour c*a is stored, so
            // compositing over white only adds the uncovered part (1 - a).
            for p in 0..<pixelCount {
                let a = Float(buffer[4 * p + 3]) / 65_535
                for ch in 0..<3 {
                    rgb[ch * pixelCount + p] = Float(buffer[4 * p + ch]) / 65_535 + (1 - a)
                }
            }
        } else {
            var buffer = [UInt8](repeating: 0, count: 4 * pixelCount)  // [H, W, 4]
            let finished = buffer.withUnsafeMutableBytes { raw in
                png_image_finish_read(&image, nil, raw.baseAddress, 0, nil)
            }
            guard finished != 0 else { throw ImagingError.damagedPNG(name: name, message: message(of: image)) }
            for p in 0..<pixelCount {
                let a = Float(buffer[4 * p + 3]) / 255
                for ch in 0..<3 {
                    let c = Float(buffer[4 * p + ch]) / 255
                    rgb[ch * pixelCount + p] = a == 1 ? c : c * a + (1 - a)
                }
            }
        }
        return Decoded(rgb: Tensor(shape: [3, height, width], scalars: rgb), isColor: isColor)
    }

    /// Refuses sizes that would make a lying header allocate gigabytes.
    static func checkSize(width: Int, height: Int, name: String) throws {
        guard width <= PNG.maxSide, height <= PNG.maxSide else {
            throw ImagingError.tooLarge(name: name, width: width, height: height,
                                        limit: "at most \(PNG.maxSide) pixels a side")
        }
        let decodedBytes = width * height * 3 * MemoryLayout<Float>.size
        guard decodedBytes <= PNG.maxDecodedBytes else {
            throw ImagingError.tooLarge(name: name, width: width, height: height,
                                        limit: "at most \(PNG.maxDecodedBytes >> 20) MiB decoded")
        }
    }

    /// libpng's message, stored in the image's fixed-size character array.
    static func message(of image: png_image) -> String {
        var copy = image.message
        let text = withUnsafeBytes(of: &copy) { raw -> String in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
        return text.isEmpty ? "unknown error" : text
    }
}
