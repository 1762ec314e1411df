import Script
import XCTest

/// A built-in's parameter is named once: its declaration and its read come from one `Param`.
final class ParamTests: XCTestCase {
    func testLabelsDeriveFromTheName() {
        XCTAssertEqual(Param.int("steps").declaration.label, "steps")
        XCTAssertNil(Param.int("t", label: .unlabeled).declaration.label)
        let size = Param.int("size", label: "to")
        XCTAssertEqual(size.declaration.label, "to")
        XCTAssertEqual(size.declaration.name, "size")
    }

    func testDefaultsAreDeclaredAsValues() {
        XCTAssertNil(Param.int("t").declaration.defaultValue, "no default: the argument is required")
        XCTAssertEqual(Param.int("stride", default: 30).declaration.defaultValue, .int(30))
        guard case .void? = Param.string("seed").optional.declaration.defaultValue else {
            return XCTFail("an optional parameter's default is .void, which calls may leave out")
        }
    }

    func testReadsAreTypedAndOptionalOnesAreNilWhenLeftOut() throws {
        let stride = Param.int("stride", default: 30), seed = Param.int("seed").optional
        let arguments = Arguments(["stride": .int(10), "seed": .void])
        XCTAssertEqual(try arguments[stride], 10)
        XCTAssertNil(try arguments[seed])
        XCTAssertEqual(try Arguments(["seed": .int(4)])[seed], 4)
        XCTAssertEqual(try Arguments(["g": .int(2)])[Param.double("g")], 2, "an Int passed for a Double converts")
    }

    func testAWrongTypeNamesTheParameter() {
        let guidance = Param.double("guidance")
        XCTAssertThrowsError(try Arguments(["guidance": .string("high")])[guidance]) { error in
            let failure = error as? BuiltinFailure
            XCTAssertEqual(failure?.parameter, "guidance")
            XCTAssertEqual(failure?.message, "cannot convert value of type 'String' to expected argument type 'Double' for parameter 'guidance'")
        }
    }

    func testMapChecksWithTheParametersName() {
        let positive = Param.int("count").map { value, name in
            guard value > 0 else { throw BuiltinFailure("\(name) must be positive", parameter: name) }
            return value
        }
        XCTAssertEqual(try Arguments(["count": .int(3)])[positive], 3)
        XCTAssertThrowsError(try Arguments(["count": .int(0)])[positive]) { error in
            XCTAssertEqual((error as? BuiltinFailure)?.message, "count must be positive")
        }
    }
}
