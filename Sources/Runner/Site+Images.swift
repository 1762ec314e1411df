import JSON
import Charts
import Digest
import Foundation

/// One place an image was shown: which notebook, cell and line, under which caption.
struct ImageShowing: Codable, Equatable, Sendable {
    var notebook: String
    var cell: Int
    var line: Int
    var caption: String
}

/// The JSON beside each published image: where it came from, and every cell that showed it.
struct ImageSidecar: Codable, Equatable, Sendable {
    /// Model, prompt, seed, steps, operation, source, the notebook's seed and parameters.
    var provenance: [String: String]
    /// Every cell of every notebook that showed this image, in notebook and cell order.
    var shown: [ImageShowing]
}

/// The image files of the site: sidecars that list every showing, and no file that no page
/// uses (so the folder can be handed in as it is).
extension Site {
    /// Writes the sidecar of `png` with `showings` from `notebook`, keeping what other
    /// notebooks showed of the same image.
    func writeSidecar(_ png: String, provenance: [String: String], shownBy notebook: String, showings: [ImageShowing]) throws {
        let path = folder + "/images/\(png).json"
        let earlier = FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode(ImageSidecar.self, from: $0) }
        let others = (earlier?.shown ?? []).filter { $0.notebook != notebook }
        let shown = (others + showings).sorted { ($0.notebook, $0.cell, $0.line) < ($1.notebook, $1.cell, $1.line) }
        let data = try StableJSON.encode(ImageSidecar(provenance: provenance, shown: shown), pretty: true)
        if FileManager.default.contents(atPath: path) == data { return }
        try AtomicFile.write(data, to: path)
    }

    /// Writes a chart's numbers as `images/<sha>.json` (named by their content), so that the
    /// data behind a drawn chart can be read back; returns the name's digest.
    func writeChartData(_ chart: Chart, notebook: String, cell: Int, caption: String) throws -> String {
        struct ChartData: Encodable {
            var notebook: String, cell: Int, caption: String, chart: Chart
        }
        let data = try StableJSON.encode(ChartData(notebook: notebook, cell: cell, caption: caption, chart: chart), pretty: true)
        let digest = SHA256.hex([UInt8](data))
        let path = folder + "/images/\(digest).json"
        if FileManager.default.contents(atPath: path) != data { try AtomicFile.write(data, to: path) }
        return digest
    }

    /// Removes every image and sidecar that no remembered page uses. Nothing is removed
    /// while a remembered page's images are unknown (a manifest from before they were
    /// listed), so a file another page uses is never deleted.
    func removeUnusedImages() throws {
        guard imagesKnown else { return }
        let used = pageImages.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        let imagesFolder = folder + "/images"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: imagesFolder)) ?? [] where !name.hasPrefix(".") {
            let stem = name.hasSuffix(".png") ? String(name.dropLast(4)) : name.hasSuffix(".json") ? String(name.dropLast(5)) : nil
            guard let stem, !used.contains(stem) else { continue }
            try? FileManager.default.removeItem(atPath: imagesFolder + "/" + name)
        }
    }
}
