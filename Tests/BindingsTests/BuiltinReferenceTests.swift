import Foundation
import Script
import XCTest
@testable import Bindings

/// docs/builtins.md is the reference the library generates; the overview table in
/// docs/cell-language.md names only built-ins that exist.
final class BuiltinReferenceTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    private var recording: Bool { ProcessInfo.processInfo.environment["NOISEBOOK_RECORD_GOLDEN"] == "1" }

    func testTheReferencePageIsTheLibrarysOwn() throws {
        let path = Self.root + "/docs/builtins.md"
        let generated = NotebookLibrary.reference()
        if recording { try generated.write(toFile: path, atomically: true, encoding: .utf8) }
        let page = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(page, generated, "docs/builtins.md differs from the library; rewrite it with make golden and review the diff")
    }

    func testTheReferenceShowsLabelsDefaultsAndReads() {
        let reference = NotebookLibrary.reference()
        XCTAssertTrue(reference.contains("- `forward(image, t:, [seed:])`: "), reference)
        XCTAssertTrue(reference.contains("`stridedTimesteps(from: 990, stride: 30)`"), reference)
        XCTAssertTrue(reference.contains("Reads the schedule."), reference)
    }

    /// Every `name(` in the overview table of docs/cell-language.md is a function or a method.
    func testTheOverviewNamesOnlyRealBuiltins() throws {
        let page = try String(contentsOfFile: Self.root + "/docs/cell-language.md", encoding: .utf8)
        let library = NotebookLibrary.make(session: NotebookSession(notebookFolder: "/", projectRoot: "/", seed: 0, model: .none))
        let known = Set(library.functionNames + library.memberTypeNames.flatMap { library.memberNames(on: $0) })
        let table = page.split(separator: "\n").filter { $0.hasPrefix("| `") }
        XCTAssertGreaterThan(table.count, 10, "the overview table is where it was")
        var unknown = [String]()
        for row in table {
            for code in row.split(separator: "`").enumerated().filter({ $0.offset % 2 == 1 }).map(\.element) {
                // The call's name: the identifier before the first "(" (after a leading ".").
                guard let paren = code.firstIndex(of: "(") else { continue }
                let head = code[..<paren].split(separator: ".").last.map(String.init) ?? ""
                if !head.isEmpty, head.allSatisfy({ $0.isLetter || $0.isNumber }), !known.contains(head) { unknown.append(head) }
            }
        }
        XCTAssertEqual(unknown, [], "docs/cell-language.md names built-ins the library lacks")
    }
}
