import JSON
import Bindings
import Charts
import Pipeline
import Diffusion
import Foundation
import Notebook
import Report

/// The submission site in the output folder: one page per notebook, content-addressed
/// images with provenance sidecars, and the index. Every file is written atomically.
final class Site {
    let folder: String
    private var entries: [String: IndexEntry] = [:]
    private var order: [String] = []

    /// The remembered index entries, so running one notebook keeps the others listed.
    private var manifestPath: String { folder + "/.pages.json" }

    private struct StoredEntry: Codable {
        var fileName: String, title: String, part: String, thumbnail: String?
        var modelName: String, seed: UInt64?, cellCount: Int, failedCells: Int
        /// The image files the page uses (nil in manifests written before they were listed).
        var images: [String]?
        /// The image files its last version without a failure showed (kept while it fails).
        var goodImages: [String]?
        /// The deliverables the page answers (nil in manifests written before they were kept).
        var answers: [DeliverableAnswer]?
    }

    /// The image files (`<sha>.png`) each remembered page uses, by page file name; a page
    /// from an older manifest that did not list them is absent.
    var pageImages: [String: Set<String>] = [:]
    /// Whether every remembered page's images are known, so unused files can be removed.
    var imagesKnown = true
    /// The images (`<sha>`) of each page's last version in which nothing failed: a failed
    /// run keeps them in the folder and shows them, marked, on the page.
    var goodImages: [String: Set<String>] = [:]
    /// The pages published from their notebooks in this run.
    private var published = Set<String>()
    /// The deliverables each page answers, by page file name, in page order.
    var answers: [String: [DeliverableAnswer]] = [:]
    /// The notebooks' deliverables table, when they have one: the index shows coverage.
    var deliverableTable: DeliverableTable?

    /// Whether pages carry their images inline (`data:` URLs), so each page is one
    /// self-contained file; the image files and sidecars are still written.
    private let embedImages: Bool

    /// Whether pages are for handing in (no cache badges or timings).
    private let submission: Bool

    init(folder: String, embedImages: Bool = false, submission: Bool = false) throws {
        self.folder = folder
        self.embedImages = embedImages
        self.submission = submission
        do {
            try FileManager.default.createDirectory(atPath: folder + "/images", withIntermediateDirectories: true)
        } catch {
            throw RunnerError.io(path: folder, message: "cannot create the output folder: \(error.localizedDescription)")
        }
        if let data = FileManager.default.contents(atPath: manifestPath),
           let stored = try? JSONDecoder().decode([StoredEntry].self, from: data) {
            for entry in stored where FileManager.default.fileExists(atPath: folder + "/" + entry.fileName) {
                if let images = entry.images { pageImages[entry.fileName] = Set(images) } else { imagesKnown = false }
                if let good = entry.goodImages { goodImages[entry.fileName] = Set(good) }
                answers[entry.fileName] = entry.answers ?? []
                remember(IndexEntry(fileName: entry.fileName, title: entry.title, part: entry.part,
                                    thumbnail: entry.thumbnail, modelName: entry.modelName, seed: entry.seed,
                                    cellCount: entry.cellCount, failedCells: entry.failedCells))
            }
        }
    }

