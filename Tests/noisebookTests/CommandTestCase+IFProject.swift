import Foundation
import Tensor
import Weights

extension CommandTestCase {
    /// A project folder in the scratch folder with an IF-shaped stage I in `weights/` (the
    /// diffusers-made tiny-a fixture of tools/make_if_fixtures.py: 16x16, text width 64, with
    /// the scheduler of tools/make_sampling_fixtures.py), random prompt embeddings for
    /// `prompts` in `embeddings.safetensors`, and an empty `Notebooks/`.
    func makeIFProject(prompts: [String], embeddingSeed: UInt64, dtype: DType) throws -> String {
        let fixtures = Self.root + "/Tests/DeepFloydTests/Fixtures"
        let project = scratch + "/project"
        let files = FileManager.default
        for folder in ["weights/unet", "weights/scheduler", "Notebooks"] {
            try files.createDirectory(atPath: project + "/" + folder, withIntermediateDirectories: true)
        }
        try files.copyItem(atPath: fixtures + "/tiny-a/config.json", toPath: project + "/weights/unet/config.json")
        try files.copyItem(atPath: fixtures + "/tiny-a/diffusion_pytorch_model.safetensors",
                           toPath: project + "/weights/unet/diffusion_pytorch_model.safetensors")
        try files.copyItem(atPath: fixtures + "/loop/scheduler_config.json", toPath: project + "/weights/scheduler/scheduler_config.json")
        var random = SeededRandom(seed: embeddingSeed)
        var embeddings = [String: Tensor]()
        for prompt in prompts { embeddings[prompt] = random.normal(shape: [1, 77, 64]) }
        try SafetensorsWriter.write(embeddings, to: project + "/embeddings.safetensors", dtype: dtype)
        return project
    }
}
