import Foundation
import Tensor
import XCTest

/// The largest absolute difference between two equally long arrays; NaN when either holds a
/// NaN (a fold with `Swift.max` would skip it), so a NaN output never compares as close.
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    XCTAssertEqual(a.count, b.count)
    return Tensor(shape: [a.count], scalars: a).maxAbsDifference(Tensor(shape: [b.count], scalars: b))
}

/// The Double form of `maxAbsDifference`: NaN when either array holds a NaN.
public func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    XCTAssertEqual(a.count, b.count)
    var worst = 0.0
    for (x, y) in zip(a, b) {
        let difference = abs(x - y)
        if difference.isNaN { return .nan }
        worst = Swift.max(worst, difference)
    }
    return worst
}

/// Asserts equal shapes and every element within `tolerance` (absolute), reporting the
/// worst element.
public func assertClose(_ actual: Tensor, _ expected: Tensor, tolerance: Float, _ message: String,
                        file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, expected.shape, "\(message): shape", file: file, line: line)
    guard actual.shape == expected.shape else { return }
    var worst: Float = 0
    var worstIndex = 0
    for i in 0..<actual.count {
        let difference = abs(actual.scalars[i] - expected.scalars[i])
        if !(difference <= worst) { worst = difference; worstIndex = i }
    }
    XCTAssertLessThanOrEqual(worst, tolerance,
                             "\(message): element \(worstIndex) is \(actual.scalars[worstIndex]), expected \(expected.scalars[worstIndex])",
                             file: file, line: line)
}

/// A fresh temporary folder, removed when the test ends.
public func temporaryFolder(_ test: XCTestCase, prefix: String = "noisebook-test") throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url.path
}
