import Diagnostics
import Tensor

/// Errors from reading, writing and transforming images, each naming the file or the
/// operation and the offending value.
public enum ImagingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not a PNG file; `format` says what they are instead.
    case notPNG(name: String, format: ImageFormat)
    /// The file starts like a PNG but libpng could not decode it (truncated or damaged).
    case damagedPNG(name: String, message: String)
    /// The header claims more pixels than noisebook is willing to allocate.
    case tooLarge(name: String, width: Int, height: Int, limit: String)
    /// libpng refused to encode the pixels.
    case encodingFailed(message: String)
    /// A file could not be read or written.
    case fileAccess(path: String, operation: String, reason: String)
    /// A tensor that an operation needed to treat as an image has an unusable shape.
    case notAnImage(operation: String, shape: [Int], expected: String)
    /// An argument outside the range an operation accepts.
    case invalidArgument(operation: String, message: String)

    /// A human-readable sentence naming the file or operation at fault.
    public var description: String {
        switch self {
        case let .notPNG(name, format):
            return ImagingError.notPNGMessage(name: name, format: format)
        case let .damagedPNG(name, message):
            return "\(name): this PNG file is damaged or truncated (libpng: \(message))"
        case let .tooLarge(name, width, height, limit):
            return "\(name): the image is \(width)x\(height) pixels, larger than noisebook accepts (\(limit))"
        case let .encodingFailed(message):
            return "could not encode PNG (libpng: \(message))"
        case let .fileAccess(path, operation, reason):
            return "\(path): cannot \(operation) the file: \(reason)"
        case let .notAnImage(operation, shape, expected):
            return "\(operation): a tensor of shape \(Tensor.format(shape)) is not \(expected)"
        case let .invalidArgument(operation, message):
            return "\(operation): \(message)"
        }
    }

    private static func notPNGMessage(name: String, format: ImageFormat) -> String {
        switch format {
        case .empty:
            return "\(name): the file is empty; noisebook reads PNG images only"
        case .unknown:
            return "\(name): this is not an image (it does not start with any known image signature); "
                + "noisebook reads PNG images only"
        case .png:
            // Not thrown for PNG data; kept total so the message is always meaningful.
            return "\(name): this is a PNG image"
        default:
            return "\(name): this is \(format.article) \(format.displayName) image; noisebook reads PNG only — "
                + convertHint(name, format: format)
        }
    }

    /// `photo.jpg` -> `photo.png`, `dir/a.b/photo` -> `dir/a.b/photo.png`.
    /// How to make a PNG of `name`: `convert NAME NAME.png`, or, when the file already has a
    /// `.png` name, rename it to its real extension first so the command does not overwrite it.
    static func convertHint(_ name: String, format: ImageFormat) -> String {
        let png = pngName(for: name)
        guard png == name else { return "convert it with `convert \(name) \(png)` (ImageMagick) or any image editor" }
        let real = String(name.dropLast(4)) + "." + format.fileExtension
        return "rename it to \(real) and convert that with `convert \(real) \(name)` (ImageMagick) or any image editor"
    }

    static func pngName(for name: String) -> String {
        let fileStart = name.lastIndex(of: "/").map { name.index(after: $0) } ?? name.startIndex
        let file = name[fileStart...]
        if let dot = file.lastIndex(of: "."), dot != file.startIndex {
            return String(name[..<dot]) + ".png"
        }
        return name + ".png"
    }
}

extension ImagingError: DiagnosticConvertible {
    /// The message as it reads (it names the file or value at fault), ending a command with
    /// status 65.
    public var diagnostic: Diagnostic { Diagnostic(description, status: .dataError) }
}
