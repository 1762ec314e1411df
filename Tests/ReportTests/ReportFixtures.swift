import Diffusion
import Report

/// Sample pages and index entries shared by the golden and escaping tests.
enum ReportFixtures {
    /// A page with every kind of block, status, output and illusion view.
    static let forwardProcess = PageInput(
        fileName: "1.1-forward-process.html",
        title: "1.1 The forward process",
        notebookPath: "Notebooks/1.1-forward-process.md",
        modelName: "built-in emoji model (ls-1)",
        seed: 180,
        blocks: [
            .prose(markdown: """
            # The forward process
            We add noise: $x_t = \\sqrt{\\bar\\alpha_t} x_0 + \\sqrt{1 - \\bar\\alpha_t}\\,\\epsilon$ where
            $\\epsilon \\sim \\mathcal{N}(0, \\mathbf{I})$.

            $$
            q(x_t \\mid x_0) = \\mathcal{N}\\left(x_t; \\sqrt{\\bar{\\alpha}_t} x_0, (1 - \\bar{\\alpha}_t)\\mathbf{I}\\right)
            $$

            - **Look for**: more noise at larger *t*.
            - See [the schedule](#cell-2) and `noise_levels`.
            """),
            .cell(CellReport(
                index: 0, source: "let tower = loadImage(\"images/campanile.png\")\nshow(tower, caption: \"Campanile\")",
                line: 12, status: .cached(3.24), cacheNote: "hit",
                outputs: [.figure(Figure(images: [
                    FigureImage(src: "images/3f2a.png", caption: "Campanile", width: 64, height: 64,
                                provenance: "built-in emoji model (ls-1) · seed 180"),
                ], title: nil, columns: nil))])),
            .cell(CellReport(
                index: 1, source: "for t in noiseLevels {\n  show(forward(tower, t), caption: \"t = \\(t)\")\n}\nprint(\"done\")",
                line: 20, status: .executed(12.5), cacheNote: "miss: source edited",
                outputs: [
                    .figure(Figure(images: [250, 500, 750].map { t in
                        FigureImage(src: "images/noisy-\(t).png", caption: "t = \(t)", width: 64, height: 64,
                                    provenance: "built-in emoji model (ls-1) · seed 180 · t \(t)")
                    }, title: "Noisy Campanile", columns: 3)),
                    .text("done"),
                ])),
            .prose(markdown: "## Anagrams\nFlip each image to see its second reading."),
            .cell(CellReport(
                index: 2, source: "show(anagram(\"an oil painting of people around a campfire\", \"an oil painting of an old man\"))",
                line: 31, status: .executed(75), cacheNote: "miss: parameters changed",
                outputs: [.figure(Figure(images: [
                    FigureImage(src: "images/anagram.png", caption: "campfire / old man", width: 64, height: 64,
                                provenance: "IF-I-L · \"an oil painting of people around a campfire\" · seed 180 · 30 steps",
                                view: .flip),
                    FigureImage(src: "images/rot.png", caption: "rotated", width: 64, height: 64,
                                provenance: "IF-I-L · seed 180", view: .rotate90),
                    FigureImage(src: "images/neg.png", caption: "negated", width: 256, height: 256,
                                provenance: "IF-I-L · seed 180", view: .negate),
                ], title: "Visual anagrams", columns: nil))])),
            .cell(CellReport(
                index: 3, source: "let x = undefinedThing", line: 40, status: .failed(0.04), cacheNote: "miss: not cached",
                error: "Notebooks/1.1-forward-process.md:40:9: error: unknown name 'undefinedThing'\n    let x = undefinedThing\n            ^~~~~~~~~~~~~~")),
            .cell(CellReport(
                index: 4, source: "show(x)", line: 44, status: .skipped, cacheNote: "depends on failed cell 4",
                error: "skipped: cell 4 failed")),
        ],
        generatedNote: "noisebook 0.1.0")

    /// A page with no cells and no seed.
    static let proseOnly = PageInput(
        fileName: "0-intro.html", title: "Introduction", notebookPath: "Notebooks/0-intro.md",
        modelName: "DeepFloyd IF-I-L v1.0 (fp16)", seed: nil,
        blocks: [.prose(markdown: "Just prose.\n\n> A quote with `code`.\n\n---\n\n1. one\n2. two")],
        generatedNote: nil)

    /// The index's cards.
    static let entries = [
        IndexEntry(fileName: "1.1-forward-process.html", title: "1.1 The forward process", part: "1.1",
                   thumbnail: "images/3f2a.png", modelName: "built-in emoji model (ls-1)", seed: 180,
                   cellCount: 5, failedCells: 2),
        IndexEntry(fileName: "1.2-denoising.html", title: "1.2 Classical denoising", part: "1.2",
                   thumbnail: nil, modelName: "DeepFloyd IF-I-L v1.0 (fp16)", seed: nil,
                   cellCount: 1, failedCells: 0),
    ]
}

/// Page controls for the fixtures, from the model's own view table.
extension ViewControl {
    static func of(_ view: ImageView) -> ViewControl { ViewControl(name: view.rawValue, label: view.label, css: view.css) }
    static let flip = of(.flip)
    static let rotate90 = of(.rotate90)
    static let negate = of(.negate)
}
