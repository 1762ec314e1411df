import Charts

/// A chart shown by a cell: drawn inline, with its caption and a link to its numbers.
public struct ChartFigure: Sendable {
    /// The chart.
    public var chart: Chart
    /// The caption under it.
    public var caption: String
    /// The JSON file beside the page holding the chart's data, e.g. `images/<sha>.json`.
    public var dataFile: String?

    /// A chart figure from its parts.
    public init(chart: Chart, caption: String, dataFile: String?) {
        self.chart = chart
        self.caption = caption
        self.dataFile = dataFile
    }

    /// The figure's HTML; `idPrefix` keeps its ids unique on the page.
    func render(idPrefix: String) -> String {
        var html = "<figure class=\"chart-figure\">\n"
        html += ChartWriter(chart: chart, idPrefix: idPrefix).render() + "\n"
        var caption = Report.escape(self.caption)
        if let dataFile, let safe = SafeURL.localImage(dataFile) {
            caption += (caption.isEmpty ? "" : " · ") + "<a href=\"\(Report.escape(safe))\">data</a>"
        }
        if !caption.isEmpty { html += "<figcaption>\(caption)</figcaption>\n" }
        return html + "</figure>\n"
    }
}
