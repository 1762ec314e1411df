import Foundation
import Tensor
import TestSupport
import XCTest

@testable import Weights

/// Fixtures are written by tools/make_weights_fixtures.py (torch.save, numpy, safetensors).
let Fixtures = FixtureFolder(bundle: .module, script: "tools/make_weights_fixtures.py")

/// Writes `bytes` to a new file in `folder` and returns its path.
func writeFile(_ folder: String, _ name: String, _ bytes: [UInt8]) throws -> String {
    let path = folder + "/" + name
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

/// Asserts that `body` throws a `WeightsError` whose message is exactly `message`.
func assertMessage<T>(_ message: String, file: StaticString = #filePath, line: UInt = #line,
                      _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected the error: \(message)", file: file, line: line)
    } catch let error as WeightsError {
        XCTAssertEqual(error.description, message, file: file, line: line)
    } catch {
        XCTFail("expected a WeightsError, got \(error)", file: file, line: line)
    }
}

/// The values and shape a fixture JSON records for one tensor.
func expectedTensor(_ record: Any?) -> (shape: [Int], values: [Float])? {
    guard let record = record as? [String: Any], let shape = record["shape"] as? [Int],
          let values = record["values"] as? [Double] else { return nil }
    return (shape, values.map(Float.init))
}

/// Little-endian bytes of a UInt64.
func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

/// A safetensors file image: 8-byte length, `header` verbatim, then `data`.
func safetensorsImage(_ header: String, data: [UInt8] = []) -> [UInt8] {
    let h = Array(header.utf8)
    return le64(UInt64(h.count)) + h + data
}