    /// Copies the notebook's images into the site and builds its page.
    func publish(document: NotebookDocument, outcomes: [CellOutcome], model: ModelChoice, cache: CellCache) throws -> PageInput {
        let fileName = Self.pageName(for: document.path)
        var outcomeByIndex = [Int: CellOutcome]()
        for outcome in outcomes { outcomeByIndex[outcome.cell.index] = outcome }
        let parameters = document.frontMatter.parameters.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
        var blocks = [PageBlock]()
        // The index shows the last image a model made (else the last image shown): the result
        // of the notebook rather than its input.
        var lastImage: String?
        var lastModelImage: String?
        var showings = [String: (provenance: [String: String], shown: [ImageShowing])]()
        var chartData = Set<String>()
        var pageAnswers = [DeliverableAnswer]()

        for block in document.blocks {
            switch block {
            case let .prose(prose):
                // Prose written for other models (a `::: {model="..."}` block) is left out.
                if prose.applies(to: model.name) { blocks.append(.prose(markdown: prose.markdown)) }
            case let .cell(cell):
                guard let outcome = outcomeByIndex[cell.index] else { continue }
                var outputs = [CellOutput]()
                for (position, output) in outcome.outputs.enumerated() {
                    switch output {
                    case let .deliverable(id):
                        let answer = DeliverableAnswer(id: id, cell: cell.index + 1, position: position + 1,
                                                       label: Self.answerLabel(outcome.outputs[(position + 1)...], cell: cell.index + 1, source: cell.source))
                        pageAnswers.append(answer)
                        outputs.append(.deliverable(DeliverableMarker(id: id, text: deliverableTable?.row(id)?.text ?? "", anchor: answer.anchor)))
                    case let .text(text):
                        // Consecutive printed lines read as one block.
                        if case let .text(previous)? = outputs.last {
                            outputs[outputs.count - 1] = .text(previous + "\n" + text)
                        } else {
                            outputs.append(.text(text))
                        }
                    case let .chart(chart, caption):
                        let digest = try writeChartData(chart, notebook: document.path, cell: cell.index + 1, caption: caption)
                        chartData.insert(digest)
                        outputs.append(.chart(ChartFigure(chart: chart, caption: caption, dataFile: "images/\(digest).json")))
                    case let .figure(figure):
                        var images = [FigureImage]()
                        for image in figure.images {
                            let file = "images/\(image.png).png"
                            try copyBlob(image.png, from: cache, to: folder + "/" + file)
                            let src = embedImages ? "data:image/png;base64," + Data(try cache.blob(image.png)).base64EncodedString() : file
                            var provenance = image.provenance
                            if model.load != nil { provenance["notebookModel"] = model.displayName }
                            if let seed = document.frontMatter.seed { provenance["notebookSeed"] = String(seed) }
                            if !parameters.isEmpty { provenance["parameters"] = parameters }
                            showings[image.png, default: (provenance, [])].shown.append(
                                ImageShowing(notebook: document.path, cell: cell.index + 1, line: cell.line, caption: image.caption))
                            images.append(FigureImage(src: src, caption: image.caption, width: image.width, height: image.height,
                                                      provenance: Self.provenanceLine(image.provenance),
                                                      view: image.view.flatMap(Self.viewControl)))
                            lastImage = file
                            if image.provenance["model"] != nil { lastModelImage = file }
                        }
                        outputs.append(.figure(Figure(images: images, title: figure.title, columns: figure.columns)))
                    }
                }
                let status: CellReport.Status
                switch outcome.status {
                case let .executed(s): status = .executed(s)
                case let .cached(s): status = .cached(s)
                case let .failed(s): status = .failed(s)
                case .skipped: status = .skipped
                }
                if outcome.failed {
                    outputs += previousFigures(page: fileName, notebook: document.path, cell: cell.index + 1).map { .figure($0.figure) }
                }
                blocks.append(.cell(CellReport(index: cell.index, source: cell.source, line: cell.line, status: status,
                                               cacheNote: outcome.cacheNote, outputs: outputs, error: outcome.error)))
            }
        }
        for (png, showing) in showings {
            try writeSidecar(png, provenance: showing.provenance, shownBy: document.path, showings: showing.shown)
        }
        let shownNow = Set(showings.keys)
        if outcomes.contains(where: \.failed) {
            // Until the notebook runs cleanly again, its last good images stay published.
            pageImages[fileName] = shownNow.union(chartData).union(goodImages[fileName] ?? [])
        } else {
            pageImages[fileName] = shownNow.union(chartData)
            goodImages[fileName] = shownNow
        }
        published.insert(fileName)
        answers[fileName] = pageAnswers
        let title = document.frontMatter.title ?? Self.stem(document.path)
        remember(IndexEntry(fileName: fileName, title: title, part: Self.part(of: document.path), thumbnail: lastModelImage ?? lastImage,
                            modelName: model.displayName, seed: document.frontMatter.seed, cellCount: outcomes.count,
                            failedCells: outcomes.filter(\.failed).count))
        return PageInput(fileName: fileName, title: title, notebookPath: document.path, modelName: model.displayName,
                         seed: document.frontMatter.seed, blocks: blocks, generatedNote: nil, submission: submission)
    }

