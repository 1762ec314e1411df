import JSON
import Foundation
import Script
import Tensor

/// Turns the host values of cells into bytes for the cell cache and back.
public enum NativeCodec {
    /// A host value as stored: a type tag, small JSON metadata and a payload.
    public struct Encoded: Sendable {
        /// The value's type tag ("Image").
        public var type: String
        /// JSON metadata (shape, provenance).
        public var metadata: String
        /// The payload (little-endian Float32 pixels for images).
        public var bytes: [UInt8]
    }

    private struct ImageMetadata: Codable {
        var shape: [Int]
        var provenance: Provenance
        /// Set for model-range values; absent (display range) in entries written before it.
        var modelRange: Bool?
        /// Set for masks (weights that mix with either range).
        var weight: Bool?
    }

    /// Encodes `native`; values that cannot be cached throw.
    public static func encode(_ native: any NativeValue) throws -> Encoded {
        if let image = native as? ImageValue {
            let metadata = ImageMetadata(shape: image.tensor.shape, provenance: image.provenance,
                                         modelRange: image.isModelRange ? true : nil, weight: image.isWeight ? true : nil)
            // The metadata is part of the value's digest: written the same way every time.
            let json = String(decoding: try StableJSON.encode(metadata), as: UTF8.self)
            return Encoded(type: "Image", metadata: json, bytes: floatBytes(image.tensor.scalars))
        }
        throw NotebookLibrary.failure("values of type \(native.typeName) cannot be kept between cells")
    }

    /// Decodes a value written by `encode`; damaged input throws, never traps.
    public static func decode(type: String, metadata: String, bytes: [UInt8]) throws -> Value {
        switch type {
        case "Image":
            let meta = try JSONDecoder().decode(ImageMetadata.self, from: Data(metadata.utf8))
            guard meta.shape.count == 3, meta.shape.allSatisfy({ $0 > 0 && $0 <= 1 << 16 }),
                  Tensor.count(of: meta.shape) * 4 == bytes.count else {
                throw NotebookLibrary.failure("stored image of shape \(meta.shape) has \(bytes.count) bytes")
            }
            return .native(ImageValue(Tensor(shape: meta.shape, scalars: floats(bytes)), provenance: meta.provenance,
                                      isModelRange: meta.modelRange == true, isWeight: meta.weight == true))
        default:
            throw NotebookLibrary.failure("unknown stored type '\(type)'")
        }
    }

    /// Float32 values as little-endian bytes.
    public static func floatBytes(_ values: [Float]) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 4)
        for v in values {
            let bits = v.bitPattern.littleEndian
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
        }
        return bytes
    }

    /// Little-endian bytes as Float32 values (the count must be a multiple of 4).
    public static func floats(_ bytes: [UInt8]) -> [Float] {
        var values = [Float](repeating: 0, count: bytes.count / 4)
        for i in values.indices {
            let bits = UInt32(bytes[4 * i]) | UInt32(bytes[4 * i + 1]) << 8 | UInt32(bytes[4 * i + 2]) << 16 | UInt32(bytes[4 * i + 3]) << 24
            values[i] = Float(bitPattern: bits)
        }
        return values
    }
}
