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

    /// GELU per lane (exact erf form, erf as in the scalar `erf`).
    @inline(__always)
    static func gelu(_ x: Lanes) -> Lanes {
        let z = x * 0.707_106_77
        let a = unsafeBitCast(unsafeBitCast(z, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: Lanes.self)
        let t = 1 / (1 + 0.327_591_1 * a)
        var p = Lanes(repeating: 1.061_405_429)
        p = p * t - 1.453_152_027
        p = p * t + 1.421_413_741
        p = p * t - 0.284_496_736
        p = p * t + 0.254_829_592
        let magnitude = 1 - p * t * FastMath.exp(-a * a)
        // erf(z) takes z's sign; magnitude >= 0 so or-ing the sign bit in negates it.
        let signBit = unsafeBitCast(z, to: SIMD8<UInt32>.self) & 0x8000_0000
        let erf = unsafeBitCast(unsafeBitCast(magnitude, to: SIMD8<UInt32>.self) | signBit, to: Lanes.self)
        return 0.5 * x * (1 + erf)
    }

    /// SiLU per lane.
    @inline(__always)
    static func silu(_ x: Lanes) -> Lanes { x / (1 + FastMath.exp(-x)) }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
    }

    /// `body` applied to `count` values from `source` into `destination` (may be the same),
    /// eight at a time with a scalar tail.
    @inline(__always)
    static func map(_ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>, _ count: Int,
                    _ lanes: (Lanes) -> Lanes, _ scalar: (Float) -> Float) {
        var i = 0
        while i + 8 <= count {
            store(lanes(load(source + i)), destination + i)
            i += 8
        }
        while i < count {
            destination[i] = scalar(source[i])
            i += 1
        }
    }
}
