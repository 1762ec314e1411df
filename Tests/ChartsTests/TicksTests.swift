import Charts
import XCTest

/// Ticks are nice numbers (1, 2 or 5 times a power of ten) that cover the data.
final class TicksTests: XCTestCase {
    private func isNice(_ step: Double) -> Bool {
        let magnitude = pow(10, (log10(step)).rounded(.down))
        let fraction = (step / magnitude * 1000).rounded() / 1000
        return [1, 2, 5, 10].contains(fraction)
    }

    func testLinearTicksAreNiceAndCoverTheData() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let a = Double.random(in: -1e6...1e6, using: &random) * pow(10, Double(Int.random(in: -8...0, using: &random)))
            let b = a + Double.random(in: 1e-9...1e5, using: &random)
            let (range, ticks) = Ticks.linear(a, b, target: 6)
            XCTAssertLessThanOrEqual(range.lowerBound, a, "covers \(a)...\(b)")
            XCTAssertGreaterThanOrEqual(range.upperBound, b, "covers \(a)...\(b)")
            XCTAssertGreaterThanOrEqual(ticks.count, 2)
            XCTAssertLessThanOrEqual(ticks.count, 13, "\(a)...\(b): \(ticks)")
            let step = ticks[1] - ticks[0]
            XCTAssertTrue(isNice(step), "\(a)...\(b): step \(step)")
            for (x, y) in zip(ticks, ticks.dropFirst()) {
                XCTAssertEqual(y - x, step, accuracy: step * 1e-6, "evenly spaced")
            }
            for tick in ticks { XCTAssertEqual((tick / step).rounded() * step, tick, accuracy: step * 1e-9, "multiple of the step") }
        }
    }

    func testKnownRanges() {
        XCTAssertEqual(Ticks.linear(0, 1).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1])
        XCTAssertEqual(Ticks.linear(0, 999).ticks, [0, 200, 400, 600, 800, 1000])
        let single = Ticks.linear(5, 5)
        XCTAssertTrue(single.range.contains(5) && single.range.lowerBound < 5 && single.range.upperBound > 5, "one value still gets a range: \(single.range)")
        XCTAssertEqual(Ticks.log(0.003, 40).ticks, [0.001, 0.01, 0.1, 1, 10, 100])
        XCTAssertEqual(Ticks.label(0.30000000000000004), "0.3")
        XCTAssertEqual(Ticks.label(1e-7), "1e-07")
        XCTAssertEqual(Ticks.label(2500), "2500")
    }
}

/// Charts refuse what they cannot draw, saying what is wrong.
final class ChartValidationTests: XCTestCase {
    private func error(_ chart: Chart) -> String? {
        do { _ = try chart.validated(); return nil } catch { return "\(error)" }
    }

    func testRefusals() {
        let line = { (x: [Double], y: [Double], scale: Chart.Scale) in
            Chart(kind: .line, series: [Chart.Series(name: "s", x: x, y: y)], yScale: scale)
        }
        XCTAssertNil(error(line([1, 2], [3, 4], .log)))
        XCTAssertEqual(error(line([1, 2, 3], [3, 4], .linear)), "x has 3 values but y has 2 of series 's'; they need one x per y")
        XCTAssertEqual(error(line([1, 2], [3, 0], .log)), "a log y axis needs positive values, but one of series 's' is 0.0; use scale \"linear\" or leave it out")
        XCTAssertEqual(error(line([1, 2], [3, .nan], .linear)), "y value of series 's' is nan; every plotted value must be a finite number")
        XCTAssertEqual(error(line([1, 2], [3, 1e300], .linear)), "y value of series 's' is 1e+300, larger than 1e15 in size; rescale the data")
        XCTAssertEqual(error(Chart(kind: .bar, series: [])), "nothing to plot: give at least one value")
        XCTAssertNotNil(error(Chart(kind: .line, series: [Chart.Series(name: "", x: [1], y: [1])], width: 10)))
    }
}
