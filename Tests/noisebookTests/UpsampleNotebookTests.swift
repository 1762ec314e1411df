import DeepFloyd
import Foundation
import Tensor
import Weights
import XCTest

/// `upsample` end to end on an IF-shaped pair: stage I is the diffusers-made tiny-a fixture of
/// tools/make_if_fixtures.py (16x16, text width 64); stage II is a stage-II-shaped UNet with
/// the configuration of tools/make_stage2_fixtures.py's sr-a (32x32, 6 input channels, class
/// labels) widened to the same text width, with deterministic random weights. Its parity
/// with diffusers is StageTwoTests' job; this test is about the notebook path.
final class UpsampleNotebookTests: CommandTestCase {
    private func makeProject() throws -> String {
        let fixtures = Self.root + "/Tests/DeepFloydTests/Fixtures"
        let project = try makeIFProject(prompts: ["", "a rocket ship"], embeddingSeed: 3, dtype: .f32)
        let files = FileManager.default
        for folder in ["weights2/unet", "weights2/scheduler", "weights2/image_noising_scheduler"] {
            try files.createDirectory(atPath: project + "/" + folder, withIntermediateDirectories: true)
        }
        var config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixtures + "/stage2/sr-a/config.json"))) as? [String: Any])
        config["encoder_hid_dim"] = 64
        let configData = try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys])
        try configData.write(to: URL(fileURLWithPath: project + "/weights2/unet/config.json"))
        let random = try RandomWeights(config: try UNetConfig(json: configData), seed: 11)
        var tensors = [String: Tensor]()
        for name in random.names { tensors[name] = try random.tensor(named: name) }
        try SafetensorsWriter.write(tensors, to: project + "/weights2/unet/diffusion_pytorch_model.safetensors", dtype: .f32)
        try files.copyItem(atPath: fixtures + "/stage2/loop/scheduler_config.json", toPath: project + "/weights2/scheduler/scheduler_config.json")
        try files.copyItem(atPath: fixtures + "/stage2/loop/image_noising_scheduler_config.json",
                           toPath: project + "/weights2/image_noising_scheduler/scheduler_config.json")
        return project
    }

    func testUpsampleRunsOnAnIFShapedPair() throws {
        let project = try makeProject()
        try """
        ---
        title: Upsampled
        seed: 4
        weights: ../weights
        weights2: ../weights2
        embeddings: ../embeddings.safetensors
        ---
        ```swift
        print("has", hasUpsampler())
        let small = sampleCFG(prompt: "a rocket ship", steps: 3)
        let big = upsample(small, prompt: "a rocket ship", steps: 4)
        print(small.width, big.width, big.height)
        show([small, big], captions: ["16", "32"])
        ```

        ```swift
        let again = upsample(small, prompt: "a rocket ship", noiseLevel: 1000)
        ```
        """.write(toFile: project + "/Notebooks/up.md", atomically: true, encoding: .utf8)
        let result = try noisebook(["run", "Notebooks"], in: project)
        XCTAssertEqual(result.status, 65, "the second cell fails on purpose: \(result.err)")
        XCTAssertTrue(result.err.contains("| has true"), result.err)
        XCTAssertTrue(result.err.contains("| 16 32 32"), "stage II makes images of its own side: \(result.err)")
        XCTAssertTrue(result.err.contains("up.md:17:66: error: noiseLevel must be in 0...999, got 1000"), result.err)
        let images = try FileManager.default.contentsOfDirectory(atPath: project + "/Output/images").filter { $0.hasSuffix(".json") }
        let sidecars = try images.map { try String(contentsOfFile: project + "/Output/images/" + $0, encoding: .utf8) }
        XCTAssertTrue(sidecars.contains { $0.contains("upsample(noiseLevel: 250") && $0.contains("\"steps\" : \"4\"") }, sidecars.joined())
        // Each image is shown at its own size (small images enlarged 3x), side by side.
        let page = try String(contentsOfFile: project + "/Output/up.html", encoding: .utf8)
        XCTAssertTrue(page.contains("alt=\"16\"") && page.contains("width=\"48\" height=\"48\""), page)
        XCTAssertTrue(page.contains("alt=\"32\"") && page.contains("width=\"96\" height=\"96\""), page)

        // Stage II is keyed apart from stage I: the whole first cell is served from the cache.
        let again = try noisebook(["run", "Notebooks"], in: project)
        XCTAssertTrue(again.err.contains("1 cached, 0 ran, 1 failed"), again.err)
    }

    func testWithoutStageIIUpsampleSaysWhatToDownload() throws {
        let project = scratch + "/project"
        try FileManager.default.createDirectory(atPath: project + "/Notebooks", withIntermediateDirectories: true)
        try """
        ---
        title: No stage II
        model: builtin
        ---
        ```swift
        print("has", hasUpsampler())
        ```

        ```swift
        let big = upsample(sample(steps: 2), prompt: "a dog")
        ```
        """.write(toFile: project + "/Notebooks/none.md", atomically: true, encoding: .utf8)
        let result = try noisebook(["run", "Notebooks"], in: project)
        XCTAssertEqual(result.status, 65, result.err)
        XCTAssertTrue(result.err.contains("| has false"), result.err)
        XCTAssertTrue(result.err.contains("none.md:10:11: error: no stage II model for built-in emoji model"), result.err)
        XCTAssertTrue(result.err.contains("IF-II-L-v1.0"), result.err)
    }
}
