import Tensor
import TestSupport
import XCTest

@testable import Weights

/// Prompt embeddings from prompts.pth and embeddings.safetensors (tools/make_weights_fixtures.py).
final class PromptEmbeddingsTests: XCTestCase {
    func testLoadsEitherFormatByItsMagicBytes() throws {
        let fromTorch = try PromptEmbeddings.load(try Fixtures.path("prompts.pth"))
        let fromSafetensors = try PromptEmbeddings.load(try Fixtures.path("embeddings.safetensors"))
        XCTAssertEqual(fromTorch.prompts, ["a photo of a dog", "a rocket ship", "an oil painting of a snowy mountain village"])
        XCTAssertEqual(fromSafetensors.prompts, fromTorch.prompts.sorted())
        for prompt in fromTorch.prompts {
            let embedding = try fromTorch.lookup(prompt)
            XCTAssertEqual(embedding.shape, [1, 77, 8])
            XCTAssertEqual(try fromSafetensors.lookup(prompt), embedding, "the same fp16 values in both files")
        }
    }

    func testUnknownPromptSuggestsTheClosestThree() throws {
        let path = try Fixtures.path("prompts.pth")
        let embeddings = try PromptEmbeddings.load(path)
        assertMessage("no embedding for prompt 'a photo of a dgo' in \(path); closest: 'a photo of a dog', 'an oil painting of a snowy mountain village', 'a rocket ship'") {
            try embeddings.lookup("a photo of a dgo")
        }
        XCTAssertEqual(embeddings.closest(to: "an oil painting of a village", limit: 1), ["an oil painting of a snowy mountain village"])
        XCTAssertEqual(embeddings.closest(to: "rocket ship", limit: 1), ["a rocket ship"])
    }

    func testEmptyCollectionSaysSo() {
        let none = PromptEmbeddings(file: "x.pth", entries: [])
        assertMessage("no embedding for prompt 'a' in x.pth; the file holds no prompts") { try none.lookup("a") }
    }
}
