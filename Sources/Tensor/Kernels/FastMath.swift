/// Branch-free, call-free versions of `exp`, `erf` and GELU, so that the loops applying
/// them over whole activations vectorise (a call to libm's `expf`/`erff` per element
/// does not). Accuracy is stated per function; all are far inside the 1e-4 relative
/// agreement the model is held to.
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

    /// erf(x) to about 2e-7 absolute (Abramowitz and Stegun 7.1.26 with exact e^-x^2).
    @inline(__always)
    static func erf(_ x: Float) -> Float {
        let a = Swift.abs(x)
        let t = 1 / (1 + 0.327_591_1 * a)
        var p: Float = 1.061_405_429
        p = p * t - 1.453_152_027
        p = p * t + 1.421_413_741
        p = p * t - 0.284_496_736
        p = p * t + 0.254_829_592
        let y = 1 - p * t * FastMath.exp(-a * a)
        return x < 0 ? -y : y
    }

    /// GELU in its exact erf form, `0.5 x (1 + erf(x / sqrt 2))`.
    @inline(__always)
    static func gelu(_ x: Float) -> Float {
        0.5 * x * (1 + FastMath.erf(x * 0.707_106_77))
    }

    /// SiLU, `x / (1 + e^-x)`.
    @inline(__always)
    static func silu(_ x: Float) -> Float {
        x / (1 + FastMath.exp(-x))
    }
}
