#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// IEEE half-precision values held as they are stored, widened to Float32 only when used.
///
/// A half-precision checkpoint of several gigabytes stays half the size of its Float32
/// form this way. The bits live either in an array this object owns or in memory owned by
/// someone else (a memory-mapped file), which `owner` keeps alive; either way they are
/// never written, which is what makes sharing them across threads sound.
public final class HalfStorage: @unchecked Sendable {
    /// The number of values.
    public let count: Int
    private let base: UnsafePointer<UInt16>?
    private let owner: AnyObject?
    private let owned: [UInt16]

    /// Storage owning a copy of `bits`.
    public init(bits: [UInt16]) {
        owned = bits
        count = bits.count
        base = nil
        owner = nil
    }

    /// Storage viewing `bits` in place; `owner` keeps the memory valid for this object's life.
    public init(viewing bits: UnsafeBufferPointer<UInt16>, owner: AnyObject) {
        owned = []
        count = bits.count
        base = bits.baseAddress
        self.owner = owner
    }

    /// Calls `body` with the bit patterns; the buffer must not escape.
    public func withBits<R>(_ body: (UnsafeBufferPointer<UInt16>) throws -> R) rethrows -> R {
        if let base { return try body(UnsafeBufferPointer(start: base, count: count)) }
        return try owned.withUnsafeBufferPointer(body)
    }

    /// Writes the values as Float32 to `destination` (`count` of them), split across cores.
    public func widen(into destination: UnsafeMutablePointer<Float>) {
        withBits { bits in
            guard let source = bits.baseAddress else { return }
            let s = SharedPointer(base: source), d = SharedMutablePointer(base: destination)
            Parallel.forEachChunk(count, minimumPerChunk: 1 << 18) { range in
                for i in range { d.base[i] = HalfStorage.float(fromHalf: s.base[i]) }
            }
        }
    }

    /// The values as a Float32 tensor of `shape`.
    public func widened(shape: [Int]) -> Tensor {
        precondition(Tensor.count(of: shape) == count, "shape \(shape) for \(count) halves")
        let values = [Float](writtenWhole: count) { widen(into: $0) }
        return Tensor(shape: shape, scalars: values)
    }

    /// Lets the kernel take a view's pages out of this process's resident memory: they stay
    /// in the page cache and are read back (a minor fault per page) on the next use. A model
    /// that runs each weight once per load, such as a text encoder, can so hold one layer
    /// resident at a time instead of all of them. Sound because the mapping is read-only:
    /// dropped pages come back from the file unchanged. Owned storage is left alone.
    public func releaseResidentPages() {
        guard let base, owner != nil, count > 0 else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard page > 0 else { return }
        // Only whole pages inside the view: a partial page at either end may hold a neighbour.
        let first = (Int(bitPattern: base) + page - 1) / page * page
        let end = (Int(bitPattern: base) + count * 2) / page * page
        guard end > first, let start = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(start, end - first, Int32(MADV_DONTNEED))
    }

    /// Bytes held by this object itself (zero for a view into a mapping).
    public var ownedByteCount: Int { owned.count * 2 }

    /// One half's bits as Float32, exactly. Without branches so that loops vectorise:
    /// exponent and mantissa move into place and are rebiased; infinities and NaNs take
    /// the top exponent, and zeros and subnormals are renormalised by a subtraction.
    @inline(__always)
    public static func float(fromHalf bits: UInt16) -> Float {
        let h = UInt32(bits)
        let body = (h & 0x7FFF) << 13
        let exponent = body & 0x0F80_0000
        var rebased = body &+ 0x3800_0000
        rebased &+= exponent == 0x0F80_0000 ? 0x3800_0000 : 0
        let small = exponent == 0
        let renormalised = Float(bitPattern: rebased &+ 0x0080_0000) - 0x1p-14
        let magnitude = small ? renormalised.bitPattern : rebased
        return Float(bitPattern: magnitude | ((h & 0x8000) << 16))
    }
}
