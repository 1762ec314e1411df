import Foundation
import Report

/// What a failed run keeps: the images of each page's last successful version stay in the
/// output folder, and the page shows them, marked, under the error that replaced them.
extension Site {
    /// The title of a figure kept from the last successful run.
    static let previousRunTitle = "From the previous successful run (not this one)"

    /// The figures that the last successful version of `page` showed in cell `cell`
    /// (1-based; nil: every cell), one figure per cell, in cell order, read back from the
    /// images' sidecars.
    func previousFigures(page: String, notebook: String, cell: Int? = nil) -> [(cell: Int, figure: Figure)] {
        guard let images = goodImages[page], !images.isEmpty else { return [] }
        var byCell = [Int: [(line: Int, image: FigureImage)]]()
        for png in images {
            let sidecarPath = folder + "/images/\(png).json"
            guard let data = FileManager.default.contents(atPath: sidecarPath),
                  let sidecar = try? JSONDecoder().decode(ImageSidecar.self, from: data),
                  let size = Self.pngSize(folder + "/images/\(png).png") else { continue }
            for showing in sidecar.shown where showing.notebook == notebook && (cell == nil || showing.cell == cell) {
                let image = FigureImage(src: "images/\(png).png", caption: showing.caption, width: size.width, height: size.height,
                                        provenance: Self.provenanceLine(sidecar.provenance))
                byCell[showing.cell, default: []].append((showing.line, image))
            }
        }
        return byCell.keys.sorted().map { key in
            let images = byCell[key, default: []].sorted { ($0.line, $0.image.src) < ($1.line, $1.image.src) }.map(\.image)
            return (key, Figure(images: images, title: Self.previousRunTitle))
        }
    }

    /// The width and height in a PNG's IHDR chunk, nil when the file is not a PNG.
    static func pngSize(_ path: String) -> (width: Int, height: Int)? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 24), header.count == 24,
              Array(header.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
        let word = { (offset: Int) in header[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (word(16), word(20))
    }

    /// The page for a notebook that failed before its cells ran (unreadable front matter, a
    /// model that cannot be found): the error first, then what its last successful version
    /// showed, each figure marked as from that run.
    func errorPage(for path: String, displayPath: String, message: String) -> PageInput {
        var page = Self.errorPage(for: path, displayPath: displayPath, message: message)
        for (cell, figure) in previousFigures(page: page.fileName, notebook: displayPath) {
            page.blocks.append(.cell(CellReport(index: cell - 1, source: "// cell \(cell), as it last ran", line: 0, status: .skipped,
                                                cacheNote: "not run", outputs: [.figure(figure)], error: nil)))
        }
        return page
    }
}
