import Foundation
import Script
import XCTest

/// Runs every `Scripts/*.swift` file. Comments in each file state the outcome:
/// `// expect: <line>` for each printed line in order, `// expect-error: L:C: <message>` for a
/// script that must fail there, and `// expect-note: <note>` for notes that error must carry.
final class ScriptFileTests: XCTestCase {
    struct Expectation {
        var lines: [String] = []
        var error: (location: String, message: String)?
        var notes: [String] = []
    }

    static func expectation(in source: String) -> Expectation {
        var result = Expectation()
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let marker = line.range(of: "// expect") else { continue }
            let directive = line[marker.upperBound...]
            if directive.hasPrefix(": ") {
                result.lines.append(String(directive.dropFirst(2)))
            } else if directive.hasPrefix("-error: ") {
                let body = directive.dropFirst("-error: ".count)
                let parts = body.split(separator: " ", maxSplits: 1)
                let location = parts.first.map { String($0.dropLast()) } ?? ""
                result.error = (location, parts.count > 1 ? String(parts[1]) : "")
            } else if directive.hasPrefix("-note: ") {
                result.notes.append(String(directive.dropFirst("-note: ".count)))
            }
        }
        return result
    }

    func scriptURLs() throws -> [URL] {
        let folder = try XCTUnwrap(Bundle.module.url(forResource: "Scripts", withExtension: nil))
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "swift" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func testEveryScriptMeetsItsExpectations() throws {
        let urls = try scriptURLs()
        XCTAssertGreaterThan(urls.count, 20, "the Scripts folder should hold the whole suite")
        for url in urls {
            let name = url.lastPathComponent
            let source = try String(contentsOf: url, encoding: .utf8)
            let expected = Self.expectation(in: source)
            XCTAssertTrue(!expected.lines.isEmpty || expected.error != nil, "\(name) states no expectation")
            let output = PrintedLines()
            var failure: ScriptError?
            do {
                let program = try Parser.parse(source)
                let interpreter = Interpreter(library: TestLibrary.make(printing: output))
                _ = try interpreter.run(program, globals: [:])
            } catch let error as ScriptError {
                failure = error
            }
            XCTAssertEqual(output.lines.flatMap { $0.components(separatedBy: "\n") }, expected.lines, "printed lines of \(name)")
            if let (location, message) = expected.error {
                guard let failure else {
                    XCTFail("\(name) should fail with '\(message)' but ran to the end")
                    continue
                }
                let actualLocation = failure.range.map { "\($0.start.line):\($0.start.column)" } ?? "-"
                XCTAssertEqual(actualLocation, location, "error location in \(name): \(failure.message)")
                XCTAssertEqual(failure.message, message, "error message in \(name)")
                for note in expected.notes {
                    XCTAssertTrue(failure.notes.contains(note), "\(name) should note '\(note)'; notes: \(failure.notes)")
                }
            } else if let failure {
                XCTFail("\(name) failed unexpectedly: \(failure)")
            }
        }
    }
}
