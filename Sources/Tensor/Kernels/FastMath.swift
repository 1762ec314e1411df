/// A branch-free, call-free `exp`, so that the loops applying it vectorise (a call to libm's
/// `expf` per element does not): the row softmax's. The activations and attention's column
/// softmax run in C (CVector), with the same polynomial.
enum FastMath {
    /// e^x to about 2 ulp for x in [-87, 88]; clamped outside (0 below, ~1.7e38 above).
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let clamped = Swift.min(Swift.max(x, -87.3), 88.3)
        // x = n ln2 + r with |r| <= ln2 / 2; ln2 split in two so that r is exact.
        // Round to nearest by adding and removing 1.5 * 2^23: `rounded()` would be a libm
        // call on baseline x86-64 (no SSE4.1) and stop the loop from vectorising.
        let t = clamped * 1.442_695_04 + 12_582_912
        let n = t - 12_582_912
        let r = (clamped - n * 0.693_145_75) - n * 1.428_606_8e-6
        // Taylor-like minimax polynomial for e^r on [-ln2/2, ln2/2].
        var p: Float = 1.987_569_2e-4
        p = p * r + 1.398_199_9e-3
        p = p * r + 8.333_452e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 0.166_666_65
        p = p * r + 0.5
        p = p * r * r + r + 1
        // t's low mantissa bits hold n: 2^n's exponent bits without a float-to-int conversion.
        let scale = Float(bitPattern: (t.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
        return p * scale
    }
}
