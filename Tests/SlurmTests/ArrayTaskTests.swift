import Foundation
@testable import Slurm
import XCTest

/// Reading a job array's tasks from `scontrol show job --oneliner`. The fixture is real
/// output of Slurm 22.05, recorded by tools/slurm/record-fixture.sh on the test cluster.
final class ArrayTaskTests: XCTestCase {
    static let fixture: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/array.txt")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    /// The job id the recording names in its first line (`# job N`).
    static var job: String { String(fixture.prefix { $0 != "\n" }.split(separator: " ").last ?? "") }

    func testEveryWayATaskEndsIsRead() throws {
        let tasks = ArrayTask.parse(Self.fixture, job: Self.job)
        XCTAssertEqual(tasks.keys.sorted(), [0, 1, 2, 3, 4])
        XCTAssertEqual(tasks[0]?.state, "COMPLETED")
        XCTAssertTrue(tasks[0]?.succeeded == true)
        XCTAssertEqual(tasks[1]?.failure, "FAILED, exit code 3:0 (NonZeroExitCode)")
        XCTAssertEqual(tasks[2]?.failure, "CANCELLED, exit code 0:15", "cancelled while running")
        XCTAssertEqual(tasks[4]?.failure, "CANCELLED (JobArrayTaskLimit)", "cancelled while held back by the array's throttle")
        XCTAssertTrue(tasks.values.allSatisfy(\.isFinished))
        XCTAssertTrue(tasks[1]?.log?.hasSuffix("/task-1.log") == true, tasks[1]?.log ?? "no log")
    }

    func testOtherJobsRecordsAreLeftOut() {
        XCTAssertEqual(ArrayTask.parse(Self.fixture, job: "999999"), [:])
    }

    func testPendingTasksShareOneRecord() {
        let line = "JobId=7 ArrayJobId=7 ArrayTaskId=2-4,6%2 JobName=x JobState=PENDING Reason=Resources Dependency=(null) ExitCode=0:0"
        let tasks = ArrayTask.parse(line, job: "7")
        XCTAssertEqual(tasks.keys.sorted(), [2, 3, 4, 6])
        XCTAssertEqual(tasks[3]?.reason, "Resources")
        XCTAssertFalse(tasks[3]?.isFinished ?? true)
    }

    func testIndicesOfAnArrayTaskIdValue() {
        XCTAssertEqual(ArrayTask.indices("3"), [3])
        XCTAssertEqual(ArrayTask.indices("0-3:2"), [0, 2])
        XCTAssertEqual(ArrayTask.indices("1,3,5-6%4"), [1, 3, 5, 6])
    }

    func testFieldKeysKeepSlurmsPunctuation() {
        let fields = ArrayTask.fields(of: "AllocNode:Sid=vm:12 CPUs/Task=1 Reason=Some words here TRES=cpu=1,node=1")
        XCTAssertEqual(fields["AllocNode:Sid"], "vm:12")
        XCTAssertEqual(fields["CPUs/Task"], "1")
        XCTAssertEqual(fields["Reason"], "Some words here")
        XCTAssertEqual(fields["TRES"], "cpu=1,node=1")
    }
}
