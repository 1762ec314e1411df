import AtomicWrite
import Foundation
import Runner
import XCTest

/// The per-notebook lock of cluster tasks: one holder at a time, and a lock left behind by a
/// dead process or a silent host is taken over.
final class NotebookLockTests: RunnerTestCase {
    private var path: String { project + "/.noisebook/locks/a.lock" }

    func testOneHolderAtATimeAndReleaseFreesIt() throws {
        let held = try XCTUnwrap(try NotebookLock.acquire(path))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "\(AtomicFileWriter.hostTag) \(getpid())\n")
        var seen: String?
        XCTAssertNil(try NotebookLock.acquire(path, isCancelled: { true }) { seen = $0 }, "a held lock is not taken")
        XCTAssertEqual(seen, "\(AtomicFileWriter.hostTag) \(getpid())", "the waiting message names the holder")
        held.release()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertNotNil(try NotebookLock.acquire(path, isCancelled: { true }))
    }

    func testALockOfADeadProcessOnThisHostIsTakenOver() throws {
        try FileManager.default.createDirectory(atPath: project + "/.noisebook/locks", withIntermediateDirectories: true)
        // pid 2^22 + 1 is above Linux's pid_max default and so names no live process.
        try "\(AtomicFileWriter.hostTag) 4194305\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertNotNil(try NotebookLock.acquire(path, isCancelled: { true }))
    }

    func testAnotherHostsLockHoldsUntilItGoesSilent() throws {
        try FileManager.default.createDirectory(atPath: project + "/.noisebook/locks", withIntermediateDirectories: true)
        try "h0 4194305\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertNil(try NotebookLock.acquire(path, isCancelled: { true }), "a pid of another host says nothing here: the lock holds")
        let silentSince = Date().addingTimeInterval(-NotebookLock.staleAfter - 5)
        try FileManager.default.setAttributes([.modificationDate: silentSince], ofItemAtPath: path)
        XCTAssertNotNil(try NotebookLock.acquire(path, isCancelled: { true }), "untouched for longer than staleAfter: taken over")
    }
}
