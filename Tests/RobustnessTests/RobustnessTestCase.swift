import Foundation
import TestSupport
import XCTest

/// A temporary project folder and the built `noisebook` executable to run in it.
///
/// The executable is the one of the same build as the tests (`make test` builds it before
/// the suite); the tests skip when it is missing.
class RobustnessTestCase: XCTestCase {
    /// The repository's test folder for this target, found from this file's path.
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path

    /// The temporary project: `Notebooks/`, and after a run `Output/` and `.noisebook/`.
    var project = ""
    /// `project` with symbolic links resolved (what error messages may show).
    var physicalProject = ""

    /// The noisebook executable of this build.
    static var executable: String? { NoisebookExecutable.path }


    override func setUpWithError() throws {
        _ = try NoisebookExecutable.required()
        project = FileManager.default.temporaryDirectory.appendingPathComponent("noisebook-robust-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: project + "/Notebooks", withIntermediateDirectories: true)
        physicalProject = URL(fileURLWithPath: project).resolvingSymlinksInPath().path
    }

    override func tearDownWithError() throws {
        if !project.isEmpty { try? FileManager.default.removeItem(atPath: project) }
    }

    /// The environment of every run: no Hugging Face cache, so notebooks never pick up
    /// DeepFloyd weights that happen to be on the machine.
    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["HF_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME"] { environment[name] = nil }
        environment["HOME"] = "/nonexistent-noisebook-home"
        return environment
    }

    /// Writes a text file into the project (folders created).
    func write(_ relative: String, _ text: String) throws {
        try write(relative, Data(text.utf8))
    }

    /// Writes bytes into the project (folders created).
    func write(_ relative: String, _ data: Data) throws {
        let url = URL(fileURLWithPath: project + "/" + relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    /// Variables this test adds to `environment` for its runs.
    var extraEnvironment: [String: String] = [:]

    /// Starts noisebook with `arguments` in the project; stdout and stderr go to files
    /// read by `finish`.
    func start(_ arguments: [String], in directory: String? = nil) throws -> RunningCommand {
        try RunningCommand(executable: Self.executable ?? "", arguments: arguments,
                           directory: directory ?? project, environment: Self.environment.merging(extraEnvironment) { $1 })
    }

    /// Runs noisebook to the end; returns status, stdout and stderr.
    @discardableResult
    func noisebook(_ arguments: [String], in directory: String? = nil) throws -> (status: Int32, out: String, err: String) {
        try start(arguments, in: directory).finish()
    }

    /// Every file under `relative` in the project, relative to it, sorted.
    func files(under relative: String) -> [String] {
        let base = project + "/" + relative
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [] }
        var found = [String]()
        while let name = enumerator.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + name, isDirectory: &isFolder), !isFolder.boolValue {
                found.append(relative + "/" + name)
            }
        }
        return found.sorted()
    }

    /// Cell records and blobs in the project's cache.
    var cacheEntries: [String] { files(under: ".noisebook/cache/cells") + files(under: ".noisebook/cache/blobs") }

    /// Image files of the site.
    var siteImages: [String] { files(under: "Output/images") }

    /// Temporary files of interrupted writes (`.NAME.tmp-PID`) anywhere in the project.
    var temporaryFiles: [String] {
        (files(under: ".noisebook") + files(under: "Output")).filter {
            let name = URL(fileURLWithPath: $0).lastPathComponent
            return name.hasPrefix(".") && name.contains(".tmp-")
        }
    }

    /// A page of the site.
    func page(_ name: String) throws -> String {
        try String(contentsOfFile: project + "/Output/" + name, encoding: .utf8)
    }
}
