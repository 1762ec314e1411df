import Foundation
import Tensor
import XCTest

/// A test target's `Fixtures/` folder, made by a committed script in `tools/` that the
/// failure messages name, so that a missing or stale fixture says how to remake it.
public struct FixtureFolder: Sendable {
    /// The folder.
    public let root: URL
    /// The script that writes it, e.g. "tools/make_if_fixtures.py".
    public let script: String

    /// The `Fixtures` resource folder of `bundle` (a test target's `Bundle.module`).
    public init(bundle: Bundle, script: String) {
        self.root = bundle.url(forResource: "Fixtures", withExtension: nil)
            ?? URL(fileURLWithPath: "/nonexistent/Fixtures")
        self.script = script
    }

    /// The URL of `parts` joined below the folder; throws when it does not exist.
    public func url(_ parts: String...) throws -> URL { try url(parts) }

    /// The path of `parts` joined below the folder; throws when it does not exist.
    public func path(_ parts: String...) throws -> String { try url(parts).path }

    /// The bytes of the file at `parts`.
    public func data(_ parts: String...) throws -> Data { try Data(contentsOf: url(parts)) }

    /// The bytes of the file at `parts`, as an array.
    public func bytes(_ parts: String...) throws -> [UInt8] { [UInt8](try Data(contentsOf: url(parts))) }

    /// The JSON file at `parts` decoded with Foundation (independent of noisebook's parser).
    public func decode<T: Decodable>(_ type: T.Type, _ parts: String...) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: url(parts)))
    }

    /// The JSON file at `parts` as Foundation objects.
    public func json(_ parts: String...) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(parts)))
    }

    /// The safetensors file at `parts`, read by `TestSafetensors` (not by noisebook's reader).
    public func safetensors(_ parts: String...) throws -> [String: Tensor] {
        try TestSafetensors.read(Data(contentsOf: url(parts)))
    }

    /// A little-endian float32, C-order `.npy` file (format versions 1 and 2), read
    /// independently of the Weights module.
    public func npy(_ parts: String...) throws -> Tensor {
        let name = parts.joined(separator: "/")
        let data = [UInt8](try Data(contentsOf: url(parts)))
        guard data.count >= 10, data[0] == 0x93, Array(data[1..<6]) == Array("NUMPY".utf8) else {
            throw Missing(description: "\(name): not an .npy file")
        }
        let (headerLength, headerStart) = data[6] == 1
            ? (Int(data[8]) | Int(data[9]) << 8, 10)
            : (Int(data[8]) | Int(data[9]) << 8 | Int(data[10]) << 16 | Int(data[11]) << 24, 12)
        let header = String(decoding: data[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard header.contains("'<f4'"), header.contains("'fortran_order': False"),
              let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw Missing(description: "\(name): unsupported .npy header \(header)")
        }
        let shape = header[open.upperBound..<close].split(separator: ",")
            .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let payload = Array(data[(headerStart + headerLength)...])
        let count = Tensor.count(of: shape)
        guard payload.count == 4 * count else {
            throw Missing(description: "\(name): \(payload.count) bytes for shape \(shape)")
        }
        let values = (0..<count).map { i -> Float in
            Float(bitPattern: UInt32(payload[4 * i]) | UInt32(payload[4 * i + 1]) << 8
                | UInt32(payload[4 * i + 2]) << 16 | UInt32(payload[4 * i + 3]) << 24)
        }
        return Tensor(shape: shape, scalars: values)
    }

    private func url(_ parts: [String]) throws -> URL {
        let url = parts.reduce(root) { $0.appendingPathComponent($1) }
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw Missing(description: "fixture \(parts.joined(separator: "/")) is missing; remake it with \(script)")
        }
        return url
    }

    /// A fixture that is not there.
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }
}

/// A minimal safetensors reader for fixtures (F32 and F16 only), independent of the Weights
/// module, so that parity tests do not rest on the reader they might be testing.
public enum TestSafetensors {
    struct Entry: Decodable {
        let dtype: String
        let shape: [Int]
        let data_offsets: [Int]
    }

    /// Every tensor in a safetensors file image, widened to Float32.
    public static func read(_ data: Data) throws -> [String: Tensor] {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw FixtureFolder.Missing(description: "safetensors file of \(bytes.count) bytes") }
        var headerLength = 0
        for i in 0..<8 { headerLength |= Int(bytes[i]) << (8 * i) }
        let headerData = Data(bytes[8..<(8 + headerLength)])
        guard let object = try JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw FixtureFolder.Missing(description: "safetensors header is not an object")
        }
        var tensors = [String: Tensor]()
        let base = 8 + headerLength
        for (name, value) in object where name != "__metadata__" {
            let entry = try JSONDecoder().decode(Entry.self, from: try JSONSerialization.data(withJSONObject: value))
            let start = base + entry.data_offsets[0], end = base + entry.data_offsets[1]
            let values: [Float]
            switch entry.dtype {
            case "F32":
                values = stride(from: start, to: end, by: 4).map { i in
                    Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
                }
            case "F16":
                values = stride(from: start, to: end, by: 2).map { i in
                    Float(Float16(bitPattern: UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8))
                }
            default:
                throw FixtureFolder.Missing(description: "unsupported dtype \(entry.dtype) for \(name)")
            }
            XCTAssertEqual(values.count, Tensor.count(of: entry.shape), name)
            tensors[name] = Tensor(shape: entry.shape, scalars: values)
        }
        return tensors
    }
}
