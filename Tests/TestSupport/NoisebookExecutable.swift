import Foundation
import XCTest

/// The `noisebook` executable of the same build as the running tests: `swift test` builds
/// it next to the test bundle. Command-line tests run that one, never an executable left
/// over from another build.
public enum NoisebookExecutable {
    /// The executable's path, or nil when it is not built.
    public static let path: String? = {
        var folders = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            folders.append(bundle.bundleURL.deletingLastPathComponent())
        }
        return folders.map { $0.appendingPathComponent("noisebook").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The executable's path; a test without it fails under CI (`CI=true`) and is skipped
    /// elsewhere, saying how to build it.
    public static func required() throws -> String {
        if let path { return path }
        let message = "the noisebook executable is not built next to the tests; `make test` builds it"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail(message)
            throw XCTSkip(message)
        }
        throw XCTSkip(message)
    }
}
