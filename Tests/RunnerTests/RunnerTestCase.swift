import Bindings
import Foundation
import Pipeline
import Runner
import XCTest

/// A temporary project folder with notebooks, and helpers to run them.
class RunnerTestCase: XCTestCase {
    var project = ""

    override func setUpWithError() throws {
        project = FileManager.default.temporaryDirectory
            .appendingPathComponent("noisebook-runner-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: project + "/Notebooks/images", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: project)
    }

    /// Writes a notebook file into the project.
    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: project + "/Notebooks/" + name, atomically: true, encoding: .utf8)
    }

    /// Options for running the project's notebooks into its Output/ and cache.
    func projectOptions(version: String = "test") -> RunOptions {
        var options = RunOptions(version: version)
        options.paths = [project + "/Notebooks"]
        options.outputFolder = project + "/Output"
        options.cacheFolder = project + "/.noisebook/cache"
        options.projectRoot = project
        return options
    }

    /// The log lines and summary of one run of the project's notebooks.
    @discardableResult
    func runNotebooks(fresh: Bool = false, paths: [String]? = nil, embedImages: Bool = false,
                      version: String = "test", model: ModelChoice = .none) throws -> (summary: RunSummary, log: [String]) {
        var options = projectOptions(version: version)
        if let paths { options.paths = paths }
        options.fresh = fresh
        options.embedImages = embedImages
        let lines = LineBox()
        let log = RunLog(interactive: false) { text in lines.append(text) }
        let summary = try Runner(options: options, log: log) { _ in model }.run()
        return (summary, lines.lines)
    }

    /// The image files of the site, by name.
    func siteImages() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: project + "/Output/images").filter { $0.hasSuffix(".png") })
    }

    func page(_ name: String) throws -> String {
        try String(contentsOfFile: project + "/Output/" + name, encoding: .utf8)
    }
}

/// Collects log text from any thread, split into lines.
final class LineBox: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func append(_ chunk: String) { lock.withLock { text += chunk } }
    var lines: [String] { lock.withLock { text.split(separator: "\n").map(String.init) } }
}
