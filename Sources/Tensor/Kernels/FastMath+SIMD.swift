/// Eight-lane versions of `FastMath`, for loops whose reductions (row maxima and sums)
/// the compiler will not vectorise on its own: strict floating point forbids reordering
/// a scalar running sum.
extension FastMath {
    typealias Lanes = SIMD8<Float>

    /// e^x per lane, the same arithmetic as the scalar `exp`.
    @inline(__always)
    static func exp(_ x: Lanes) -> Lanes {
        // Clamped by masked selects: `clamped(lowerBound:upperBound:)` is not inlined.
        var c = x
        c.replace(with: -87.3, where: c .< -87.3)
        c.replace(with: 88.3, where: c .> 88.3)
        // t's low mantissa bits hold round(c log2 e) (the 1.5 * 2^23 trick), giving both
        // n as a float and 2^n's exponent bits without a float-to-int conversion.
        let t = c * 1.442_695_04 + 12_582_912
        let n = t - 12_582_912
        let r = (c - n * 0.693_145_75) - n * 1.428_606_8e-6
        var p = Lanes(repeating: 1.987_569_2e-4)
        p = p * r + 1.398_199_9e-3
        p = p * r + 8.333_452e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 0.166_666_65
        p = p * r + 0.5
        p = p * r * r + r + 1
        let bits = unsafeBitCast(t, to: SIMD8<UInt32>.self)
        return p * unsafeBitCast((bits &- 0x4B40_0000 &+ 127) &<< 23, to: Lanes.self)
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
    }
}
