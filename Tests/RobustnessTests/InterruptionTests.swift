import Foundation
import XCTest

/// Runs stopped in the middle of a long cell, by SIGINT and by SIGKILL, then run again:
/// the pages and images equal an uninterrupted run's, every finished cell is served from
/// the cache, and no temporary file is left behind.
final class InterruptionTests: RobustnessTestCase {
    /// Sampler steps of the long cell: under a second, long enough for a signal to land in
    /// it (the built-in model's step is BLAS-bound, about as fast in debug as in release).
    static let longSteps = 50

    /// Cell 1 is quick and shows an image; cell 2 samples long enough to be interrupted;
    /// cell 3 reads cell 2's result.
    static var notebook: String { notebook(steps: longSteps) }

    /// The same notebook with `steps` sampler steps in cell 2 (and another title).
    static func notebook(steps: Int, title: String = "Interrupted") -> String {
        """
        ---
        title: \(title)
        seed: 11
        model: builtin-mean
        ---
        A quick cell first.

        ```swift
        let mask = rectangleMask(size: 64, x: 8, y: 8, width: 20, height: 30)
        show(mask, caption: "mask")
        ```

        ```swift
        let samples = sample(count: 1, steps: \(steps))
        show(samples, caption: "sampled")
        ```

        ```swift
        show(samples.flipped(), caption: "flipped")
        ```
        """
    }

    /// A page without what differs between equal runs: badges, status classes, summary.
    static func comparable(_ html: String) -> String {
        let patterns = ["<span class=\"badge\">[^<]*</span>", "status-[a-z]+", "<dd>[0-9]+ cells?:[^<]*</dd>"]
        var text = html
        for pattern in patterns {
            guard let regex = try? NSRegularExpression(pattern: pattern) else { continue }
            text = regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "")
        }
        return text
    }

    /// The uninterrupted run's page and images, made in a second project.
    private func baseline() throws -> (page: String, images: [String: Data]) {
        let saved = project
        defer { project = saved }
        project = FileManager.default.temporaryDirectory.appendingPathComponent("noisebook-baseline-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: project) }
        try write("Notebooks/a.md", Self.notebook)
        let (status, _, err) = try noisebook(["run", "Notebooks", "--out", "Output"])
        XCTAssertEqual(status, 0, err)
        return (Self.comparable(try page("a.html")), try images())
    }

    private func images() throws -> [String: Data] {
        var result = [String: Data]()
        for path in siteImages { result[path] = try Data(contentsOf: URL(fileURLWithPath: project + "/" + path)) }
        return result
    }

    /// Starts the notebook and returns once the long cell is sampling.
    private func startLongRun() throws -> RunningCommand {
        try write("Notebooks/a.md", Self.notebook)
        let run = try start(["run", "Notebooks", "--out", "Output"])
        XCTAssertTrue(run.waitFor("cell 2: sample step", timeout: 60), "the long cell never started:\n\(run.errorText)")
        return run
    }

    /// The second run: cell 1 hit, cells 2 and 3 ran, same site as the baseline.
    private func checkRerun(against expected: (page: String, images: [String: Data])) throws {
        let (status, _, err) = try noisebook(["run", "Notebooks", "--out", "Output"])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(err.contains("cell 1 (line 9)      hit"), err)
        XCTAssertTrue(err.contains("cell 2 (line 14)     miss"), err)
        XCTAssertFalse(err.contains("waiting"), "a lock outlived its run:\n\(err)")
        XCTAssertEqual(Self.comparable(try page("a.html")), expected.page)
        XCTAssertEqual(try images(), expected.images)
        XCTAssertEqual(temporaryFiles, [])
    }

    func testSIGINTStopsWithinASecondAndTheRerunMatches() throws {
        let expected = try baseline()
        let run = try startLongRun()
        let sent = Date()
        run.send(SIGINT)
        let (status, _, err) = run.finish()
        let seconds = Date().timeIntervalSince(sent)
        XCTAssertEqual(status, 130, err)
        XCTAssertLessThan(seconds, 1.0, "SIGINT took \(seconds) s to stop the run")
        XCTAssertTrue(err.contains("noisebook: stopping after the current step"), err)
        XCTAssertTrue(err.contains("noisebook: interrupted; finished cells are cached, the rest will run next time"), err)
        XCTAssertTrue(err.contains("cell 2 (line 14)     stopped"), err)
        XCTAssertEqual(files(under: ".noisebook/cache/cells").count, 1, "only the finished cell is cached")
        XCTAssertEqual(temporaryFiles, [])
        print("SIGINT to exit: \(String(format: "%.3f", seconds)) s")
        try checkRerun(against: expected)
    }

    func testSIGKILLThenRerunMatchesAndCleansTemporaries() throws {
        let expected = try baseline()
        let run = try startLongRun()
        run.send(SIGKILL)
        XCTAssertEqual(run.finish().status, 128 + SIGKILL)
        XCTAssertEqual(files(under: ".noisebook/cache/cells").count, 1, "only the finished cell is cached")
        // What a kill in the middle of a write leaves: half-written temporaries of a dead
        // process, in the cache and the site. They must be removed and never read.
        let deadPID = 999_999
        let planted = [".noisebook/cache/cells/.\(String(repeating: "0", count: 64)).json.tmp-\(deadPID)",
                       ".noisebook/cache/blobs/ab/.abcdef.tmp-\(deadPID)",
                       "Output/.a.html.tmp-\(deadPID)",
                       "Output/images/.deadbeef.png.tmp-\(deadPID)"]
        for path in planted { try write(path, "{\"key\": \"half-writ") }
        XCTAssertEqual(temporaryFiles.count, planted.count)
        try checkRerun(against: expected)
    }
}
