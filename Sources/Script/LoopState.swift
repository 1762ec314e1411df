/// One `for` loop of a running cell, for progress: `guidedLoop i 12/33`.
public struct LoopState: Sendable, Equatable {
    /// The cell function the loop is in; nil at the cell's top level.
    public var function: String?
    /// What the loop binds: `i`, `(i, t)`, `_`.
    public var variable: String
    /// The iteration running now, from 1.
    public var index: Int
    /// How many iterations the loop has.
    public var count: Int

    /// A loop state from its parts.
    public init(function: String?, variable: String, index: Int, count: Int) {
        self.function = function
        self.variable = variable
        self.index = index
        self.count = count
    }

    /// As progress shows it: "guidedLoop i 12/33".
    public var description: String {
        (function.map { $0 + " " } ?? "") + "\(variable) \(index)/\(count)"
    }

    /// How far `loops` (outermost first) are through their iterations, from 0 to 1, with
    /// the innermost step at `inner` (a sampler's step fraction, or 0).
    public static func fractionDone(_ loops: [LoopState], inner: Double = 0) -> Double {
        var fraction = 0.0, scale = 1.0
        for loop in loops where loop.count > 0 {
            fraction += scale * Double(loop.index - 1) / Double(loop.count)
            scale /= Double(loop.count)
        }
        return fraction + scale * inner
    }
}
