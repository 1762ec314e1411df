import Foundation

/// A 3x3 convolution's Winograd-transformed weights, computed on first use and kept.
///
/// Transforming `[Cout, Cin, 3, 3]` weights into the `[Cout, elements, Cin]` form the
/// GEMMs read costs a pass over the weights on every call; for a layer whose weights never
/// change, one transform serves every later forward. The cache is filled lazily, only by
/// calls that choose Winograd, so layers that always run direct (small images) hold no
/// copy. Filled, it costs 16/9 (F(2x2, 3x3)) or 36/9 (F(4x4, 3x3)) of the layer's Float32
/// weights. A layer whose weights are held in half precision keeps them too, where
/// `ConvolutionPolicy.holding` says it pays; once kept, the layer reads neither its
/// half-precision values nor a widened copy again.
public final class WinogradWeightCache: @unchecked Sendable {
    private let lock = NSLock()
    private var transformed: (tile: WinogradTile, values: [Float])?
    private let budget: WinogradBudget?
    /// The tile whose bytes this layer reserved from the budget.
    private var reserved: WinogradTile?
    /// Whether the layer's own weights are half precision (widened on every call).
    public let halfWeights: Bool

    /// An empty cache; the first Winograd call through it fills it. It keeps weights only
    /// within `budget` (nil: no limit). `halfWeights`: the layer holds its weights in half
    /// precision.
    public init(budget: WinogradBudget? = nil, halfWeights: Bool = false) {
        self.budget = budget
        self.halfWeights = halfWeights
    }

    /// Whether this layer may keep `tile`'s transformed weights: when it already holds them
    /// or the model's budget has room (reserved here, once per layer).
    func admits(_ tile: WinogradTile, outChannels: Int, inChannels: Int) -> Bool {
        guard let budget else { return true }
        return lock.withLock {
            if reserved == tile { return true }
            guard reserved == nil,
                  budget.reserve(tile.transformedCount(outChannels: outChannels, inChannels: inChannels) * 4) else { return false }
            reserved = tile
            return true
        }
    }

    /// Whether a Winograd call has filled the cache.
    public var isFilled: Bool { lock.withLock { transformed != nil } }

    /// Calls `body` with the kept transformed weights for `tile` (as `withTransformed` gives
    /// them), or returns nil without calling it when the cache holds none for that tile.
    func withKept<R>(_ tile: WinogradTile, _ body: (UnsafePointer<Float>) throws -> R) rethrows -> R? {
        let values: [Float]? = lock.withLock { transformed?.tile == tile ? transformed?.values : nil }
        guard let values else { return nil }
        return try WinogradWeightCache.run(body, on: values)
    }

    /// `body` on the base address of kept `values` (never empty: a transform has rows).
    private static func run<R>(_ body: (UnsafePointer<Float>) throws -> R, on values: [Float]) rethrows -> R {
        try values.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { preconditionFailure("transformed weights without storage") }
            return try body(base)
        }
    }

    /// Calls `body` with the transformed weights `[Cout, elements, Cin]` (output channels
    /// `tile.rowStride` apart) of `weights`
    /// `[Cout, Cin, 3, 3]` for `tile`, transforming them first if this is the first call
    /// (or the first for this tile). Every call must pass the same weights.
    func withTransformed<R>(_ weights: UnsafePointer<Float>, tile: WinogradTile, outChannels: Int, inChannels: Int,
                            _ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        let count = tile.transformedCount(outChannels: outChannels, inChannels: inChannels)
        let values: [Float] = {
            lock.lock()
            defer { lock.unlock() }
            if let transformed, transformed.tile == tile, transformed.values.count == count { return transformed.values }
            let fresh = [Float](writtenWhole: count) {
                tile.transformWeights(weights, outChannels: outChannels, inChannels: inChannels, into: $0)
            }
            transformed = (tile, fresh)
            return fresh
        }()
        return try WinogradWeightCache.run(body, on: values)
    }
}
