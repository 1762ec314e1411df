import Foundation

/// A convolution's weights on the bf16 path: the direct product's matrix `[Cout, Cin k k]`,
/// packed at load, and for 3x3 kernels the Winograd element matrices `[Cout, Cin]` of each
/// algorithm, made on first use from the bf16 values (so both paths start from the same
/// rounded weights) and kept.
public final class BFloat16ConvWeights: @unchecked Sendable {
    /// `[Cout, Cin, kh, kw]`.
    public let shape: [Int]
    /// The kernel the products run on.
    public let kernel: BFloat16Kernel
    let direct: BFloat16Matrix
    private let lock = NSLock()
    private var winograd: [WinogradTile: [BFloat16Matrix]] = [:]

    /// Rounds and packs `weights` `[Cout, Cin, kh, kw]`.
    public init(_ weights: UnsafePointer<Float>, shape: [Int], kernel: BFloat16Kernel) {
        self.shape = shape
        self.kernel = kernel
        let columns = shape.dropFirst().reduce(1, *)
        direct = BFloat16Matrix(weights, rows: shape.first ?? 0, columns: columns, rowStride: columns)
    }

    /// Bytes held: the direct matrix and any Winograd matrices made so far.
    public var byteCount: Int {
        lock.withLock { direct.byteCount + winograd.values.joined().reduce(0) { $0 + $1.byteCount } }
    }

    /// The element matrices of `tile`, one per transformed element.
    func winogradElements(_ tile: WinogradTile) -> [BFloat16Matrix] {
        lock.withLock {
            if let made = winograd[tile] { return made }
            let (cout, cin) = (shape[0], shape[1])
            let values = direct.floats()
            var u = [Float](repeating: 0, count: tile.transformedCount(outChannels: cout, inChannels: cin))
            values.withUnsafeBufferPointer { vp in
                u.withUnsafeMutableBufferPointer { up in
                    guard let v = vp.baseAddress, let t = up.baseAddress else { return }
                    tile.transformWeights(v, outChannels: cout, inChannels: cin, into: t)
                }
            }
            let made = u.withUnsafeBufferPointer { up -> [BFloat16Matrix] in
                guard let t = up.baseAddress else { return [] }
                return (0..<tile.elements).map { e in
                    BFloat16Matrix(t + e * cin, rows: cout, columns: cin, rowStride: tile.rowStride(inChannels: cin))
                }
            }
            winograd[tile] = made
            return made
        }
    }
}
