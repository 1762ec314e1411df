import Foundation

/// How many bytes of Winograd-transformed weights one model may keep (F(4x4, 3x3) keeps 4x
/// a layer's Float32 weights, F(2x2, 3x3) 16/9x). Layers beyond it transform their weights
/// on every call, as half-resident ones do.
///
/// One budget per model (its `WeightLoader` makes it), spent in the order the layers first
/// run, so a model's choices are the same on every machine. 4.5 GiB holds every kept layer
/// of IF-I-M and IF-I-L (about 1.5 and 4.3 GB), the down path of IF-II-L, whose layers
/// would otherwise keep 8 GB more than the model itself, and 14 of IF-I-XL's 18 16x16
/// layers in F(2x2, 3x3) (all 18 would keep 6.3 GB); it bounds a stage I and a stage II
/// model in one run to what a 24 GB machine holds.
public final class WinogradBudget: @unchecked Sendable {
    /// The budget of each model.
    public static let perModelBytes = 9 << 29

    private let lock = NSLock()
    private var left: Int

    /// A budget of `bytes`.
    public init(bytes: Int = WinogradBudget.perModelBytes) {
        left = bytes
    }

    /// Takes `bytes` from the budget if that many are left.
    func reserve(_ bytes: Int) -> Bool {
        lock.withLock {
            guard bytes <= left else { return false }
            left -= bytes
            return true
        }
    }

    /// Bytes not yet reserved.
    public var remaining: Int { lock.withLock { left } }
}
