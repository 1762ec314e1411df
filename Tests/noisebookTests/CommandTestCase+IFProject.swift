import Foundation
import Tensor
import TestSupport
import Weights

extension CommandTestCase {
    /// A project folder in the scratch folder with an IF-shaped stage I in `weights/` (the
    /// diffusers-made tiny-a fixture of tools/make_if_fixtures.py: 16x16, text width 64, with
    /// the scheduler of tools/make_sampling_fixtures.py), random prompt embeddings for
    /// `prompts` in `embeddings.safetensors`, and an empty `Notebooks/`.
    func makeIFProject(prompts: [String], embeddingSeed: UInt64, dtype: DType) throws -> String {
        let project = scratch + "/project"
        try FileManager.default.createDirectory(atPath: project + "/Notebooks", withIntermediateDirectories: true)
        try FixtureSnapshot.layOut(model: "tiny-a", weightsFile: "diffusion_pytorch_model.safetensors", into: project + "/weights")
        var random = SeededRandom(seed: embeddingSeed)
        var embeddings = [String: Tensor]()
        for prompt in prompts { embeddings[prompt] = random.normal(shape: [1, 77, 64]) }
        try SafetensorsWriter.write(embeddings, to: project + "/embeddings.safetensors", dtype: dtype)
        return project
    }
}
