import XCTest

@testable import JSON

/// The header parser on valid and hostile JSON.
final class JSONParserTests: XCTestCase {
    private func parse(_ text: String, maxDepth: Int = 64) throws -> JSONValue {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { try JSONValue.parse($0, maxDepth: maxDepth) }
    }

    private func failure(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "parsed"
        } catch {
            return "\(error)"
        }
    }

    func testParsesValuesInOrder() throws {
        let value = try parse(#" {"b": [1, -2, 3.5e2, true, false, null], "a": "x\u00e9\ud83d\ude00\n\"", "c": {}} "#)
        guard case let .object(members) = value else { return XCTFail("not an object") }
        XCTAssertEqual(members.map(\.0), ["b", "a", "c"])
        XCTAssertEqual(value["b"], .array([.integer(1), .integer(-2), .number(350), .bool(true), .bool(false), .null]))
        XCTAssertEqual(value["a"], .string("x\u{e9}\u{1F600}\n\""))
        XCTAssertEqual(try parse(value.serialized), value, "serialising and parsing again is the identity")
    }

    func testRejectsHostileInput() {
        XCTAssertEqual(failure(String(repeating: "[", count: 1_000_000)), "JSON nested deeper than 64 levels at byte 64")
        XCTAssertEqual(failure("123456789012345678901234567890"), "integer 123456789012345678901234567890 is out of range at byte 0")
        XCTAssertEqual(failure("1e999"), "number 1e999 is out of range at byte 0")
        XCTAssertEqual(failure(#"{"a":1,"a":2}"#), "duplicate key 'a' at byte 7")
        XCTAssertEqual(failure(#""\ud800""#), "expected '\\u' at byte 7")
        XCTAssertEqual(failure("\"abc"), "unterminated string at byte 4")
        XCTAssertEqual(failure("{} x"), "unexpected text after the JSON value at byte 3")
        XCTAssertEqual(failure("\"\u{01}\""), "control character in string at byte 1")
        XCTAssertEqual(failure("01"), "unexpected text after the JSON value at byte 1")
        XCTAssertEqual(failure(""), "unexpected end of JSON at byte 0")
    }

    func testInvalidUTF8InStringsIsRejected() {
        let bytes: [UInt8] = [0x22, 0xFF, 0x22]
        XCTAssertThrowsError(try bytes.withUnsafeBytes { try JSONValue.parse($0) }) { error in
            XCTAssertEqual("\(error)", "string is not valid UTF-8 at byte 1")
        }
    }
}
