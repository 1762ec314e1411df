import CPNG

/// Encoding through libpng's simplified write API (no longjmp reaches Swift).
enum LibPNGWriter {
    /// PNG bytes for interleaved 8-bit `pixels` ([H, W, C], C = 1 gray or 3 RGB).
    static func encode(pixels: [UInt8], width: Int, height: Int, channels: Int) throws -> [UInt8] {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = channels == 3 ? png_uint_32(PNG_FORMAT_FLAG_COLOR) : 0  // PNG_FORMAT_RGB or PNG_FORMAT_GRAY
        defer { png_image_free(&image) }

        // First pass measures, second pass writes into a buffer of that size.
        var size: png_alloc_size_t = 0
        let measured = pixels.withUnsafeBytes { raw in
            png_image_write_to_memory(&image, nil, &size, 0, raw.baseAddress, 0, nil)
        }
        guard measured != 0, size > 0 else { throw ImagingError.encodingFailed(message: LibPNGReader.message(of: image)) }
        var output = [UInt8](repeating: 0, count: Int(size))
        let written = output.withUnsafeMutableBytes { out in
            pixels.withUnsafeBytes { raw in
                png_image_write_to_memory(&image, out.baseAddress, &size, 0, raw.baseAddress, 0, nil)
            }
        }
        guard written != 0 else { throw ImagingError.encodingFailed(message: LibPNGReader.message(of: image)) }
        return Array(output.prefix(Int(size)))
    }
}
