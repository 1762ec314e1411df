/// A chart a cell draws: line, scatter or bar series over two axes, with a title, axis labels,
/// linear or log scales, markers and a size. Plain data (Codable), so it is cached with its
/// cell and written beside the page for readers to take the numbers back.
public struct Chart: Codable, Sendable, Equatable {
    /// How the series are drawn.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Points joined by lines.
        case line
        /// Points alone.
        case scatter
        /// Bars from zero (grouped when there are several series).
        case bar
    }

    /// How an axis maps values.
    public enum Scale: String, Codable, Sendable, CaseIterable {
        /// Evenly spaced values.
        case linear
        /// Evenly spaced powers of ten; every value must be positive.
        case log
    }

    /// One named series of points.
    public struct Series: Codable, Sendable, Equatable {
        /// The legend's name for it ("" for a single unnamed series).
        public var name: String
        /// The x of each point.
        public var x: [Double]
        /// The y of each point.
        public var y: [Double]

        /// A series from its parts.
        public init(name: String, x: [Double], y: [Double]) {
            self.name = name
            self.x = x
            self.y = y
        }
    }

    /// A vertical marker line at `x`, with a label.
    public struct Marker: Codable, Sendable, Equatable {
        /// Where.
        public var x: Double
        /// Its label ("t = 250").
        public var label: String

        /// A marker from its parts.
        public init(x: Double, label: String) {
            self.x = x
            self.label = label
        }
    }

    public var kind: Kind
    public var series: [Series]
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: Scale
    public var yScale: Scale
    /// Size in CSS pixels.
    public var width: Int
    public var height: Int
    public var markers: [Marker]

    /// A chart from its parts; `validated()` checks it.
    public init(kind: Kind, series: [Series], title: String = "", xLabel: String = "", yLabel: String = "",
                xScale: Scale = .linear, yScale: Scale = .linear, width: Int = 640, height: Int = 360, markers: [Marker] = []) {
        self.kind = kind
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.width = width
        self.height = height
        self.markers = markers
    }

    /// The largest magnitude a plotted value may have: beyond it, axes and labels stop meaning
    /// anything (and SVG coordinates lose precision).
    public static let largestValue = 1e15
    /// The most points a chart may hold in all.
    public static let maximumPoints = 100_000

    /// This chart if it can be drawn; otherwise an error saying what is wrong.
    public func validated() throws -> Chart {
        guard !series.isEmpty, series.contains(where: { !$0.y.isEmpty }) else { throw ChartError.empty }
        guard (160...4096).contains(width), (120...4096).contains(height) else {
            throw ChartError.size(width: width, height: height)
        }
        var points = 0
        for s in series {
            guard s.x.count == s.y.count else {
                throw ChartError.unequalLengths(series: s.name, x: s.x.count, y: s.y.count)
            }
            points += s.y.count
            for (axis, values, scale) in [("x", s.x, xScale), ("y", s.y, yScale)] {
                for value in values {
                    guard value.isFinite else { throw ChartError.notFinite(axis: axis, series: s.name, value: value) }
                    guard abs(value) <= Self.largestValue else { throw ChartError.tooLarge(axis: axis, series: s.name, value: value) }
                    if scale == .log, value <= 0 { throw ChartError.notPositive(axis: axis, series: s.name, value: value) }
                }
            }
        }
        guard points <= Self.maximumPoints else { throw ChartError.tooManyPoints(points) }
        for marker in markers {
            guard marker.x.isFinite, abs(marker.x) <= Self.largestValue else {
                throw ChartError.notFinite(axis: "x", series: "marker \(marker.label)", value: marker.x)
            }
            if xScale == .log, marker.x <= 0 { throw ChartError.notPositive(axis: "x", series: "marker \(marker.label)", value: marker.x) }
        }
        return self
    }
}

/// Why a chart cannot be drawn.
public enum ChartError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case unequalLengths(series: String, x: Int, y: Int)
    case notFinite(axis: String, series: String, value: Double)
    case tooLarge(axis: String, series: String, value: Double)
    case notPositive(axis: String, series: String, value: Double)
    case tooManyPoints(Int)
    case size(width: Int, height: Int)

    public var description: String {
        func named(_ series: String) -> String { series.isEmpty ? "" : " of series '\(series)'" }
        switch self {
        case .empty:
            return "nothing to plot: give at least one value"
        case let .unequalLengths(series, x, y):
            return "x has \(x) values but y has \(y)\(named(series)); they need one x per y"
        case let .notFinite(axis, series, value):
            return "\(axis) value\(named(series)) is \(value); every plotted value must be a finite number"
        case let .tooLarge(axis, series, value):
            return "\(axis) value\(named(series)) is \(value), larger than 1e15 in size; rescale the data"
        case let .notPositive(axis, series, value):
            return "a log \(axis) axis needs positive values, but one\(named(series)) is \(value); use scale \"linear\" or leave it out"
        case let .tooManyPoints(count):
            return "\(count) points are more than \(Chart.maximumPoints); plot fewer (every k-th, say)"
        case let .size(width, height):
            return "a chart of \(width)x\(height) pixels is outside 160...4096 by 120...4096"
        }
    }
}
