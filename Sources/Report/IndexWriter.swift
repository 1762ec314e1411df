/// Writes the index page: a card per notebook with thumbnail, part, model, seed and a
/// warning when cells failed.
struct IndexWriter {
    /// The page title.
    let title: String
    /// The notebooks, in display order.
    let entries: [IndexEntry]
    /// The deliverables coverage, when the notebooks have a table.
    let deliverables: DeliverableIndex?

    /// The complete HTML document.
    func render() -> String {
        var html = Document.head(title: title)
        html += "<body class=\"index\">\n<header class=\"page-header\">\n"
        html += "<h1>\(Report.escape(title))</h1>\n"
        let failed = entries.filter { $0.failedCells > 0 }.count
        var summary = "\(entries.count) \(entries.count == 1 ? "notebook" : "notebooks")"
        if failed > 0 { summary += ", \(failed) with failed cells" }
        if let deliverables, !deliverables.missing.isEmpty {
            summary += ", <a href=\"#deliverables\">\(deliverables.missing.count) \(deliverables.missing.count == 1 ? "deliverable" : "deliverables") unanswered</a>"
        }
        html += "<p class=\"subtitle\">\(summary)</p>\n</header>\n<main>\n"
        if entries.isEmpty {
            html += "<p class=\"dim\">No notebooks yet.</p>\n"
        } else {
            html += "<ol class=\"cards\">\n"
            for entry in entries {
                html += renderCard(entry)
            }
            html += "</ol>\n"
        }
        if let deliverables { html += deliverables.render() }
        html += "</main>\n</body>\n</html>\n"
        return html
    }

    private func renderCard(_ entry: IndexEntry) -> String {
        let href = SafeURL.link(entry.fileName) ?? "#"
        var html = "<li class=\"card\(entry.failedCells > 0 ? " has-failures" : "")\">"
        html += "<a href=\"\(Report.escape(href))\">\n"
        if let thumbnail = entry.thumbnail, let src = SafeURL.localImage(thumbnail) {
            html += "<div class=\"thumb\"><img src=\"\(Report.escape(src))\" alt=\"\" loading=\"lazy\"></div>\n"
        } else {
            html += "<div class=\"thumb empty\"><span>no image</span></div>\n"
        }
        html += "<div class=\"card-body\">\n"
        html += "<span class=\"part\">\(Report.escape(entry.part))</span>\n"
        html += "<h2>\(Report.escape(entry.title))</h2>\n"
        html += "<dl class=\"meta\">"
        html += "<div><dt>Model</dt><dd>\(Report.escape(entry.modelName))</dd></div>"
        html += "<div><dt>Seed</dt><dd>\(entry.seed.map { String($0) } ?? "none")</dd></div>"
        html += "<div><dt>Cells</dt><dd>\(entry.cellCount)</dd></div>"
        html += "</dl>\n"
        if entry.failedCells > 0 {
            let noun = entry.failedCells == 1 ? "cell" : "cells"
            html += "<p class=\"warning\"><span aria-hidden=\"true\">⚠</span> \(entry.failedCells) failed \(noun)</p>\n"
        }
        html += "</div>\n</a></li>\n"
        return html
    }
}