    /// The page shown for a notebook that could not be read or parsed: the error, nothing else.
    static func errorPage(for path: String, displayPath: String, message: String) -> PageInput {
        let cell = CellReport(index: 0, source: "", line: 1, status: .failed(0), cacheNote: "not run", outputs: [], error: message)
        return PageInput(fileName: pageName(for: path), title: stem(path), notebookPath: displayPath,
                         modelName: "none", seed: nil, blocks: [.cell(cell)], generatedNote: nil)
    }

    /// Writes a page.
    func write(_ page: PageInput) throws {
        // A page that was not published from its notebook (an error page) shows only what
        // its last successful version showed.
        if !published.contains(page.fileName) { pageImages[page.fileName] = goodImages[page.fileName] ?? [] }
        if entries[page.fileName] == nil {
            remember(IndexEntry(fileName: page.fileName, title: page.title, part: Self.part(of: page.fileName), thumbnail: nil,
                                modelName: page.modelName, seed: page.seed, cellCount: 0, failedCells: 1))
        }
        try AtomicFile.write(Report.page(page), to: folder + "/" + page.fileName)
    }

    /// Writes the index of every page, in part order.
    func writeIndex() throws {
        let sorted = order.sorted { NotebookDiscovery.partOrder($0, $1) }.compactMap { entries[$0] }
        try AtomicFile.write(Report.index(title: "noisebook: diffusion experiments", entries: sorted,
                                          deliverables: deliverableIndex(pages: sorted)), to: folder + "/index.html")
        let stored = sorted.map {
            StoredEntry(fileName: $0.fileName, title: $0.title, part: $0.part, thumbnail: $0.thumbnail,
                        modelName: $0.modelName, seed: $0.seed, cellCount: $0.cellCount, failedCells: $0.failedCells,
                        images: imagesKnown ? (pageImages[$0.fileName] ?? []).sorted() : pageImages[$0.fileName].map { $0.sorted() },
                        goodImages: goodImages[$0.fileName].map { $0.sorted() }, answers: answers[$0.fileName])
        }
        try AtomicFile.write(try StableJSON.encode(stored, pretty: true), to: manifestPath)
        try removeUnusedImages()
    }

    private func remember(_ entry: IndexEntry) {
        if entries[entry.fileName] == nil { order.append(entry.fileName) }
        entries[entry.fileName] = entry
    }

    private func copyBlob(_ digest: String, from cache: CellCache, to path: String) throws {
        if FileManager.default.fileExists(atPath: path) { return }
        try AtomicFile.write(try cache.blob(digest), to: path)
    }

    static func stem(_ path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }

    static func pageName(for path: String) -> String { stem(path) + ".html" }

    /// "1.7.2" from "1.7.2-inpainting.md".
    static func part(of path: String) -> String {
        NotebookDiscovery.partNumber(path).map(String.init).joined(separator: ".")
    }

    static func provenanceLine(_ fields: [String: String]) -> String {
        var parts = [String]()
        if let op = fields["operation"] { parts.append(op) }
        if let model = fields["model"] { parts.append(model) }
        if let prompt = fields["prompt"] {
            parts.append("“\(prompt)”" + (fields["embedding"].map { " (embedding: \($0))" } ?? ""))
        }
        if let seed = fields["seed"] { parts.append(fields["noise"] == Provenance.seedArgumentNoise ? "seed: \(seed)" : "notebook seed \(seed)") }
        if let steps = fields["steps"] { parts.append(steps == "1" ? "1 step" : "\(steps) steps") }
        if let source = fields["source"] { parts.append(source) }
        if let display = fields["display"] { parts.append(display) }
        return parts.joined(separator: " · ")
    }

    /// The page control for an image shown with `view:`, derived from the model's view table.
    static func viewControl(_ name: String) -> ViewControl? {
        ImageView(rawValue: name).map { ViewControl(name: $0.rawValue, label: $0.label, css: $0.css) }
    }
}
