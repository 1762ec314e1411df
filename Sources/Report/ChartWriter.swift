import Charts
import Foundation

/// Draws a chart as inline SVG: axes with nice ticks, gridlines, the series, markers and a
/// legend. Text and axes use `currentColor`, so a chart reads in the page's light and dark
/// themes and in print; the series colours are chosen to read on both backgrounds. No
/// script, no external resource; every string is escaped.
struct ChartWriter {
    let chart: Chart
    /// Makes the `<title>`/`<desc>` ids unique on the page.
    let idPrefix: String

    /// Series colours, distinguishable on white and on near-black.
    static let palette = ["#2f7ed8", "#e4572e", "#2ca25f", "#c08a00", "#8e5cc7", "#d6457f"]

    private var left: Double { 64 }
    private var right: Double { 20 }
    private var top: Double { chart.title.isEmpty ? 16 : 36 }
    private var bottom: Double { chart.xLabel.isEmpty ? 36 : 52 }
    private var plotWidth: Double { Double(chart.width) - left - right }
    private var plotHeight: Double { Double(chart.height) - top - bottom - legendHeight }
    private var legendHeight: Double { chart.series.filter { !$0.name.isEmpty }.count > 1 ? 22 : 0 }

    func render() -> String {
        var xs = chart.series.flatMap(\.x) + chart.markers.map(\.x)
        if chart.kind == .bar, chart.xScale == .linear, let low = xs.min(), let high = xs.max() {
            // Room for half a bar group beyond the first and last positions.
            let half = (Self.smallestGap(chart.series.flatMap(\.x)) ?? 1) / 2
            xs += [low - half, high + half]
        }
        let ys = chart.series.flatMap(\.y) + (chart.kind == .bar && chart.yScale == .linear ? [0] : [])
        let (xRange, xTicks) = Self.ticks(xs, scale: chart.xScale, target: max(2, Int(plotWidth / 90)))
        let (yRange, yTicks) = Self.ticks(ys, scale: chart.yScale, target: max(2, Int(plotHeight / 45)))
        func px(_ x: Double) -> Double { left + Self.fraction(x, xRange, chart.xScale) * plotWidth }
        func py(_ y: Double) -> Double { top + legendHeight + (1 - Self.fraction(y, yRange, chart.yScale)) * plotHeight }

        let titleID = "\(idPrefix)-title", descID = "\(idPrefix)-desc"
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(chart.width) \(chart.height)\""
        svg += " width=\"\(chart.width)\" height=\"\(chart.height)\" role=\"img\" aria-labelledby=\"\(titleID) \(descID)\""
        svg += " font-family=\"system-ui, sans-serif\" font-size=\"12\" fill=\"currentColor\">\n"
        svg += "<title id=\"\(titleID)\">\(Report.escape(chart.title.isEmpty ? "Chart" : chart.title))</title>\n"
        svg += "<desc id=\"\(descID)\">\(Report.escape(description))</desc>\n"
        if !chart.title.isEmpty {
            svg += "<text x=\"\(Self.f(Double(chart.width) / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"600\">\(Report.escape(chart.title))</text>\n"
        }
        svg += legend()
        // Gridlines and tick labels.
        svg += "<g stroke=\"currentColor\" stroke-opacity=\"0.15\">\n"
        for tick in yTicks { svg += "<line x1=\"\(Self.f(left))\" x2=\"\(Self.f(left + plotWidth))\" y1=\"\(Self.f(py(tick)))\" y2=\"\(Self.f(py(tick)))\"/>\n" }
        for tick in xTicks { svg += "<line x1=\"\(Self.f(px(tick)))\" x2=\"\(Self.f(px(tick)))\" y1=\"\(Self.f(top + legendHeight))\" y2=\"\(Self.f(top + legendHeight + plotHeight))\"/>\n" }
        svg += "</g>\n<g fill-opacity=\"0.8\">\n"
        for tick in yTicks {
            svg += "<text x=\"\(Self.f(left - 6))\" y=\"\(Self.f(py(tick) + 4))\" text-anchor=\"end\">\(Report.escape(Ticks.label(tick)))</text>\n"
        }
        for tick in xTicks {
            svg += "<text x=\"\(Self.f(px(tick)))\" y=\"\(Self.f(top + legendHeight + plotHeight + 16))\" text-anchor=\"middle\">\(Report.escape(Ticks.label(tick)))</text>\n"
        }
        svg += "</g>\n"
        svg += "<rect x=\"\(Self.f(left))\" y=\"\(Self.f(top + legendHeight))\" width=\"\(Self.f(plotWidth))\" height=\"\(Self.f(plotHeight))\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.5\"/>\n"
        if !chart.xLabel.isEmpty {
            svg += "<text x=\"\(Self.f(left + plotWidth / 2))\" y=\"\(chart.height - 10)\" text-anchor=\"middle\">\(Report.escape(chart.xLabel))</text>\n"
        }
        if !chart.yLabel.isEmpty {
            let cy = top + legendHeight + plotHeight / 2
            svg += "<text x=\"16\" y=\"\(Self.f(cy))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(Self.f(cy)))\">\(Report.escape(chart.yLabel))</text>\n"
        }
        // Markers.
        for marker in chart.markers {
            let x = px(marker.x)
            svg += "<line x1=\"\(Self.f(x))\" x2=\"\(Self.f(x))\" y1=\"\(Self.f(top + legendHeight))\" y2=\"\(Self.f(top + legendHeight + plotHeight))\" stroke=\"currentColor\" stroke-dasharray=\"4 3\" stroke-opacity=\"0.7\"/>\n"
            svg += "<text x=\"\(Self.f(x + 4))\" y=\"\(Self.f(top + legendHeight + 14))\" font-size=\"11\">\(Report.escape(marker.label))</text>\n"
        }
        // Series.
        let gap = Self.smallestGap(chart.series.flatMap(\.x).map { px($0) }) ?? plotWidth / 4
        let barWidth = max(1, min(gap * 0.8, plotWidth / 4) / Double(max(chart.series.count, 1)))
        for (index, series) in chart.series.enumerated() {
            let colour = Self.palette[index % Self.palette.count]
            let points = zip(series.x, series.y).map { (px($0), py($1)) }
            switch chart.kind {
            case .line:
                let path = points.map { "\(Self.f($0.0)),\(Self.f($0.1))" }.joined(separator: " ")
                svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" stroke-linejoin=\"round\"/>\n"
                if points.count <= 60 {
                    for (x, y) in points { svg += "<circle cx=\"\(Self.f(x))\" cy=\"\(Self.f(y))\" r=\"2.5\" fill=\"\(colour)\"/>\n" }
                }
            case .scatter:
                for (x, y) in points { svg += "<circle cx=\"\(Self.f(x))\" cy=\"\(Self.f(y))\" r=\"3.5\" fill=\"\(colour)\" fill-opacity=\"0.85\"/>\n" }
            case .bar:
                let base = py(chart.yScale == .log ? yRange.lowerBound : 0)
                let offset = (Double(index) - Double(chart.series.count - 1) / 2) * barWidth
                for (x, y) in points {
                    svg += "<rect x=\"\(Self.f(x + offset - barWidth / 2))\" y=\"\(Self.f(min(y, base)))\" width=\"\(Self.f(barWidth))\" height=\"\(Self.f(abs(base - y)))\" fill=\"\(colour)\"/>\n"
                }
            }
        }
        svg += "</svg>"
        return svg
    }

