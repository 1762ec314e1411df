/// The kind of file a byte buffer holds, recognised by its leading magic bytes.
///
/// noisebook decodes PNG only; the other cases exist so that a wrong file gets a message
/// that says what it is and how to convert it.
public enum ImageFormat: String, Equatable, Sendable, CaseIterable {
    /// Portable Network Graphics (`89 50 4E 47 0D 0A 1A 0A`).
    case png
    /// JPEG / JFIF / Exif (`FF D8 FF`).
    case jpeg
    /// GIF87a or GIF89a.
    case gif
    /// WebP (`RIFF....WEBP`).
    case webp
    /// Windows bitmap (`BM`).
    case bmp
    /// TIFF, either byte order (`II*\0` or `MM\0*`).
    case tiff
    /// HEIC / HEIF (ISO media `ftyp` box with a HEIF brand).
    case heic
    /// AVIF (ISO media `ftyp` box with an AVIF brand).
    case avif
    /// A zero-length file.
    case empty
    /// None of the above.
    case unknown

    /// The format's usual name, as written in messages.
    public var displayName: String {
        switch self {
        case .png: return "PNG"
        case .jpeg: return "JPEG"
        case .gif: return "GIF"
        case .webp: return "WebP"
        case .bmp: return "BMP"
        case .tiff: return "TIFF"
        case .heic: return "HEIC"
        case .avif: return "AVIF"
        case .empty: return "empty"
        case .unknown: return "unknown"
        }
    }

    /// The usual file extension, without the dot.
    var fileExtension: String {
        switch self {
        case .jpeg: return "jpg"
        case .empty, .unknown: return "img"
        default: return displayName.lowercased()
        }
    }

    /// "a" or "an", to read naturally before `displayName`.
    var article: String {
        switch self {
        case .avif: return "an"
        default: return "a"
        }
    }

    /// The format `bytes` start with.
    public static func detect(_ bytes: [UInt8]) -> ImageFormat {
        if bytes.isEmpty { return .empty }
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<(offset + prefix.count)]) == prefix
        }
        func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(ascii("GIF87a")) || starts(ascii("GIF89a")) { return .gif }
        if starts(ascii("RIFF")) && starts(ascii("WEBP"), at: 8) { return .webp }
        if starts(ascii("II")) && starts([0x2A, 0x00], at: 2) { return .tiff }
        if starts(ascii("MM")) && starts([0x00, 0x2A], at: 2) { return .tiff }
        if starts(ascii("ftyp"), at: 4) && bytes.count >= 12 {
            let brand = String(decoding: bytes[8..<12], as: UTF8.self)
            if ["avif", "avis"].contains(brand) { return .avif }
            if ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"].contains(brand) { return .heic }
        }
        // BMP last: "BM" is a short signature, so also require the DIB header size to be sane.
        if starts(ascii("BM")) && bytes.count >= 18 {
            let dibSize = Int(bytes[14]) | Int(bytes[15]) << 8 | Int(bytes[16]) << 16 | Int(bytes[17]) << 24
            if [12, 16, 40, 52, 56, 64, 108, 124].contains(dibSize) { return .bmp }
        }
        return .unknown
    }
}
