/// Where a sampler's standard normal draws come from: a seeded generator in notebooks, or
/// noise recorded elsewhere (a reference run) in parity tests, so both sides use the same
/// numbers.
public protocol GaussianSource {
    /// The next draws, shaped `shape`.
    mutating func normal(shape: [Int]) -> Tensor
}

extension SeededRandom: GaussianSource {}

/// Noise recorded elsewhere, handed out in order: each `normal(shape:)` returns the next
/// tensor, which must have that shape.
public struct ReplayedNoise: GaussianSource {
    private var draws: [Tensor]
    private var next = 0

    /// A source that hands out `draws` in order.
    public init(_ draws: [Tensor]) { self.draws = draws }

    /// How many draws were taken.
    public var taken: Int { next }

    public mutating func normal(shape: [Int]) -> Tensor {
        precondition(next < draws.count, "ReplayedNoise: draw \(next + 1) asked for, only \(draws.count) recorded")
        let draw = draws[next]
        precondition(draw.shape == shape, "ReplayedNoise: draw \(next + 1) is \(draw.shape), asked for \(shape)")
        next += 1
        return draw
    }
}
