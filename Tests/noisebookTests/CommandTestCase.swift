import Foundation
import TestSupport
import XCTest

/// Runs the built `noisebook` executable (built by `make test` before the suite runs).
class CommandTestCase: XCTestCase {
    /// The repository root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The executable of the same build as the tests (next to the test bundle).
    var executable: String { NoisebookExecutable.path ?? "" }

    var scratch = ""

    override func setUpWithError() throws {
        _ = try NoisebookExecutable.required()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("noisebook-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if !scratch.isEmpty { try? FileManager.default.removeItem(atPath: scratch) }
    }

    /// Runs noisebook with `arguments` in `directory`; returns status, stdout and stderr.
    func noisebook(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? scratch)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