    /// A sentence for screen readers: the kind, the axes and each series' range.
    var description: String {
        var parts = ["\(chart.kind.rawValue.capitalized) chart"]
        if !chart.xLabel.isEmpty || !chart.yLabel.isEmpty {
            parts.append("of \(chart.yLabel.isEmpty ? "y" : chart.yLabel) against \(chart.xLabel.isEmpty ? "x" : chart.xLabel)")
        }
        var text = parts.joined(separator: " ") + "."
        for series in chart.series {
            guard let low = series.y.min(), let high = series.y.max() else { continue }
            let name = series.name.isEmpty ? "The series" : "Series \(series.name)"
            text += " \(name) has \(series.y.count) point\(series.y.count == 1 ? "" : "s"), y from \(Ticks.label(low)) to \(Ticks.label(high))."
        }
        return text
    }

    private func legend() -> String {
        let named = chart.series.enumerated().filter { !$0.element.name.isEmpty }
        guard named.count > 1 else { return "" }
        var svg = "<g font-size=\"12\">\n"
        var x = left
        let y = top + 12
        for (index, series) in named {
            let colour = Self.palette[index % Self.palette.count]
            svg += "<rect x=\"\(Self.f(x))\" y=\"\(Self.f(y - 9))\" width=\"12\" height=\"10\" fill=\"\(colour)\"/>\n"
            svg += "<text x=\"\(Self.f(x + 16))\" y=\"\(Self.f(y))\">\(Report.escape(series.name))</text>\n"
            x += 28 + Double(series.name.count) * 7
        }
        return svg + "</g>\n"
    }

    /// The axis range and ticks for `values`, thinned so labels do not overlap.
    static func ticks(_ values: [Double], scale: Chart.Scale, target: Int) -> (ClosedRange<Double>, [Double]) {
        let low = values.min() ?? 0, high = values.max() ?? 1
        if scale == .log {
            let (range, ticks) = Ticks.log(low, high)
            let every = max(1, Int((Double(ticks.count) / Double(target)).rounded(.up)))
            return (range, ticks.enumerated().filter { $0.offset % every == 0 }.map(\.element))
        }
        return Ticks.linear(low, high, target: target)
    }

    /// Where `value` sits in `range`, 0...1.
    static func fraction(_ value: Double, _ range: ClosedRange<Double>, _ scale: Chart.Scale) -> Double {
        if scale == .log {
            let (a, b) = (log10(range.lowerBound), log10(range.upperBound))
            return b > a ? (log10(value) - a) / (b - a) : 0.5
        }
        let span = range.upperBound - range.lowerBound
        return span > 0 ? (value - range.lowerBound) / span : 0.5
    }

    /// The smallest distance between distinct positions.
    static func smallestGap(_ positions: [Double]) -> Double? {
        let sorted = Array(Set(positions)).sorted()
        return zip(sorted, sorted.dropFirst()).map { $1 - $0 }.min()
    }

    /// A coordinate with two decimals at most.
    static func f(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
