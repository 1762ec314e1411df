import Foundation
import Tensor
import XCTest

/// Access to the parity fixtures written by tools/make_if_fixtures.py (diffusers 0.30.3).
enum Fixtures {
    /// The fixture folder `name` (e.g. "tiny-a", "scheduler").
    static func url(_ name: String) throws -> URL {
        let root = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil),
                                 "fixtures missing; run /usr/bin/python3 tools/make_if_fixtures.py")
        return root.appendingPathComponent(name)
    }

    static func data(_ folder: String, _ file: String) throws -> Data {
        try Data(contentsOf: try url(folder).appendingPathComponent(file))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ folder: String, _ file: String) throws -> T {
        try JSONDecoder().decode(type, from: try data(folder, file))
    }
}

/// A minimal safetensors reader for the fixtures (F32 and F16 only): an 8-byte
/// little-endian header length, a JSON header of name -> {dtype, shape, data_offsets},
/// then the raw little-endian data. The project's own reader lives in Weights, which this
/// test target does not depend on.
enum TestSafetensors {
    struct Entry: Decodable {
        let dtype: String
        let shape: [Int]
        let data_offsets: [Int]
    }

    static func read(_ data: Data) throws -> [String: Tensor] {
        let bytes = [UInt8](data)
        XCTAssertGreaterThanOrEqual(bytes.count, 8)
        var headerLength = 0
        for i in 0..<8 { headerLength |= Int(bytes[i]) << (8 * i) }
        let headerData = Data(bytes[8..<(8 + headerLength)])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: headerData) as? [String: Any])
        var tensors = [String: Tensor]()
        let base = 8 + headerLength
        for (name, value) in object where name != "__metadata__" {
            let entry = try JSONDecoder().decode(Entry.self, from: try JSONSerialization.data(withJSONObject: value))
            let start = base + entry.data_offsets[0], end = base + entry.data_offsets[1]
            let raw = bytes[start..<end]
            var values = [Float]()
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
                XCTFail("unsupported dtype \(entry.dtype) for \(name)")
            }
            XCTAssertEqual(values.count, Tensor.count(of: entry.shape), "\(name): \(raw.count) bytes")
            tensors[name] = Tensor(shape: entry.shape, scalars: values)
        }
        return tensors
    }
}

/// The largest absolute difference between two equally long arrays.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    XCTAssertEqual(a.count, b.count)
    return zip(a, b).reduce(0) { Swift.max($0, abs($1.0 - $1.1)) }
}
