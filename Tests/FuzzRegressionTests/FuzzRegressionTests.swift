import Foundation
import XCTest
import FuzzHarness

/// Replays saved fuzz inputs through the same entry points the libFuzzer binaries call
/// (`FuzzTarget.run`, built from Fuzz/Harness), so a fixed crash stays fixed without
/// needing a fuzzer build.
final class FuzzRegressionTests: XCTestCase {
    /// The repository's Fuzz folder, found from this file's location.
    private static let fuzzFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    /// The files in `Fuzz/<kind>/<target>/`, sorted; none when the folder is absent.
    private func inputs(_ kind: String, _ target: FuzzTarget) throws -> [URL] {
        let folder = Self.fuzzFolder.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Every input that once crashed a target (or ran out of memory or time) must now be
    /// read, or refused with that module's own error, within the harness's bounds.
    func testRegressionsReadOrFailCleanly() throws {
        var replayed = 0
        for target in FuzzTarget.allCases {
            for file in try inputs("regressions", target) {
                try assertReadsOrFailsCleanly(target, file)
                replayed += 1
            }
        }
        XCTAssertGreaterThan(replayed, 0, "no regression inputs found under \(Self.fuzzFolder.path)/regressions")
    }

    /// Every seed either reads or is refused with the module's own error type.
    func testSeedsReadOrFailCleanly() throws {
        for target in FuzzTarget.allCases {
            let seeds = try inputs("corpus", target)
            XCTAssertFalse(seeds.isEmpty, "no seeds for \(target.rawValue)")
            for file in seeds {
                try assertReadsOrFailsCleanly(target, file)
            }
        }
    }

    /// Runs `file` through `target`; an error must be the module's own type.
    private func assertReadsOrFailsCleanly(_ target: FuzzTarget, _ file: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: file))
        do {
            try target.run(bytes)
        } catch {
            XCTAssertTrue(target.isExpected(error),
                          "\(target.rawValue)/\(file.lastPathComponent): unexpected \(type(of: error)): \(error)")
        }
    }

    /// Cells that grow a value by doubling are stopped by the interpreter's size limits
    /// (`Interpreter.maximumStringBytes`, `maximumMaterializedCount`), not by running out of
    /// memory; an array sharing its elements prints truncated instead of expanding.
    func testScriptGrowthIsBounded() throws {
        let folder = Self.fuzzFolder.appendingPathComponent("regressions/script")
        for name in ["string-doubling.swift", "interpolation-doubling.swift", "joined-growth.swift",
                     "array-doubling.swift", "append-doubling.swift"] {
            let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            XCTAssertThrowsError(try FuzzTarget.script.run(bytes), name) { error in
                XCTAssertTrue("\(error)".contains("exceeds the limit"), "\(name): \(error)")
            }
        }
        let shared = [UInt8](try Data(contentsOf: folder.appendingPathComponent("shared-array-display.swift")))
        XCTAssertNoThrow(try FuzzTarget.script.run(shared))
    }

    /// The seeds taken from valid project files must read: otherwise the fuzzers would start
    /// from inputs that stop at the first check and never reach the code behind it.
    func testValidSeedsRead() throws {
        let valid: [(FuzzTarget, String)] = [
            (.notebook, "1.1-forward-process.md"),
            (.script, "basics.swift"),
            (.safetensors, "mixed.safetensors"),
            (.pickle, "prompts.pkl"),
            (.pickle, "prompts_p4.pkl"),
            (.checkpoint, "prompts.pth"),
            (.png, "rgba16.png"),
            (.spiece, "rules.model"),
            (.spiece, "user.model"),
            (.shardindex, "valid.json"),
            (.npy, "f32.npy"),
            (.npy, "f16.npy"),
            (.config, "unet.json"),
            (.config, "t5.json"),
            (.config, "scheduler.json"),
        ]
        for (target, name) in valid {
            let file = Self.fuzzFolder.appendingPathComponent("corpus/\(target.rawValue)/\(name)")
            XCTAssertNoThrow(try target.run([UInt8](Data(contentsOf: file))), "\(target.rawValue)/\(name)")
        }
    }
}
