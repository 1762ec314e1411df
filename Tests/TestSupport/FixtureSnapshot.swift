import Foundation

/// A diffusers-made UNet fixture of `Tests/DeepFloydTests/Fixtures` (tools/make_if_fixtures.py,
/// tools/make_stage2_fixtures.py) laid out as a model snapshot folder, the shape the weights
/// locator finds: `unet/config.json`, the weights file, and the scheduler of
/// tools/make_sampling_fixtures.py in `scheduler/scheduler_config.json`.
public enum FixtureSnapshot {
    /// The DeepFloyd test fixtures in the source tree.
    public static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("DeepFloydTests/Fixtures").path

    /// Copies fixture `model` (e.g. "tiny-a", "stage2/sr-a") with `weightsFile` into
    /// `folder` (created) as a snapshot.
    public static func layOut(model: String, weightsFile: String, into folder: String) throws {
        let files = FileManager.default
        try files.createDirectory(atPath: folder + "/unet", withIntermediateDirectories: true)
        try files.createDirectory(atPath: folder + "/scheduler", withIntermediateDirectories: true)
        try files.copyItem(atPath: "\(fixtures)/\(model)/config.json", toPath: folder + "/unet/config.json")
        try files.copyItem(atPath: "\(fixtures)/\(model)/\(weightsFile)", toPath: folder + "/unet/" + weightsFile)
        try files.copyItem(atPath: "\(fixtures)/loop/scheduler_config.json", toPath: folder + "/scheduler/scheduler_config.json")
    }
}
