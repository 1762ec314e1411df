import Foundation
import Tensor
import Weights
import XCTest

/// A notebook run on an IF-shaped UNet through the DeepFloyd code path: weights from a
/// snapshot folder (`weights:`), prompts from a safetensors embedding file (`embeddings:`).
/// The model is the small diffusers-made fixture of tools/make_if_fixtures.py (16x16,
/// text width 64), so the images mean nothing; the test is about the path, not the pictures.
final class DeepFloydNotebookTests: CommandTestCase {
    private func makeProject() throws -> String {
        let project = try makeIFProject(prompts: ["", "a high quality photo", "a rocket ship"], embeddingSeed: 3, dtype: .f16)
        try """
        ---
        title: IF path
        seed: 4
        model: auto
        weights: ../weights
        embeddings: ../embeddings.safetensors
        ---
        ```swift
        print(modelName())
        ```

        ```swift
        let samples = sampleCFG(count: 2, prompt: "a rocket ship", guidance: 7, steps: 5)
        show(samples, captions: ["one", "two"])
        ```

        ```swift
        let typo = sampleCFG(count: 1, prompt: "a rockt ship", steps: 2)
        ```
        """.write(toFile: project + "/Notebooks/if.md", atomically: true, encoding: .utf8)
        return project
    }

    func testNotebookRunsOnTheDeepFloydPath() throws {
        let project = try makeProject()
        let result = try noisebook(["run", "Notebooks"], in: project)
        XCTAssertEqual(result.status, 65, "the third cell fails on purpose: \(result.err)")
        XCTAssertTrue(result.err.contains("Notebooks/if.md  [DeepFloyd weights (fp32)]"), result.err)
        XCTAssertTrue(result.err.contains("Notebooks/if.md:18:40: error: no embedding"), result.err)
        XCTAssertTrue(result.err.contains("no embedding for prompt 'a rockt ship'"), result.err)
        XCTAssertTrue(result.err.contains("closest: 'a rocket ship'"), result.err)
        let page = try String(contentsOfFile: project + "/Output/if.html", encoding: .utf8)
        XCTAssertTrue(page.contains("DeepFloyd"))
        let images = try FileManager.default.contentsOfDirectory(atPath: project + "/Output/images").filter { $0.hasSuffix(".png") }
        XCTAssertEqual(images.count, 2)
        for name in images {
            let sidecar = try String(contentsOfFile: project + "/Output/images/" + name.replacingOccurrences(of: ".png", with: ".json"), encoding: .utf8)
            XCTAssertTrue(sidecar.contains("\"prompt\" : \"a rocket ship\""), sidecar)
            XCTAssertTrue(sidecar.contains("\"steps\" : \"5\""), sidecar)
        }
        // The model's identity is in the sampling cell's key: a rerun reuses it.
        let again = try noisebook(["run", "Notebooks"], in: project)
        XCTAssertTrue(again.err.contains("2 cached, 0 ran, 1 failed"), again.err)
    }

    /// `--precision bf16` (or `precision: bf16`): the UNet's products on the bf16 kernel
    /// (the portable one, forced, so that this runs on every CPU), named in the log and on
    /// the page, and keyed apart from fp32's results.
    func testBFloat16PrecisionRunsAndIsKeyedApart() throws {
        let project = try makeProject()
        let portable = ["NOISEBOOK_BF16_KERNEL": "portable"]
        let fp32 = try noisebook(["run", "Notebooks"], in: project)
        XCTAssertEqual(fp32.status, 65, fp32.err)
        let bf16 = try noisebook(["run", "Notebooks", "--precision", "bf16"], in: project, environment: portable)
        XCTAssertEqual(bf16.status, 65, "the third cell fails on purpose: \(bf16.err)")
        XCTAssertTrue(bf16.err.contains("[DeepFloyd weights (fp32), bf16 products]"), bf16.err)
        XCTAssertTrue(bf16.err.contains("0 cached, 2 ran, 1 failed"), "bf16 results are not fp32's: \(bf16.err)")
        let page = try String(contentsOfFile: project + "/Output/if.html", encoding: .utf8)
        XCTAssertTrue(page.contains("bf16 products"))
        // The same choice from the front matter is the same model: everything is cached.
        let notebook = project + "/Notebooks/if.md"
        let text = try String(contentsOfFile: notebook, encoding: .utf8)
        try text.replacingOccurrences(of: "model: auto\n", with: "model: auto\nprecision: bf16\n")
            .write(toFile: notebook, atomically: true, encoding: .utf8)
        let fromFrontMatter = try noisebook(["run", "Notebooks"], in: project, environment: portable)
        XCTAssertTrue(fromFrontMatter.err.contains("2 cached, 0 ran, 1 failed"), fromFrontMatter.err)
    }

