import Diffusion
import Foundation
import Pipeline
import Tensor
import XCTest

/// What a cached result is keyed on: the build of noisebook that computed it, and the
/// identity of each piece of host state the cell's built-ins read (the model, the schedule).
final class CacheKeyTests: RunnerTestCase {
    /// A model that predicts no noise, under `identity`, with `schedule`.
    struct ZeroDenoiser: Denoiser {
        var schedule: NoiseSchedule
        var displayName = "zero"
        var identity: String
        func predict(_ input: DenoiserInput) throws -> Prediction {
            Prediction(noise: Tensor(zeros: input.sample.shape), variance: nil)
        }
    }

    func model(identity: String, schedule: NoiseSchedule = .builtin()) -> ModelChoice {
        let denoiser = ZeroDenoiser(schedule: schedule, identity: identity)
        return ModelChoice(displayName: "zero", components: [ModelComponent(role: "stage I", identity: identity),
                                                             ModelComponent(role: "schedule", identity: ModelChoice.identity(of: schedule))],
                           schedule: schedule, load: { LoadedModel(denoiser: denoiser) })
    }

    static let notebook = """
    ---
    title: keys
    seed: 3
    ---
    ```swift
    let mask = rectangleMask(size: 64, x: 8, y: 8, width: 16, height: 16).rgb()
    print(mask.width)
    ```

    ```swift
    let noisy = forward(mask, t: 500)
    ```

    ```swift
    let name = modelName()
    ```
    """

    /// The verdict word ("hit", "miss") and detail of each cell line of a run's log.
    private func verdicts(_ log: [String]) -> [String] {
        log.filter { $0.contains("cell ") }.map { line in
            line.contains(" hit ") ? "hit" : (line.range(of: "(", options: .backwards).map { String(line[$0.lowerBound...]) } ?? line)
        }
    }

    func testAnotherBuildOfNoisebookRecomputesEverything() throws {
        // A changed built-in means a changed executable, so a different version string.
        try write("keys.md", Self.notebook)
        try runNotebooks(version: "build A", model: model(identity: "m1"))
        XCTAssertEqual(verdicts(try runNotebooks(version: "build A", model: model(identity: "m1")).log), ["hit", "hit", "hit"])
        XCTAssertEqual(verdicts(try runNotebooks(version: "build B", model: model(identity: "m1")).log),
                       Array(repeating: "(noisebook version changed)", count: 3))
    }

    func testModelIdentityReachesOnlyCellsThatRunTheModel() throws {
        try write("keys.md", Self.notebook)
        try runNotebooks(model: model(identity: "m1"))
        XCTAssertEqual(verdicts(try runNotebooks(model: model(identity: "m2")).log), ["hit", "hit", "(model changed)"])
    }

    func testScheduleIdentityReachesCellsThatReadTheSchedule() throws {
        try write("keys.md", Self.notebook)
        try runNotebooks(model: model(identity: "m1"))
        var configuration = NoiseSchedule.builtin().configuration
        configuration.trainTimesteps = 1000
        let other = NoiseSchedule.squaredCosine(steps: 1000, maxBeta: 0.5, configuration: configuration)
        // The model's own identity is the same; only its schedule differs.
        let log = try runNotebooks(model: model(identity: "m1", schedule: other)).log
        XCTAssertEqual(verdicts(log), ["hit", "(noise schedule changed)", "(model changed)"])
    }
}
