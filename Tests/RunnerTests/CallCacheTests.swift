import Diffusion
import Foundation
import Pipeline
import Tensor
import XCTest

/// Results of model calls are reused per call: a changed list re-runs only its new item, the
/// same call in another cell runs once, and anything that changes a result misses.
final class CallCacheTests: RunnerTestCase {
    /// A model slow enough for its calls to be stored (each prediction takes 60 ms, more than
    /// the store's threshold), counting its predictions.
    struct SlowDenoiser: Denoiser {
        var schedule = NoiseSchedule.builtin()
        var displayName = "slow"
        var identity: String
        let predictions: Counter
        func predict(_ input: DenoiserInput) throws -> Prediction {
            predictions.add()
            Thread.sleep(forTimeInterval: 0.06)
            return Prediction(noise: input.sample * 0.5, variance: nil)
        }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    let predictions = Counter()

    func model(identity: String = "slow/v1") -> ModelChoice {
        let denoiser = SlowDenoiser(identity: identity, predictions: predictions)
        return ModelChoice(displayName: "slow", components: [ModelComponent(role: "stage I", identity: identity)],
                           schedule: denoiser.schedule, load: { LoadedModel(denoiser: denoiser) })
    }

    /// Stride 330: timesteps 990, 660, 330, 0, so an edit from iStart i takes 3 - i steps.
    func notebook(starts: String, seed: Int = 3, prompt: String = "a cat", guidance: String = "7", extra: String = "") -> String {
        """
        ---
        seed: \(seed)
        parameters:
          starts: \(starts)
        ---
        ```swift
        let photo = rectangleMask(size: 64, x: 8, y: 8, width: 16, height: 16).rgb()
        let edits = starts.map { sdedit(photo, iStart: $0, prompt: "\(prompt)", guidance: \(guidance), stride: 330) }
        ```

        ```swift
        let again = sdedit(photo, iStart: 1, prompt: "\(prompt)", guidance: \(guidance), stride: 330)
        print("same as the first edit:", maxDifference(again, edits[0]))
        \(extra)
        ```
        """
    }

    func testAnAddedItemRunsOneCallAndTheSameCallInAnotherCellRunsNone() throws {
        try write("edits.md", notebook(starts: "[1, 2]"))
        let first = try runNotebooks(model: model())
        // Cell 2 repeats cell 1's first call: served from the call cache, the very same image.
        XCTAssertTrue(first.log.contains { $0.contains("0 of 1 sdedit call ran, 1 reused") }, "\(first.log)")
        XCTAssertTrue(first.log.contains { $0.contains("same as the first edit: 0.0") }, "\(first.log)")
        // Two calls ran: 2 + 1 model passes of batch 2 (conditional and unconditional in one).
        XCTAssertEqual(predictions.value, 3)

        try write("edits.md", notebook(starts: "[1, 2, 0]"))
        let second = try runNotebooks(model: model())
        XCTAssertTrue(second.log.contains { $0.contains("1 of 3 sdedit calls ran, 2 reused") }, "\(second.log)")
        XCTAssertEqual(predictions.value, 3 + 3, "only the new item's 3 steps ran")
    }

    func testTwoIdenticalCallsInACellStayTwoSamplesWhenReused() throws {
        let text = """
        ---
        seed: 3
        ---
        ```swift
        let a = sample(count: 1, prompt: "a cat", steps: 2)
        let b = sample(count: 1, prompt: "a cat", steps: 2)
        print("different:", maxDifference(a, b) > 0)
        ```
        """
        try write("two.md", text)
        let first = try runNotebooks(model: model())
        XCTAssertTrue(first.log.contains { $0.contains("different: true") }, "\(first.log)")
        try write("two.md", text.replacingOccurrences(of: "print(\"different:\"", with: "print(\"still different:\""))
        let second = try runNotebooks(model: model())
        XCTAssertTrue(second.log.contains { $0.contains("0 of 2 sample calls ran, 2 reused") }, "\(second.log)")
        XCTAssertTrue(second.log.contains { $0.contains("still different: true") }, "\(second.log)")
    }

    func testWhatChangesAResultMisses() throws {
        try write("edits.md", notebook(starts: "[1]"))
        try runNotebooks(version: "build A", model: model())
        let base = predictions.value
        func reran(_ text: String, version: String = "build A", model identity: String = "slow/v1") throws -> Bool {
            try write("edits.md", text)
            let before = predictions.value
            try runNotebooks(version: version, model: model(identity: identity))
            return predictions.value > before
        }
        XCTAssertGreaterThan(base, 0)
        XCTAssertTrue(try reran(notebook(starts: "[1]", seed: 4)), "seed")
        XCTAssertTrue(try reran(notebook(starts: "[1]", prompt: "a dog")), "prompt")
        XCTAssertTrue(try reran(notebook(starts: "[1]", guidance: "5")), "guidance")
        XCTAssertTrue(try reran(notebook(starts: "[1]"), model: "slow/v2"), "model")
        XCTAssertTrue(try reran(notebook(starts: "[1]"), version: "build B"), "build")
        // And what does not change it: another cell's edit re-runs that cell, whose call is reused.
        XCTAssertFalse(try reran(notebook(starts: "[1]", extra: "print(1)"), version: "build B"), "an unrelated edit")
    }

