import AtomicWrite
import Foundation
import XCTest

final class AtomicFileWriterTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func testWriteReplacesTheFileAndLeavesNoTemporary() throws {
        let path = folder + "/a.bin"
        try AtomicFileWriter.write([1, 2, 3], to: path)
        try AtomicFileWriter.write([4, 5], to: path)
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), [4, 5])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["a.bin"])
    }

    func testAFailingBodyLeavesTheOldFileAndNoTemporary() throws {
        struct Stop: Error {}
        let path = folder + "/a.bin"
        try AtomicFileWriter.write([1], to: path)
        XCTAssertThrowsError(try AtomicFileWriter.write(to: path) { out in
            try out.write([UInt8](repeating: 9, count: 10))
            throw Stop()
        })
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), [1])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["a.bin"])
    }

    func testUnwritableFolderNamesTheFile() {
        XCTAssertThrowsError(try AtomicFileWriter.write([1], to: folder + "/missing/a.bin")) { error in
            XCTAssertTrue("\(error)".hasPrefix(folder + "/missing/a.bin: cannot create a temporary file"), "\(error)")
        }
    }

    func testStaleTemporariesOfDeadProcessesAreRemovedOthersKept() throws {
        XCTAssertEqual(StaleTemporaries.owner(of: ".a.bin.tmp-123-ff"), 123)
        XCTAssertEqual(StaleTemporaries.owner(of: ".a.bin.tmp-123"), 123)
        XCTAssertNil(StaleTemporaries.owner(of: "a.bin"))
        // pid 2^22 + 1 is above Linux's pid_max default and so names no live process.
        let dead = folder + "/.x.tmp-4194305-1", alive = folder + "/.y.tmp-\(getpid())-2", kept = folder + "/z"
        for path in [dead, alive, kept] { FileManager.default.createFile(atPath: path, contents: Data([1, 2])) }
        XCTAssertEqual(StaleTemporaries.remove(in: [folder]).count, 1)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: folder)), [".y.tmp-\(getpid())-2", "z"])
    }

    func testAnotherHostsTemporariesAreKeptWhateverItsPid() throws {
        let name = ".a.bin.tmp-4194305-\(AtomicFileWriter.hostTag)-ff"
        XCTAssertEqual(StaleTemporaries.owner(of: name), 4194305)
        XCTAssertEqual(StaleTemporaries.host(of: name), AtomicFileWriter.hostTag)
        XCTAssertNil(StaleTemporaries.host(of: ".a.bin.tmp-123-ff"), "an older name has no host")
        // The same dead pid, written here and on another machine sharing the folder.
        let here = folder + "/" + name, elsewhere = folder + "/.b.bin.tmp-4194305-h0-ff"
        for path in [here, elsewhere] { FileManager.default.createFile(atPath: path, contents: Data([1])) }
        XCTAssertEqual(StaleTemporaries.remove(in: [folder]).count, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [".b.bin.tmp-4194305-h0-ff"])
    }

    func testTheWritersTemporaryNameCarriesThisHost() throws {
        let writer = try AtomicFileWriter(path: folder + "/c.bin")
        defer { writer.abandon() }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        XCTAssertEqual(names.compactMap(StaleTemporaries.host(of:)), [AtomicFileWriter.hostTag])
    }
}
