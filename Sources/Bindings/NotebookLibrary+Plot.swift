import Charts
import Script

/// `plot`: line, scatter and bar charts of numbers, drawn on the page as SVG.
extension NotebookLibrary {
    static func addPlotFunctions(to library: inout Library, session: NotebookSession) {
        let y = Param.any("y", label: .unlabeled), x = Param.any("x", default: .void)
        let kind = Param.string("kind", default: "line"), labels = Param.strings("labels").optional
        let (title, xLabel, yLabel) = (Param.string("title", default: ""), Param.string("xLabel", default: ""), Param.string("yLabel", default: ""))
        let (xScale, yScale) = (Param.string("xScale", default: "linear"), Param.string("yScale", default: "linear"))
        let markers = Param.any("markers", default: .void), markerLabels = Param.strings("markerLabels").optional
        let (width, height) = (Param.int("width", default: 640), Param.int("height", default: 360))
        let caption = Param.string("caption", default: "")
        library.add(function("plot", [y, x, kind, labels, title, xLabel, yLabel, xScale, yScale, markers, markerLabels,
                                      width, height, caption, Parameters.deliverable],
                             "Draws a line, scatter or bar chart of y against x (one series, or an array of series with labels:) on the page; deliverable: names the deliverable it answers.") { arguments in
            let ys = try seriesValues(try arguments[y], y)
            var xs: [[Double]]
            if arguments.isPresent(x) {
                xs = try seriesValues(try arguments[x], x)
                if xs.count == 1, ys.count > 1 { xs = Array(repeating: xs[0], count: ys.count) }
                guard xs.count == ys.count else {
                    throw failure("\(ys.count) series of y but \(xs.count) of x; give one x for all, or one per series", x)
                }
            } else {
                xs = ys.map { $0.indices.map(Double.init) }
            }
            var names = Array(repeating: "", count: ys.count)
            if let given = try arguments[labels] {
                names = given
                guard names.count == ys.count else { throw failure("\(ys.count) series but \(names.count) labels", labels) }
            }
            func choice<T: RawRepresentable & CaseIterable>(_ parameter: Param<String>, _ type: T.Type) throws -> T where T.RawValue == String {
                let text = try arguments[parameter]
                guard let value = T(rawValue: text) else {
                    throw failure("\(parameter.name) must be " + T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") + "; got \"\(text)\"", parameter)
                }
                return value
            }
            var marks = [Chart.Marker]()
            if arguments.isPresent(markers) {
                let positions = try numbers(try arguments[markers], markers)
                var texts = positions.map(Ticks.label)
                if let given = try arguments[markerLabels] {
                    texts = given
                    guard texts.count == positions.count else {
                        throw failure("\(positions.count) markers but \(texts.count) marker labels", markerLabels)
                    }
                }
                marks = zip(positions, texts).map { Chart.Marker(x: $0, label: $1) }
            }
            let chart = Chart(kind: try choice(kind, Chart.Kind.self),
                              series: zip(names, zip(xs, ys)).map { Chart.Series(name: $0, x: $1.0, y: $1.1) },
                              title: try arguments[title], xLabel: try arguments[xLabel],
                              yLabel: try arguments[yLabel], xScale: try choice(xScale, Chart.Scale.self),
                              yScale: try choice(yScale, Chart.Scale.self), width: try arguments[width],
                              height: try arguments[height], markers: marks)
            do {
                let validated = try chart.validated()
                try emitDeliverable(arguments, Parameters.deliverable, session: session)
                session.emit(.chart(validated, caption: try arguments[caption]))
            } catch let error as ChartError {
                throw failure(error.description)
            }
            return .void
        })
    }

    /// One series (an array of numbers) or several (an array of arrays of numbers): `value`,
    /// the argument of `parameter`.
    static func seriesValues(_ value: Value, _ parameter: some ParameterDeclaring) throws -> [[Double]] {
        let name = parameter.declaration.name
        guard case .array(let items) = value else {
            throw failure("'\(name)' must be an array of numbers, or an array of such arrays; got \(value.typeName)", parameter)
        }
        if items.contains(where: { if case .array = $0 { return true } else { return false } }) {
            return try items.map { try numbers($0, parameter) }
        }
        return [try numbers(value, parameter)]
    }

    /// An array of numbers: `value`, (part of) the argument of `parameter`.
    static func numbers(_ value: Value, _ parameter: some ParameterDeclaring) throws -> [Double] {
        let name = parameter.declaration.name
        guard case .array(let items) = value else {
            throw failure("'\(name)' must be an array of numbers, got \(value.typeName)", parameter)
        }
        return try items.enumerated().map { index, item in
            guard let number = item.numericValue else {
                throw failure("element \(index) of '\(name)' is \(item.typeName), expected a number", parameter)
            }
            return number
        }
    }
}
