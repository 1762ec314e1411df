/// Elementwise arithmetic with NumPy-style broadcasting (shapes aligned from the right;
/// each pair of extents equal, or one of them 1). Scalars and per-channel `[C, 1, 1]`
/// tensors broadcast over `[C, H, W]` images this way.
extension Tensor {
    /// The shape two operands broadcast to, or an error naming both shapes.
    public static func broadcastShape(_ a: [Int], _ b: [Int], operation: String = "broadcast") throws -> [Int] {
        let rank = Swift.max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard x == y || x == 1 || y == 1 else {
                throw TensorError.shapeMismatch(operation: operation, a, b)
            }
            result[i] = x == 1 ? y : x
        }
        return result
    }

    /// `op` applied to broadcast pairs of elements of `a` and `b`.
    public static func zip(_ a: Tensor, _ b: Tensor, operation: String = "elementwise",
                           _ op: (Float, Float) -> Float) throws -> Tensor {
        if a.shape == b.shape {
            // Across the cores when large (a UNet's residual sums), into a fresh array rather
            // than a copy of a (a copy is a pass on one core).
            let out = [Float](writtenWhole: a.count) { z in
                a.scalars.withUnsafeBufferPointer { ap in
                    b.scalars.withUnsafeBufferPointer { bp in
                        guard let x = ap.baseAddress, let y = bp.baseAddress else { return }
                        let sz = SharedMutablePointer(base: z), sx = SharedPointer(base: x), sy = SharedPointer(base: y)
                        Parallel.forEachChunk(a.count) { range in
                            for i in range { sz.base[i] = op(sx.base[i], sy.base[i]) }
                        }
                    }
                }
            }
            return Tensor(shape: a.shape, scalars: out)
        }
        let shape = try broadcastShape(a.shape, b.shape, operation: operation)
        if b.count == 1 {
            let s = b.scalars[0]
            return Tensor(shape: shape, scalars: a.scalars.map { op($0, s) })
        }
        if a.count == 1 {
            let s = a.scalars[0]
            return Tensor(shape: shape, scalars: b.scalars.map { op(s, $0) })
        }
        let sa = broadcastStrides(a.shape, to: shape)
        let sb = broadcastStrides(b.shape, to: shape)
        let n = Tensor.count(of: shape)
        var out = [Float](repeating: 0, count: n)
        var counter = [Int](repeating: 0, count: shape.count)
        var ia = 0, ib = 0
        a.scalars.withUnsafeBufferPointer { ap in
            b.scalars.withUnsafeBufferPointer { bp in
                for i in 0..<n {
                    out[i] = op(ap[ia], bp[ib])
                    // Advance the multi-index like an odometer, keeping both offsets in step.
                    var axis = shape.count - 1
                    while axis >= 0 {
                        counter[axis] += 1
                        ia += sa[axis]; ib += sb[axis]
                        if counter[axis] < shape[axis] { break }
                        ia -= sa[axis] * shape[axis]; ib -= sb[axis] * shape[axis]
                        counter[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// Strides that read `shape` as if it had `target`'s shape (0 along broadcast axes).
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(of: shape)
        let offset = target.count - shape.count
        return (0..<target.count).map { i in
            i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
        }
    }

    /// `body` applied to every element.
    public func map(_ body: (Float) -> Float) -> Tensor {
        Tensor(shape: shape, scalars: scalars.map(body))
    }

    /// Elementwise sum with broadcasting.
    public func adding(_ other: Tensor) throws -> Tensor { try Tensor.zip(self, other, operation: "+", +) }
    /// Elementwise difference with broadcasting.
    public func subtracting(_ other: Tensor) throws -> Tensor { try Tensor.zip(self, other, operation: "-", -) }
    /// Elementwise product with broadcasting.
    public func multiplying(_ other: Tensor) throws -> Tensor { try Tensor.zip(self, other, operation: "*", *) }
    /// Elementwise quotient with broadcasting.
    public func dividing(_ other: Tensor) throws -> Tensor { try Tensor.zip(self, other, operation: "/", /) }

    /// Every element clamped to `range`.
    public func clamped(to range: ClosedRange<Float>) -> Tensor {
        map { Swift.min(Swift.max($0, range.lowerBound), range.upperBound) }
    }

    /// `self * a + b * y` for same-shaped tensors, in one pass (used by samplers).
    public static func linearCombination(_ a: Float, _ x: Tensor, _ b: Float, _ y: Tensor) -> Tensor {
        precondition(x.shape == y.shape, "linearCombination of \(x.shape) and \(y.shape)")
        var out = x.scalars
        y.scalars.withUnsafeBufferPointer { yp in
            out.withUnsafeMutableBufferPointer { op in
                for i in 0..<op.count { op[i] = a * op[i] + b * yp[i] }
            }
        }
        return Tensor(shape: x.shape, scalars: out)
    }
}

// Operators for same-shaped or broadcastable operands inside the library, where a
// mismatch is a programming error; user-facing code calls the throwing forms.
extension Tensor {
    /// Broadcasting sum; traps on incompatible shapes.
    public static func + (a: Tensor, b: Tensor) -> Tensor { mustBroadcast { try a.adding(b) } }
    /// Broadcasting difference; traps on incompatible shapes.
    public static func - (a: Tensor, b: Tensor) -> Tensor { mustBroadcast { try a.subtracting(b) } }
    /// Broadcasting product; traps on incompatible shapes.
    public static func * (a: Tensor, b: Tensor) -> Tensor { mustBroadcast { try a.multiplying(b) } }
    /// Broadcasting quotient; traps on incompatible shapes.
    public static func / (a: Tensor, b: Tensor) -> Tensor { mustBroadcast { try a.dividing(b) } }
    /// Every element plus `s`.
    public static func + (a: Tensor, s: Float) -> Tensor { a.map { $0 + s } }
    /// Every element minus `s`.
    public static func - (a: Tensor, s: Float) -> Tensor { a.map { $0 - s } }
    /// Every element times `s`.
    public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }
    /// `s` times every element.
    public static func * (s: Float, a: Tensor) -> Tensor { a.map { $0 * s } }
    /// Every element divided by `s`.
    public static func / (a: Tensor, s: Float) -> Tensor { a.map { $0 / s } }
    /// Every element negated.
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

    private static func mustBroadcast(_ body: () throws -> Tensor) -> Tensor {
        do { return try body() } catch { preconditionFailure("\(error)") }
    }
}
