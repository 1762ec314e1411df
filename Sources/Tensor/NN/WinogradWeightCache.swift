import Foundation

/// A 3x3 convolution's Winograd-transformed weights, computed on first use and kept.
///
/// Transforming `[Cout, Cin, 3, 3]` weights into the `[Cout, 16, Cin]` form the 16 GEMMs
/// read costs a pass over 16/9 of the weights on every call; for a layer whose weights
/// never change, one transform serves every later forward. The cache is filled lazily,
/// only by calls that choose Winograd, so layers that always run direct (small images)
/// hold no copy. It costs 16/9 of the layer's Float32 weights once filled.
public final class WinogradWeightCache: @unchecked Sendable {
    private let lock = NSLock()
    private var transformed: [Float]?

    /// An empty cache; the first Winograd call through it fills it.
    public init() {}

    /// Whether a Winograd call has filled the cache.
    public var isFilled: Bool { lock.withLock { transformed != nil } }

    /// Calls `body` with the transformed weights `[Cout, 16, Cin]` of `weights`
    /// `[Cout, Cin, 3, 3]`, transforming them first if this is the first call. Every call
    /// must pass the same weights.
    func withTransformed<R>(_ weights: UnsafePointer<Float>, outChannels: Int, inChannels: Int,
                            _ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        let values: [Float] = {
            lock.lock()
            defer { lock.unlock() }
            if let transformed, transformed.count == 16 * outChannels * inChannels { return transformed }
            let fresh = [Float](unsafeUninitializedCapacity: 16 * outChannels * inChannels) { buffer, count in
                if let base = buffer.baseAddress {
                    Winograd.transformWeights(weights, outChannels: outChannels, inChannels: inChannels, into: base)
                }
                count = 16 * outChannels * inChannels
            }
            transformed = fresh
            return fresh
        }()
        return try values.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { preconditionFailure("transformed weights without storage") }
            return try body(base)
        }
    }
}
