import Tensor
import XCTest
@testable import NN

/// Weight storage: half-precision parameters widen to the Float32 values they encode.
final class ParameterTests: XCTestCase {
    func testFloat16StorageWidensExactly() {
        // IEEE 754 binary16 bit patterns: 1.0, -2.0, 0.5, 65504 (largest finite), 2^-24 (smallest subnormal).
        let bits: [UInt16] = [0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001]
        let parameter = Parameter(name: "w", shape: [5], float16Bits: bits)
        XCTAssertEqual(parameter.value.scalars, [1, -2, 0.5, 65504, 0x1p-24])
        XCTAssertEqual(parameter.byteCount, 10, "two bytes per value")
        XCTAssertEqual(Parameter(name: "w", value: parameter.value).byteCount, 20, "four bytes per value")
    }
}
