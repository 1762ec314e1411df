import Foundation
import Runner
import XCTest

/// What `run --slurm` builds on: the plan of the cells left (in waves), a run of some cells
/// that leaves the others to other tasks, and a run that only assembles the site.
final class RunnerPlanTests: RunnerTestCase {
    /// The cells a cluster run would submit, in waves: a cell whose inputs are cached in the
    /// first, a cell reading a pending cell's names in the wave after it.
    func testThePlanListsTheCellsLeftInWaves() throws {
        try write("a.md", "---\nseed: 1\n---\n```swift\nlet x = 1\n```\n\n```swift\nlet y = 2\n```\n\n```swift\nprint(x + y)\n```\n")
        try write("b.md", "---\nseed: 1\n---\n```swift\nprint(2)\n```\n")
        let runner = Runner(options: projectOptions(), log: RunLog(interactive: false) { _ in }) { _ in .none }
        let plans = try runner.plan()
        XCTAssertEqual(plans.map { URL(fileURLWithPath: $0.notebook).lastPathComponent }, ["a.md", "b.md"])
        XCTAssertEqual(plans.first?.cellsByWave, [[0, 1], [2]])
        XCTAssertEqual(plans.first?.hasIndependentModelCells, false, "no cell runs the model")
        try runNotebooks()
        XCTAssertEqual(try runner.plan(), [], "every cell is cached")
        try write("a.md", "---\nseed: 1\n---\n```swift\nlet x = 1\n```\n\n```swift\nlet y = 2\n```\n\n```swift\nprint(x * y)\n```\n")
        XCTAssertEqual(try runner.plan().map(\.cellsByWave), [[[2]]], "an edited last cell reads cached values: wave 1")
        XCTAssertEqual(try runNotebooks().log.filter { $0.contains(" miss ") }.count, 1, "planning ran and stored nothing")
    }

    func testARunOfSomeCellsLeavesTheOthersToOtherTasks() throws {
        try write("a.md", "---\nseed: 1\n---\n```swift\nlet x = 1\nprint(x)\n```\n\n```swift\nlet y = 2\n```\n\n```swift\nprint(y)\n```\n")
        var options = projectOptions()
        options.onlyCells = [0]
        let lines = LineBox()
        let summary = try Runner(options: options, log: RunLog(interactive: false) { lines.append($0) }) { _ in .none }.run()
        XCTAssertEqual(summary.executed, 1)
        XCTAssertEqual(summary.leftToOtherTasks, 2, "the cell after, and the one reading it")
        XCTAssertEqual(summary.skipped, 0)
        XCTAssertEqual(summary.exitCode, 0, lines.lines.joined(separator: "\n"))
        XCTAssertTrue(summary.counts.contains("2 left to other tasks"), summary.counts)
        let log = try runNotebooks().log
        XCTAssertTrue(log.contains { $0.contains("cell 1 (line") && $0.contains(" hit ") }, log.joined(separator: "\n"))
        XCTAssertEqual(log.filter { $0.contains(" miss ") }.count, 2)
    }

    func testAnAssemblingRunLeavesUncachedCellsUnrunWithItsNote() throws {
        try write("a.md", "---\nseed: 1\n---\n```swift\nlet x = 1\n```\n\n```swift\nprint(x)\n```\n")
        var options = projectOptions()
        options.unservedCellNote = "computed elsewhere"
        let summary = try Runner(options: options, log: RunLog(interactive: false) { _ in }) { _ in .none }.run()
        XCTAssertEqual(summary.skipped, 2)
        XCTAssertEqual(summary.exitCode, 65)
        XCTAssertTrue(try page("a.html").contains("not run: computed elsewhere"))
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: project + "/.noisebook/cache/cells")) ?? [], [], "nothing ran, nothing stored")
    }
}
