import AtomicWrite
import JSON
import Tensor

/// Writes named tensors as a safetensors file that the reference implementation reads.
public enum SafetensorsWriter {
    /// Writes `tensors` to `path` atomically, every tensor stored as `dtype` (F32, F16 or
    /// BF16, rounded to nearest even). Names are sorted and laid out in that order; the JSON
    /// header is padded with spaces to a multiple of 8 bytes so the data region is aligned.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:],
                             to path: String, dtype: DType = .f32) throws {
        guard dtype.isWidenable else {
            throw WeightsError.io(file: path, reason: "cannot write dtype \(dtype.rawValue); only F32, F16 and BF16 are written")
        }
        let names = tensors.keys.sorted()
        var members: [(String, JSONValue)] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { ($0, JSONValue.string(metadata[$0] ?? "")) }
            members.append(("__metadata__", .object(pairs)))
        }
        var offset = 0
        for name in names {
            guard let tensor = tensors[name] else { continue }
            let bytes = tensor.count * dtype.byteWidth
            members.append((name, .object([
                ("dtype", .string(dtype.rawValue)),
                ("shape", .array(tensor.shape.map { .integer($0) })),
                ("data_offsets", .array([.integer(offset), .integer(offset + bytes)])),
            ])))
            offset += bytes
        }
        var header = Array(JSONValue.object(members).serialized.utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        let length = UInt64(header.count).littleEndian

        try WeightsError.mappingWriteErrors(of: path) {
            try AtomicFileWriter.write(to: path) { out in
                try withUnsafeBytes(of: length) { try out.write($0) }
                try out.write(header)
                for name in names {
                    guard let tensor = tensors[name] else { continue }
                    switch dtype {
                    case .f16: try out.write(tensor.scalars.map(DType.floatToHalf))
                    case .bf16: try out.write(tensor.scalars.map(DType.floatToBFloat16))
                    default: try out.write(tensor.scalars)
                    }
                }
            }
        }
    }
}
