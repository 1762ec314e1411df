import Foundation
import Tensor
import Weights
import XCTest

/// Any prompt on the DeepFloyd path: an IF-shaped stage I (tiny-a of tools/make_if_fixtures.py,
/// text width 64) in a snapshot that also holds a T5 encoder of the same width and its
/// tokenizer (Tests/noisebookTests/Fixtures/encode, made by tools/make_encode_fixtures.py).
/// The images mean nothing; the test is about where embeddings come from.
final class PromptEncodingNotebookTests: CommandTestCase {
    private func makeProject(withEncoder: Bool) throws -> String {
        let project = try makeIFProject(prompts: ["", "a rocket ship"], embeddingSeed: 3, dtype: .f32)
        if withEncoder {
            let encoder = Self.root + "/Tests/noisebookTests/Fixtures/encode/snapshot"
            for folder in ["text_encoder", "tokenizer"] {
                try FileManager.default.copyItem(atPath: encoder + "/" + folder, toPath: project + "/weights/" + folder)
            }
        }
        try """
        ---
        title: Any prompt
        seed: 4
        weights: ../weights
        embeddings: ../embeddings.safetensors
        ---
        ```swift
        let stored = sampleCFG(prompt: "a rocket ship", steps: 3)
        let encoded = sampleCFG(prompt: "A Watercolor of a Lighthouse", steps: 3)
        show([stored, encoded], captions: ["stored", "encoded"])
        ```
        """.write(toFile: project + "/Notebooks/any.md", atomically: true, encoding: .utf8)
        return project
    }

    private func sidecars(_ project: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: project + "/Output/images").filter { $0.hasSuffix(".json") }
        return try names.map { try String(contentsOfFile: project + "/Output/images/" + $0, encoding: .utf8) }
    }

    func testAPromptNoFileHoldsIsEncodedOnceAndSaysSo() throws {
        let project = try makeProject(withEncoder: true)
        let result = try noisebook(["run", "Notebooks"], in: project)
        XCTAssertEqual(result.status, 0, result.err)
        let first = try sidecars(project)
        XCTAssertTrue(first.contains { $0.contains("\"prompt\" : \"A Watercolor of a Lighthouse\"") && $0.contains("\"embedding\" : \"T5 encoder of weights\"") },
                      first.joined())
        XCTAssertTrue(first.contains { $0.contains("\"prompt\" : \"a rocket ship\"") && $0.contains("\"embedding\" : \"embeddings.safetensors\"") },
                      first.joined())
        let page = try String(contentsOfFile: project + "/Output/any.html", encoding: .utf8)
        XCTAssertTrue(page.contains("(embedding: T5 encoder of weights)"), "the provenance line says where the embedding came from")

        // One prompt encoded ("" is in the file), kept under .noisebook/prompts.
        let store = project + "/.noisebook/prompts"
        let stored = try FileManager.default.contentsOfDirectory(atPath: store)
        XCTAssertEqual(stored.count, 1, "\(stored)")
        let file = try SafetensorsFile(path: store + "/" + stored[0])
        XCTAssertEqual(file.metadata["prompt"], "a watercolor of a lighthouse", "IF lower-cases and trims before encoding")
        XCTAssertEqual(try file.tensor(named: "embedding").shape, [77, 64])
        let written = try FileManager.default.attributesOfItem(atPath: store + "/" + stored[0])[.modificationDate] as? Date

        // A fresh run re-samples but reads the stored embedding instead of encoding again.
        let fresh = try noisebook(["run", "Notebooks", "--fresh"], in: project)
        XCTAssertEqual(fresh.status, 0, fresh.err)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: store + "/" + stored[0])[.modificationDate] as? Date, written)
        XCTAssertEqual(try sidecars(project).sorted(), first.sorted(), "the same embeddings give the same images")
    }

    func testWithoutAnEmbeddingsFileTheEncoderMakesEveryPrompt() throws {
        let project = try makeProject(withEncoder: true)
        let notebook = project + "/Notebooks/any.md"
        let text = try String(contentsOfFile: notebook, encoding: .utf8).replacingOccurrences(of: "embeddings: ../embeddings.safetensors\n", with: "")
        try text.write(toFile: notebook, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: project + "/embeddings.safetensors")
        let result = try noisebook(["run", "Notebooks"], in: project)
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(try sidecars(project).allSatisfy { !$0.contains("\"prompt\"") || $0.contains("\"embedding\" : \"T5 encoder of weights\"") })
        // "a rocket ship", "a watercolor of a lighthouse" and the unconditional "".
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: project + "/.noisebook/prompts").count, 3)
    }

    func testWithoutAnEncoderAnUnknownPromptSaysWhatToDownload() throws {
        let project = try makeProject(withEncoder: false)
        let result = try noisebook(["run", "Notebooks"], in: project)
        XCTAssertEqual(result.status, 65, result.err)
        XCTAssertTrue(result.err.contains("any.md:9:"), result.err)
        XCTAssertTrue(result.err.contains("no embedding for prompt 'A Watercolor of a Lighthouse'"), result.err)
        XCTAssertTrue(result.err.contains("closest: 'a rocket ship'"), result.err)
        XCTAssertTrue(result.err.contains("download the text encoder (text_encoder/ and tokenizer/"), result.err)
    }
}