    func testADamagedCallEntryIsRecomputedAndFreshIgnoresEntries() throws {
        try write("edits.md", notebook(starts: "[1]"))
        try runNotebooks(model: model())
        // Damage every blob the call entries name: the next run that needs them recomputes.
        let calls = project + "/.noisebook/cache/calls"
        let entries = try FileManager.default.contentsOfDirectory(atPath: calls).filter { $0.hasSuffix(".json") }
        XCTAssertFalse(entries.isEmpty)
        for entry in entries {
            let text = try String(contentsOfFile: calls + "/" + entry, encoding: .utf8)
            for blob in text.components(separatedBy: "\"blob\":\"").dropFirst().map({ String($0.prefix(64)) }) {
                let path = project + "/.noisebook/cache/blobs/\(blob.prefix(2))/\(blob)"
                try Data("damaged".utf8).write(to: URL(fileURLWithPath: path))
            }
        }
        try write("edits.md", notebook(starts: "[1]", extra: "print(2)"))
        var before = predictions.value
        let damaged = try runNotebooks(model: model())
        // Cell 1 (whose own record shares the damaged blob) recomputes the call and writes the
        // entry again; cell 2 is then served the repaired entry.
        let firstCell = try XCTUnwrap(damaged.log.first { $0.contains("cell 1 (line") })
        XCTAssertFalse(firstCell.contains("reused"), "a damaged entry is not served: \(firstCell)")
        XCTAssertEqual(predictions.value, before + 2)
        XCTAssertTrue(damaged.log.contains { $0.contains("same as the first edit: 0.0") }, "\(damaged.log)")

        before = predictions.value
        let fresh = try runNotebooks(fresh: true, model: model())
        XCTAssertFalse(fresh.log.contains { $0.contains("reused") }, "\(fresh.log)")
        XCTAssertEqual(predictions.value, before + 4, "--fresh computes both calls")
    }

    /// `sdedit` over a list of starts makes the calls the map makes, one store entry each, so
    /// either form reuses the other's; the calls it runs share one model pass per timestep.
    func testAListOfStartsIsTheMapsCallsRunTogether() throws {
        func text(_ first: String, _ second: String, seed: Int = 3) -> String {
            """
            ---
            seed: \(seed)
            ---
            ```swift
            let photo = rectangleMask(size: 64, x: 8, y: 8, width: 16, height: 16).rgb()
            let first = \(first)
            ```

            ```swift
            let second = \(second)
            print("largest difference:", [0, 1, 2].map { maxDifference(first[$0], second[$0]) }.max())
            ```
            """
        }
        let list = #"sdedit(photo, iStart: [1, 2, 0], prompt: "a cat", guidance: 7, stride: 330)"#
        let map = #"[1, 2, 0].map { sdedit(photo, iStart: $0, prompt: "a cat", guidance: 7, stride: 330) }"#
        try write("edits.md", text(list, map))
        let run = try runNotebooks(model: model())
        // Stride 330 has three steps; the starts join at steps 1, 2 and 3 (0, then 1, then 2):
        // one pass per step for all of them, not 3 + 2 + 1.
        XCTAssertEqual(predictions.value, 3)
        XCTAssertTrue(run.log.contains { $0.contains("3 sdedit calls ran") }, "\(run.log)")
        XCTAssertTrue(run.log.contains { $0.contains("0 of 3 sdedit calls ran, 3 reused") }, "the map finds the list's entries: \(run.log)")
        XCTAssertTrue(run.log.contains { $0.contains("largest difference: 0.0") }, "\(run.log)")

        // The other way round, under another seed, with one start the map did not make (a second
        // call with start 1 draws the second stream): only it runs.
        let partial = #"sdedit(photo, iStart: [1, 2, 0, 1], prompt: "a cat", guidance: 7, stride: 330)"#
        try write("edits.md", text(#"[1, 2, 0].map { sdedit(photo, iStart: $0, prompt: "a cat", guidance: 7, stride: 330) } + [photo]"#, partial, seed: 4))
        let before = predictions.value
        let again = try runNotebooks(model: model())
        XCTAssertTrue(again.log.contains { $0.contains("1 of 4 sdedit calls ran, 3 reused") }, "\(again.log)")
        XCTAssertEqual(predictions.value, before + 6 + 2, "the map's 3 + 2 + 1 passes, then the repeated start's 2")
        XCTAssertTrue(again.log.contains { $0.contains("largest difference: 0.0") }, "\(again.log)")
    }
}