    func testBFloat16IsRefusedClearlyWhereItCannotRun() throws {
        let project = try makeProject()
        let unknown = try noisebook(["run", "Notebooks", "--precision", "bf61"], in: project)
        XCTAssertEqual(unknown.status, 64, unknown.err)
        XCTAssertTrue(unknown.err.contains("unknown precision 'bf61'; did you mean 'bf16'? (expected fp32 or bf16)"), unknown.err)
        let badKernel = try noisebook(["run", "Notebooks", "--precision", "bf16"], in: project,
                                      environment: ["NOISEBOOK_BF16_KERNEL": "avx2"])
        XCTAssertEqual(badKernel.status, 64, badKernel.err)
        XCTAssertTrue(badKernel.err.contains("NOISEBOOK_BF16_KERNEL=avx2: expected auto, avx512 or portable"), badKernel.err)
        if !BFloat16Kernel.avx512.isRunnable {
            let refused = try noisebook(["run", "Notebooks", "--precision", "bf16"], in: project)
            XCTAssertEqual(refused.status, 64, refused.err)
            XCTAssertTrue(refused.err.contains("precision bf16 needs a CPU with AVX512-BF16 instructions"), refused.err)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: project + "/Output/if.html"), "nothing written on a refusal")
    }
}

/// A classifier-free-guided loop written in a cell from the model's primitives gives, on an
/// IF-shaped model, exactly the image of the built-in `iterativeDenoiseCFG` with the same
/// numbered noise. The loop is notebook 1.6's own cell, read from the notebook.
final class CellLoopTests: CommandTestCase {
    /// Notebook 1.6's `func guidedLoop` (its first line to the closing brace at column 0).
    static func guidedLoopCell() throws -> String {
        let notebook = try String(contentsOfFile: root + "/Notebooks/1.6-classifier-free-guidance.md", encoding: .utf8)
        let lines = notebook.split(separator: "\n", omittingEmptySubsequences: false)
        let first = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("func guidedLoop(") }, "notebook 1.6 declares guidedLoop")
        let last = try XCTUnwrap(lines[first...].firstIndex { $0 == "}" }, "guidedLoop ends with a closing brace at column 0")
        return lines[first...last].joined(separator: "\n")
    }

    func testACellWrittenCFGLoopEqualsTheBuiltIn() throws {
        let project = try makeIFProject(prompts: ["", "a rocket ship"], embeddingSeed: 9, dtype: .f32)
        try """
        ---
        title: Own loop
        seed: 12
        weights: ../weights
        embeddings: ../embeddings.safetensors
        ---
        ```swift
        \(try Self.guidedLoopCell())
        ```

        ```swift
        let start = forward(rectangleMask(size: 16, x: 3, y: 3, width: 8, height: 8).rgb(), t: 600, seed: 1)
        let mine = guidedLoop(start, iStart: 26, prompt: "a rocket ship", guidance: 7, seed: 2)
        let theirs = iterativeDenoiseCFG(start, iStart: 26, prompt: "a rocket ship", guidance: 7, seed: 2)
        print("difference", maxDifference(mine, theirs))
        print("change", maxDifference(mine, start) > 0)
        ```
        """.write(toFile: project + "/Notebooks/loop.md", atomically: true, encoding: .utf8)
        let result = try noisebook(["run", "Notebooks"], in: project)
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(result.err.contains("| difference 0.0"), result.err)
        XCTAssertTrue(result.err.contains("| change true"), result.err)
    }
}

/// `model: trained` runs a notebook on a model folder in the training script's format (the
/// tiny random-weight fixture of tools/train/train.py --export-random), through the same
/// loader, UNet and sampler as DeepFloyd IF.
final class TrainedNotebookTests: CommandTestCase {
    func testANotebookRunsOnTheTrainedFormat() throws {
        let project = scratch + "/project"
        try FileManager.default.createDirectory(atPath: project + "/Notebooks", withIntermediateDirectories: true)
        try """
        ---
        title: Trained
        seed: 2
        model: trained
        weights: \(Self.root)/Tests/noisebookTests/Fixtures/trained-tiny
        ---
        ```swift
        print(modelName())
        let s = sampleCFG(count: 2, prompt: "red apple xyzzy", guidance: 3, steps: 4)
        show(s, captions: ["one", "two"])
        print(s[0].width)
        ```
        """.write(toFile: project + "/Notebooks/trained.md", atomically: true, encoding: .utf8)
        let result = try noisebook(["run", "Notebooks"], in: project)
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(result.err.contains("| trained UNet (fp16)"), result.err)
        XCTAssertTrue(result.err.contains("| note: the trained model does not know 'xyzzy'"), result.err)
        XCTAssertTrue(result.err.contains("| 32"), "the model samples at its own size: \(result.err)")
        let page = try String(contentsOfFile: project + "/Output/trained.html", encoding: .utf8)
        XCTAssertTrue(page.contains("does not know &#39;xyzzy&#39;"), "the unknown word is named on the page")
    }
}
