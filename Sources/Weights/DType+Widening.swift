import Tensor

/// Conversion between stored little-endian elements and Float32.
extension DType {
    /// `count` elements of this type read from `source` (any alignment) as Float32.
    /// Only valid for widenable types; the caller has checked `source.count`.
    func widen(_ source: UnsafeRawBufferPointer, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, initialized in
            DType.widen(self, source, into: out, count: count)
            initialized = count
        }
    }

    /// Widens into existing storage, so a caller can reuse one buffer layer after layer.
    static func widen(_ type: DType, _ source: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<Float>, count: Int) {
        guard count > 0, let src = source.baseAddress, let dst = out.baseAddress else { return }
        switch type {
        case .f32:
            // The host is little-endian (x86-64, arm64), so stored floats copy bit for bit.
            UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 4)
        case .f16:
            if Int(bitPattern: src) % 2 == 0 {
                // The common, aligned case: a plain loop the optimiser can vectorise.
                let halves = src.assumingMemoryBound(to: UInt16.self)
                for i in 0..<count { dst[i] = HalfStorage.float(fromHalf: halves[i]) }
            } else {
                for i in 0..<count {
                    dst[i] = HalfStorage.float(fromHalf: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                }
            }
        case .bf16:
            for i in 0..<count {
                let bits = src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                dst[i] = Float(bitPattern: UInt32(bits) << 16)
            }
        default:
            preconditionFailure("widen called for \(type.rawValue)")
        }
    }

    /// A Float32 rounded to the nearest IEEE half (ties to even), as bits.
    public static func floatToHalf(_ value: Float) -> UInt16 {
        Float16(value).bitPattern
    }

    /// A Float32 rounded to the nearest bfloat16 (ties to even), as bits; NaN stays NaN.
    public static func floatToBFloat16(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(bits >> 16) | 0x0040 }
        let rounding = 0x7FFF + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }
}
