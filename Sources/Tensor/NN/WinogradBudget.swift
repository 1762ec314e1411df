import Foundation

/// How many bytes of Winograd-transformed weights one model may keep for its layers under
/// 32x32, where the weights are large next to the work they save (F(4x4, 3x3) keeps 4x a
/// layer's Float32 weights). Layers at 32x32 and up always keep theirs.
///
/// One budget per model (its `WeightLoader` makes it), spent in the order the layers first
/// run, so a model's choices are the same on every machine. 4 GiB holds every 16x16 layer
/// of IF-I-M and IF-I-L (about 1 and 3 GB) and part of IF-II-L's, whose 16x16 layers would
/// want more memory than the model itself.
public final class WinogradBudget: @unchecked Sendable {
    /// The budget of each model.
    public static let perModelBytes = 4 << 30

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
