import Foundation
import Pipeline
import TestSupport
import Weights
import XCTest

/// A model's identity, which cache keys carry, changes with everything that changes what it
/// computes: the UNet configuration, the weights and the scheduler configuration.
final class ModelIdentityTests: XCTestCase {
    /// The IF-shaped fixture of the DeepFloyd tests, laid out as a snapshot folder.
    private func snapshot() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("identity-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        try FixtureSnapshot.layOut(model: "tiny-a", weightsFile: "diffusion_pytorch_model.safetensors", into: folder)
        return folder
    }

    private func found(_ folder: String) throws -> FoundModel {
        try XCTUnwrap(try WeightsLocator().resolve(explicit: folder, preferred: nil))
    }

    func testSchedulerConfigurationChangesTheIdentity() throws {
        let folder = try snapshot()
        let before = ModelLoader.identity(try found(folder))
        XCTAssertEqual(ModelLoader.identity(try found(folder)), before, "stable while nothing changes")
        let path = folder + "/scheduler/scheduler_config.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"thresholding\": true", with: "\"thresholding\": false").write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try String(contentsOfFile: path, encoding: .utf8), text, "the fixture names thresholding")
        XCTAssertNotEqual(ModelLoader.identity(try found(folder)), before)
    }

    func testUNetConfigurationChangesTheIdentity() throws {
        let folder = try snapshot()
        let before = ModelLoader.identity(try found(folder))
        let path = folder + "/unet/config.json"
        try (try String(contentsOfFile: path, encoding: .utf8) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(ModelLoader.identity(try found(folder)), before)
    }

    func testTheChoiceCarriesTheSchedulerBeforeLoading() throws {
        let folder = try snapshot()
        let schedule = try ModelLoader.schedule(try found(folder))
        XCTAssertTrue(schedule.configuration.thresholding, "IF's scheduler_config.json, read without the weights")
    }
}
