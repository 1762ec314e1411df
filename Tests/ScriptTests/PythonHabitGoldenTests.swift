import Foundation
import XCTest
@testable import Script

/// Every row of `PythonHabits.table` as a cell: its example fails with an error that names
/// the Python and gives the Swift form, located at the habit. The whole set of messages is
/// compared with `Golden/python-habits.txt` (re-recorded by `make golden`).
final class PythonHabitGoldenTests: XCTestCase {
    private static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden/python-habits.txt")

    /// The rendered error of one habit's example.
    private func rendered(_ habit: PythonHabits.Habit) -> String {
        do {
            _ = try TestLibrary.run(habit.example)
            return "no error"
        } catch let error as ScriptError {
            return error.rendered(path: "cell.md", lineOffset: 0, sourceLines: habit.example.components(separatedBy: "\n"))
        } catch {
            return "unexpected \(error)"
        }
    }

    func testEachHabitIsAnsweredWithTheSwiftForm() {
        for habit in PythonHabits.table {
            let text = rendered(habit)
            XCTAssertTrue(text.contains("'\(habit.python)' is Python; in a cell write \(habit.swift)"), "\(habit.python): \(text)")
            XCTAssertTrue(text.hasPrefix("cell.md:"), "\(habit.python) is located: \(text)")
        }
    }

    func testTheMessagesMatchTheGoldenFile() throws {
        let text = PythonHabits.table.map { habit in
            "## \(habit.python) (\(habit.place))\n\(habit.example)\n--\n\(rendered(habit))\n"
        }.joined(separator: "\n")
        if ProcessInfo.processInfo.environment["NOISEBOOK_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: Self.golden, options: .atomic)
        }
        let expected = try String(contentsOf: Self.golden, encoding: .utf8)
        XCTAssertEqual(text, expected, "re-record with make golden after an intended change")
    }
}
