import AtomicWrite
import Tensor

/// NumPy's .npy format for single arrays: float32 and float16, little-endian, C order,
/// format versions 1.0 and 2.0.
public enum NPYFile {
    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The array in `path` as a Float32 tensor.
    public static func read(_ path: String) throws -> Tensor {
        let file = try MappedFile(path: path)
        func fail(_ reason: String) -> WeightsError { .malformed(file: path, reason: reason) }
        let bytes = file.bytes
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail("not a .npy file (no \\x93NUMPY magic)")
        }
        let major = bytes[6], minor = bytes[7]
        let lengthWidth: Int
        switch (major, minor) {
        case (1, 0): lengthWidth = 2
        case (2, 0): lengthWidth = 4
        default: throw fail("unsupported .npy version \(major).\(minor); only 1.0 and 2.0 are read")
        }
        guard bytes.count >= 8 + lengthWidth else { throw fail("file ends inside the header") }
        let headerLength = Int(file.littleEndian(at: 8, width: lengthWidth))
        let dataStart = 8 + lengthWidth + headerLength
        guard dataStart <= bytes.count else {
            throw fail("header length \(headerLength) exceeds the file size (\(bytes.count) bytes)")
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[(8 + lengthWidth)..<dataStart])
        guard let text = String(validating: headerBytes, as: UTF8.self) else { throw fail("header is not text") }
        let header = try NPYHeader(text: text, fail: fail)

        let dtype: DType
        switch header.descr {
        case "<f4": dtype = .f32
        case "<f2": dtype = .f16
        default:
            throw fail("dtype '\(header.descr)' is not supported; only little-endian float32 ('<f4') and float16 ('<f2') are read")
        }
        guard !header.fortranOrder else { throw fail("array is in Fortran order; only C order is read") }
        guard header.shape.allSatisfy({ $0 >= 0 }) else { throw fail("shape \(Tensor.format(header.shape)) has a negative extent") }
        var needed = dtype.byteWidth
        for dim in header.shape {
            let (product, overflow) = needed.multipliedReportingOverflow(by: dim)
            guard !overflow else { throw fail("shape \(Tensor.format(header.shape)) is too large") }
            needed = product
        }
        let available = bytes.count - dataStart
        guard available == needed else {
            throw fail("data holds \(available) bytes but shape \(Tensor.format(header.shape)) of '\(header.descr)' needs \(needed)")
        }
        let count = Tensor.count(of: header.shape)
        let values = dtype.widen(UnsafeRawBufferPointer(rebasing: bytes[dataStart...]), count: count)
        return Tensor(shape: header.shape, scalars: values)
    }

    /// Writes `tensor` to `path` atomically as a version 1.0 .npy file of `dtype` (F32 or F16).
    public static func write(_ tensor: Tensor, to path: String, dtype: DType = .f32) throws {
        let descr: String
        switch dtype {
        case .f32: descr = "<f4"
        case .f16: descr = "<f2"
        default: throw WeightsError.io(file: path, reason: "cannot write dtype \(dtype.rawValue) as .npy; only F32 and F16 are written")
        }
        try write(descr: descr, shape: tensor.shape, to: path) { out in
            if dtype == .f16 {
                try out.write(tensor.scalars.map(DType.floatToHalf))
            } else {
                try out.write(tensor.scalars)
            }
        }
    }

    /// Writes integers (`shape`'s element count, row-major) as a little-endian int64 .npy
    /// file, the type of PyTorch's token ids.
    public static func write(integers values: [Int], shape: [Int], to path: String) throws {
        guard Tensor.count(of: shape) == values.count else {
            throw WeightsError.io(file: path, reason: "\(values.count) integers for shape \(Tensor.format(shape))")
        }
        try write(descr: "<i8", shape: shape, to: path) { out in try out.write(values.map { Int64($0).littleEndian }) }
    }

    /// The magic, version, header and then `body`'s data, written atomically.
    private static func write(descr: String, shape: [Int], to path: String, _ body: (AtomicFileWriter) throws -> Void) throws {
        // numpy pads the header with spaces and a newline so that the data starts on a
        // 64-byte boundary; readers rely only on the length field, but matching keeps files identical.
        var header = Array(NPYHeader.text(descr: descr, shape: shape).utf8)
        let unpadded = 10 + header.count + 1
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (64 - unpadded % 64) % 64))
        header.append(UInt8(ascii: "\n"))
        guard header.count <= Int(UInt16.max) else {
            throw WeightsError.io(file: path, reason: "shape \(Tensor.format(shape)) makes a header too long for .npy 1.0")
        }
        let length = UInt16(header.count).littleEndian
        try WeightsError.mappingWriteErrors(of: path) {
            try AtomicFileWriter.write(to: path) { out in
                try out.write(magic + [1, 0])
                try withUnsafeBytes(of: length) { try out.write($0) }
                try out.write(header)
                try body(out)
            }
        }
    }
}
