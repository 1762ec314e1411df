import Charts
import Script

/// `plot`: line, scatter and bar charts of numbers, drawn on the page as SVG.
extension NotebookLibrary {
    static func addPlotFunctions(to library: inout Library, session: NotebookSession) {
        library.add(function("plot", [(nil, "y", nil), ("x", "x", .void), ("kind", "kind", .string("line")),
                                      ("labels", "labels", .void), ("title", "title", .string("")),
                                      ("xLabel", "xLabel", .string("")), ("yLabel", "yLabel", .string("")),
                                      ("xScale", "xScale", .string("linear")), ("yScale", "yScale", .string("linear")),
                                      ("markers", "markers", .void), ("markerLabels", "markerLabels", .void),
                                      ("width", "width", .int(640)), ("height", "height", .int(360)),
                                      ("caption", "caption", .string("")), ("deliverable", "deliverable", .void)],
                             "Draws a line, scatter or bar chart of y against x (one series, or an array of series with labels:) on the page; deliverable: names the deliverable it answers.") { arguments in
            let ys = try seriesValues(arguments, "y")
            var xs: [[Double]]
            if arguments.isPresent("x") {
                xs = try seriesValues(arguments, "x")
                if xs.count == 1, ys.count > 1 { xs = Array(repeating: xs[0], count: ys.count) }
                guard xs.count == ys.count else {
                    throw failure("\(ys.count) series of y but \(xs.count) of x; give one x for all, or one per series", "x")
                }
            } else {
                xs = ys.map { $0.indices.map(Double.init) }
            }
            var names = Array(repeating: "", count: ys.count)
            if arguments.isPresent("labels") {
                names = try strings(arguments, "labels")
                guard names.count == ys.count else { throw failure("\(ys.count) series but \(names.count) labels", "labels") }
            }
            func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws -> T where T.RawValue == String {
                let text = try arguments.string(name)
                guard let value = T(rawValue: text) else {
                    throw failure("\(name) must be " + T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") + "; got \"\(text)\"", name)
                }
                return value
            }
            var markers = [Chart.Marker]()
            if arguments.isPresent("markers") {
                let positions = try numbers(arguments["markers"], "markers")
                var labels = positions.map(Ticks.label)
                if arguments.isPresent("markerLabels") {
                    labels = try strings(arguments, "markerLabels")
                    guard labels.count == positions.count else {
                        throw failure("\(positions.count) markers but \(labels.count) marker labels", "markerLabels")
                    }
                }
                markers = zip(positions, labels).map { Chart.Marker(x: $0, label: $1) }
            }
            let chart = Chart(kind: try choice("kind", Chart.Kind.self),
                              series: zip(names, zip(xs, ys)).map { Chart.Series(name: $0, x: $1.0, y: $1.1) },
                              title: try arguments.string("title"), xLabel: try arguments.string("xLabel"),
                              yLabel: try arguments.string("yLabel"), xScale: try choice("xScale", Chart.Scale.self),
                              yScale: try choice("yScale", Chart.Scale.self), width: try arguments.int("width"),
                              height: try arguments.int("height"), markers: markers)
            do {
                let validated = try chart.validated()
                try emitDeliverable(arguments, "deliverable", session: session)
                session.emit(.chart(validated, caption: try arguments.string("caption")))
            } catch let error as ChartError {
                throw failure(error.description)
            }
            return .void
        })
    }

    /// One series (an array of numbers) or several (an array of arrays of numbers).
    static func seriesValues(_ arguments: Arguments, _ name: String) throws -> [[Double]] {
        guard case .array(let items) = arguments[name] else {
            throw failure("'\(name)' must be an array of numbers, or an array of such arrays; got \(arguments[name].typeName)", name)
        }
        if items.contains(where: { if case .array = $0 { return true } else { return false } }) {
            return try items.map { try numbers($0, name) }
        }
        return [try numbers(arguments[name], name)]
    }

    /// An array of numbers.
    static func numbers(_ value: Value, _ name: String) throws -> [Double] {
        guard case .array(let items) = value else {
            throw failure("'\(name)' must be an array of numbers, got \(value.typeName)", name)
        }
        return try items.enumerated().map { index, item in
            guard let number = item.numericValue else {
                throw failure("element \(index) of '\(name)' is \(item.typeName), expected a number", name)
            }
            return number
        }
    }
}
