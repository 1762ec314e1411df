import Foundation

/// Axis ticks at "nice" numbers: 1, 2 or 5 times a power of ten on a linear axis, powers of
/// ten on a log axis, covering the data with a little room.
public enum Ticks {
    /// The range an axis shows and the ticks on it, for data from `low` to `high`.
    public static func linear(_ low: Double, _ high: Double, target: Int = 6) -> (range: ClosedRange<Double>, ticks: [Double]) {
        var (low, high) = (min(low, high), max(low, high))
        if low == high {
            // One value: a range around it that still has nice ends.
            let pad = low == 0 ? 1 : abs(low) * 0.1
            (low, high) = (low - pad, high + pad)
        }
        let step = niceStep((high - low) / Double(max(target - 1, 1)))
        let first = (low / step).rounded(.down) * step
        let last = (high / step).rounded(.up) * step
        // Ticks are whole multiples of the step, rounded to the step's decimals, so that
        // 3 × 0.2 is written 0.6 and not 0.6000000000000001.
        let decimals = max(0, Int(-Foundation.floor(log10(step))))
        let unit = pow(10, Double(decimals))
        func snapped(_ value: Double) -> Double { (value * unit).rounded() / unit }
        let firstIndex = Int((first / step).rounded()), lastIndex = Int((last / step).rounded())
        let ticks = (firstIndex...max(firstIndex, min(lastIndex, firstIndex + 100))).map { snapped(Double($0) * step) }
        return (snapped(first)...snapped(last), ticks)
    }

    /// Powers of ten covering positive data from `low` to `high` (one decade at least).
    public static func log(_ low: Double, _ high: Double) -> (range: ClosedRange<Double>, ticks: [Double]) {
        let lowExponent = Foundation.floor(log10(min(low, high)))
        var highExponent = Foundation.ceil(log10(max(low, high)))
        if highExponent <= lowExponent { highExponent = lowExponent + 1 }
        let ticks = stride(from: lowExponent, through: highExponent, by: 1).map { pow(10, $0) }
        return (pow(10, lowExponent)...pow(10, highExponent), ticks)
    }

    /// The nice number (1, 2 or 5 times a power of ten) nearest above `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let magnitude = pow(10, Foundation.floor(log10(rough)))
        let fraction = rough / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// A tick's label: short, without trailing zeros ("0.25", "1000", "1e-05").
    public static func label(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e6 || magnitude < 1e-4 {
            return String(format: "%g", value)
        }
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
