import XCTest
@testable import Script

/// What the cache keys a cell on: tokens, line breaks and meaningful operator spacing.
final class SourceKeyTests: XCTestCase {
    private func key(_ source: String) -> String? { SourceKey.canonical(source) }

    func testCommentsAndSpacingInsideLinesDoNotCount() {
        XCTAssertEqual(key("let a = 1 // one\nlet b=a+2"), key("let a  =  1\n\n\nlet b = a + 2   /* two */"))
        XCTAssertEqual(key("print( xs[0] , 2 )"), key("print(xs[0], 2)"))
    }

    func testWhatChangesMeaningCounts() {
        XCTAssertNotEqual(key("let b = a -c"), key("let b = a - c"), "a prefix minus is another program")
        XCTAssertNotEqual(key("let a = 1\nlet b = 2"), key("let a = 1 let b = 2"), "a line break ends a statement")
        XCTAssertNotEqual(key("print(\"a b\")"), key("print(\"a  b\")"), "text inside strings counts")
        XCTAssertNotEqual(key("let x = 1.0"), key("let x = 1"))
        XCTAssertEqual(key("print(\"\\(a + 1)\")"), key("print(\"\\(a+1)\")"))
        XCTAssertNil(key("let s = \"unterminated"), "what does not lex is keyed on its text")
    }
}
