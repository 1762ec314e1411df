/// Writes a figure: a grid of pixelated-upscaled images with captions and provenance, and
/// for illusion images a pure-CSS toggle that applies the revealing view in place.
struct FigureWriter {
    /// The figure to write.
    let figure: Figure
    /// Makes the toggles' ids unique on the page, e.g. `c3-f1`.
    let idPrefix: String

    /// The page's content column is about this wide; default grids fit in it.
    static let contentWidth = 880
    /// The gap between grid tiles, in CSS pixels.
    static let gap = 14

    /// The figure's HTML.
    func render() -> String {
        let tileWidth = figure.images.map { Self.displaySize(width: $0.width, height: $0.height).width }.max() ?? 192
        let columns = max(1, figure.columns ?? min(figure.images.count, max(1, (Self.contentWidth + Self.gap) / (tileWidth + Self.gap))))
        var html = "<figure class=\"figure\">\n"
        if let title = figure.title {
            html += "<figcaption class=\"figure-title\">\(Report.escape(title))</figcaption>\n"
        }
        html += "<div class=\"grid\" style=\"grid-template-columns: repeat(\(columns), minmax(0, \(tileWidth)px));\">\n"
        for (position, image) in figure.images.enumerated() {
            html += renderTile(image, id: "view-\(idPrefix)-i\(position + 1)")
        }
        html += "</div>\n</figure>\n"
        return html
    }

    private func renderTile(_ image: FigureImage, id: String) -> String {
        let size = Self.displaySize(width: image.width, height: image.height)
        var html = "<figure class=\"tile\(image.view == nil ? "" : " illusion")\">\n"
        if image.view != nil {
            html += "<input type=\"checkbox\" class=\"view-toggle\" id=\"\(id)\">\n"
        }
        html += "<div class=\"frame\">"
        if let src = SafeURL.localImage(image.src) {
            let viewClass = image.view.map { " class=\"view view-\(Report.escape($0.name))\"" } ?? ""
            html += "<img\(viewClass) src=\"\(Report.escape(src))\" alt=\"\(Report.escape(image.caption))\""
            html += " title=\"\(Report.escape(image.provenance))\" width=\"\(size.width)\" height=\"\(size.height)\" loading=\"lazy\">"
        } else {
            html += "<span class=\"missing\">image not embedded: \(Report.escape(image.src))</span>"
        }
        html += "</div>\n"
        if let view = image.view {
            html += "<label class=\"view-button\" for=\"\(id)\">\(Report.escape(view.label))</label>\n"
        }
        html += "<figcaption><span class=\"caption\">\(Report.escape(image.caption))</span>"
        if !image.provenance.isEmpty {
            html += "<small class=\"provenance\">\(Report.escape(image.provenance))</small>"
        }
        html += "</figcaption>\n</figure>\n"
        return html
    }

    /// Small images are shown 3x (64 px is the model's resolution), medium ones 2x, large
    /// ones as they are; CSS then shrinks them to fit their grid column.
    static func displaySize(width: Int, height: Int) -> (width: Int, height: Int) {
        let width = max(width, 1), height = max(height, 1)
        let longest = max(width, height)
        let scale = longest <= 96 ? 3 : (longest <= 256 ? 2 : 1)
        return (width * scale, height * scale)
    }
}
