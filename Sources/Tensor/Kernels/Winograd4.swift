/// 3x3 convolution (stride 1, padding 1) by Winograd's F(4x4, 3x3) (Lavin and Gray 2015,
/// interpolation points 0, +-1, +-2 and infinity).
///
/// Each 4x4 block of outputs comes from a 6x6 input tile: U = G g G^T, V = B^T d B, the 36
/// elementwise products summed over input channels are 36 GEMMs `[Cout, Cin] x [Cin, tiles]`,
/// and Y = A^T M A. That is 36 multiply-adds per 16 outputs where direct convolution does 144
/// and F(2x2, 3x3) does 64. The price is rounding: the transforms hold 4, 5, 8 and 1/6, so
/// the error grows (measured against Float64 in WinogradTests and stated in docs/performance.md).
///
/// Every transform works on eight horizontally adjacent tiles at once, one per lane;
/// tiles past a row's end are computed on zeros and never stored.
enum Winograd4 {
    /// Elements of a transformed tile (6 x 6).
    static let elements = 36

    typealias L = SIMD8<Float>
    typealias Six = (L, L, L, L, L, L)

    /// B^T applied to a column of six:
    /// B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1].
    @inline(__always)
    static func bt(_ d: Six) -> Six {
        let (d0, d1, d2, d3, d4, d5) = d
        let s34 = d3 + d4, d43 = d4 - d3, d42 = d4 - d2, d31 = d3 - d1
        let s12 = d1 + d2, d12 = d1 - d2
        return (4 * d0 - 5 * d2 + d4,
                s34 - 4 * s12,
                d43 + 4 * d12,
                d42 + 2 * d31,
                d42 - 2 * d31,
                4 * d1 - 5 * d3 + d5)
    }

    /// A^T applied to a column of six: A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1].
    @inline(__always)
    static func at(_ m: Six) -> (L, L, L, L) {
        let (m0, m1, m2, m3, m4, m5) = m
        let s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4
        return (m0 + s12 + s34, d12 + 2 * d34, s12 + 4 * s34, d12 + 8 * d34 + m5)
    }

    /// G applied to a column of three, in Double:
    /// G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1].
    @inline(__always)
    static func g(_ a: Double, _ b: Double, _ c: Double) -> (Double, Double, Double, Double, Double, Double) {
        // Multiplications by the reciprocals: a division per term made the transform of an
        // uncached layer cost more than its convolution.
        let sixth = 1.0 / 6, sum = a + c, quarter = 0.25 * a, half = 0.5 * b
        return (quarter, -sixth * (sum + b), -sixth * (sum - b), sixth * (quarter + half + c), sixth * (quarter - half + c), c)
    }

    /// U = G g G^T for every (out, in) pair, computed in Double and rounded once:
    /// `weights` `[Cout, Cin, 3, 3]` -> `[Cout, 36, Cin]` (element e of output o at
    /// `o * rowStride + e * Cin`).
    static func transformWeights(_ weights: Filters, outChannels: Int, inChannels: Int, rowStride: Int,
                                 into u: UnsafeMutablePointer<Float>) {
        let d = SharedMutablePointer(base: u)
        Parallel.forEach(outChannels * inChannels, costPerItem: 150) { pair in
            let w = weights.filter(pair)
            let k = inChannels
            let o = d.base + (pair / k) * rowStride + pair % k
            // Columns of G g (6 x 3), then G applied to each of its six rows.
            let c0 = g(Double(w[0]), Double(w[3]), Double(w[6]))
            let c1 = g(Double(w[1]), Double(w[4]), Double(w[7]))
            let c2 = g(Double(w[2]), Double(w[5]), Double(w[8]))
            @inline(__always) func emit(_ i: Int, _ r: (Double, Double, Double, Double, Double, Double)) {
                let p = o + 6 * i * k
                p[0] = Float(r.0); p[k] = Float(r.1); p[2 * k] = Float(r.2)
                p[3 * k] = Float(r.3); p[4 * k] = Float(r.4); p[5 * k] = Float(r.5)
            }
            emit(0, g(c0.0, c1.0, c2.0)); emit(1, g(c0.1, c1.1, c2.1)); emit(2, g(c0.2, c1.2, c2.2))
            emit(3, g(c0.3, c1.3, c2.3)); emit(4, g(c0.4, c1.4, c2.4)); emit(5, g(c0.5, c1.5, c2.5))
        }
    }

    /// V = B^T d B for every channel and tile: `input` `[B, C, H, W]` -> `[C, 36, tiles]`,
    /// tiles ordered (b, ty, tx); positions outside the image are the zero padding. With
    /// `affine`, the input is read through it (the padding stays zero).
    static func transformInput(_ input: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int,
                               affine: ChannelAffine? = nil, into v: UnsafeMutablePointer<Float>) {
        let (tilesY, tilesX) = ((height + 3) / 4, (width + 3) / 4)
        let tiles = batch * tilesY * tilesX
        // Padded plane: one zero row/column before the image, and room after it for the
        // last group of eight tiles (two 32-wide loads from column 4 * tx).
        let groupsX = (tilesX + 7) / 8
        let (paddedHeight, paddedWidth) = (4 * tilesY + 2, 32 * groupsX + 8)
        let s = SharedPointer(base: input), d = SharedMutablePointer(base: v)
        Parallel.forEachChunk(channels, minimumPerChunk: Swift.max(1, 16_384 / Swift.max(tiles * 100, 1))) { range in
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: paddedHeight * paddedWidth)
            defer { padded.deallocate() }
            padded.initialize(repeating: 0, count: paddedHeight * paddedWidth)
            var spill = [Float](repeating: 0, count: elements * 8)
            for c in range {
                for b in 0..<batch {
                    ChannelAffine.copyPlane(affine, plane: b * channels + c,
                                            from: s.base + (b * channels + c) * height * width,
                                            height: height, width: width,
                                            to: padded + paddedWidth + 1, destinationStride: paddedWidth)
                    let first = d.base + c * elements * tiles + b * tilesY * tilesX
                    for ty in 0..<tilesY {
                        let row = padded + 4 * ty * paddedWidth
                        var tx = 0
                        while tx < tilesX {
                            let count = Swift.min(8, tilesX - tx)
                            let out = first + ty * tilesX + tx
                            if count == 8 {
                                transformEight(row, paddedWidth, column: 4 * tx, out, tiles)
                            } else {
                                spill.withUnsafeMutableBufferPointer { sp in
                                    guard let t = sp.baseAddress else { return }
                                    transformEight(row, paddedWidth, column: 4 * tx, t, 8)
                                    for e in 0..<elements { (out + e * tiles).update(from: t + e * 8, count: count) }
                                }
                            }
                            tx += 8
                        }
                    }
                }
            }
        }
    }

    /// Eight adjacent tiles whose top-left inputs are `row[column + 4 * i]` (rows `stride`
    /// apart); element e of tile i goes to `out[e * k + i]`.
    @inline(__always)
    private static func transformEight(_ row: UnsafePointer<Float>, _ stride: Int, column: Int,
                                       _ out: UnsafeMutablePointer<Float>, _ k: Int) {
        // Columns column + 4i + j for j in 0..<6: lanes of two 32-wide loads taken every fourth.
        @inline(__always) func rowLanes(_ r: Int) -> Six {
            let p = UnsafeRawPointer(row + r * stride + column)
            let a = p.loadUnaligned(as: SIMD32<Float>.self)
            let b = p.loadUnaligned(fromByteOffset: 16, as: SIMD32<Float>.self)
            let ae = a.evenHalf, ao = a.oddHalf, be = b.evenHalf, bo = b.oddHalf
            return (ae.evenHalf, ao.evenHalf, ae.oddHalf, ao.oddHalf, be.evenHalf, bo.evenHalf)
        }
        let r0 = rowLanes(0), r1 = rowLanes(1), r2 = rowLanes(2)
        let r3 = rowLanes(3), r4 = rowLanes(4), r5 = rowLanes(5)
        // B^T d: each column j of the tile; then each row i of that times B.
        let c0 = bt((r0.0, r1.0, r2.0, r3.0, r4.0, r5.0)), c1 = bt((r0.1, r1.1, r2.1, r3.1, r4.1, r5.1))
        let c2 = bt((r0.2, r1.2, r2.2, r3.2, r4.2, r5.2)), c3 = bt((r0.3, r1.3, r2.3, r3.3, r4.3, r5.3))
        let c4 = bt((r0.4, r1.4, r2.4, r3.4, r4.4, r5.4)), c5 = bt((r0.5, r1.5, r2.5, r3.5, r4.5, r5.5))
        @inline(__always) func emit(_ i: Int, _ v: Six) {
            let o = out + 6 * i * k
            FastMath.store(v.0, o); FastMath.store(v.1, o + k); FastMath.store(v.2, o + 2 * k)
            FastMath.store(v.3, o + 3 * k); FastMath.store(v.4, o + 4 * k); FastMath.store(v.5, o + 5 * k)
        }
        emit(0, bt((c0.0, c1.0, c2.0, c3.0, c4.0, c5.0)))
        emit(1, bt((c0.1, c1.1, c2.1, c3.1, c4.1, c5.1)))
        emit(2, bt((c0.2, c1.2, c2.2, c3.2, c4.2, c5.2)))
        emit(3, bt((c0.3, c1.3, c2.3, c3.3, c4.3, c5.3)))
        emit(4, bt((c0.4, c1.4, c2.4, c3.4, c4.4, c5.4)))
        emit(5, bt((c0.5, c1.5, c2.5, c3.5, c4.5, c5.5)))
    }

    /// Y = A^T M A plus the bias: `m` `[Cout, 36, tiles]` -> `output` `[B, Cout, H, W]`.
    ///
    /// Tiles go eight at a time in their flat order (b, ty, tx), across tile rows and images:
    /// a 16x16 image has rows of four tiles, which as groups of their own would leave half of
    /// every vector idle and need a gather.
    static func transformOutput(_ m: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int,
                                bias: UnsafePointer<Float>?, into output: UnsafeMutablePointer<Float>) {
        let (tilesY, tilesX) = ((height + 3) / 4, (width + 3) / 4)
        let tilesPerImage = tilesY * tilesX, tiles = batch * tilesPerImage
        let s = SharedPointer(base: m), d = SharedMutablePointer(base: output)
        let sb = bias.map { SharedPointer(base: $0) }
        Parallel.forEachChunk(channels, minimumPerChunk: Swift.max(1, 16_384 / Swift.max(tiles * 120, 1))) { range in
            let gathered = UnsafeMutablePointer<Float>.allocate(capacity: elements * 8)
            let block = UnsafeMutablePointer<Float>.allocate(capacity: 4 * 32)
            defer { gathered.deallocate(); block.deallocate() }
            for c in range {
                let b0 = sb?.base[c] ?? 0
                let first = s.base + c * elements * tiles
                var t0 = 0
                while t0 < tiles {
                    let count = Swift.min(8, tiles - t0)
                    if count == 8 {
                        transformEightOut(first + t0, tiles, bias: b0, into: block)
                    } else {
                        for e in 0..<elements { (gathered + e * 8).update(from: first + e * tiles + t0, count: count) }
                        transformEightOut(gathered, 8, bias: b0, into: block)
                    }
                    // block holds 4 rows of 32 outputs, tile i's 4x4 at columns 4i..<4i+4.
                    var i = 0
                    while i < count {
                        let t = t0 + i
                        let b = t / tilesPerImage, ty = (t % tilesPerImage) / tilesX, tx = t % tilesX
                        // The rest of this tile row within the group, copied row by row at once.
                        let run = Swift.min(count - i, tilesX - tx)
                        let x0 = 4 * tx, columns = Swift.min(4 * run, width - x0)
                        let plane = d.base + (b * channels + c) * height * width
                        for r in 0..<Swift.min(4, height - 4 * ty) {
                            (plane + (4 * ty + r) * width + x0).update(from: block + r * 32 + 4 * i, count: columns)
                        }
                        i += run
                    }
                    t0 += 8
                }
            }
        }
    }

    /// Eight tiles' outputs from `m[e * k + i]`: `out` gets four rows of 32 values, tile i's
    /// 4x4 block at columns 4i..<4i+4.
    @inline(__always)
    private static func transformEightOut(_ m: UnsafePointer<Float>, _ k: Int, bias: Float,
                                          into out: UnsafeMutablePointer<Float>) {
        @inline(__always) func row(_ i: Int) -> Six {
            let p = m + 6 * i * k
            return (FastMath.load(p), FastMath.load(p + k), FastMath.load(p + 2 * k),
                    FastMath.load(p + 3 * k), FastMath.load(p + 4 * k), FastMath.load(p + 5 * k))
        }
        let m0 = row(0), m1 = row(1), m2 = row(2), m3 = row(3), m4 = row(4), m5 = row(5)
        // A^T M: each column j; then each of the four rows times A.
        let c0 = at((m0.0, m1.0, m2.0, m3.0, m4.0, m5.0)), c1 = at((m0.1, m1.1, m2.1, m3.1, m4.1, m5.1))
        let c2 = at((m0.2, m1.2, m2.2, m3.2, m4.2, m5.2)), c3 = at((m0.3, m1.3, m2.3, m3.3, m4.3, m5.3))
        let c4 = at((m0.4, m1.4, m2.4, m3.4, m4.4, m5.4)), c5 = at((m0.5, m1.5, m2.5, m3.5, m4.5, m5.5))
        let b = L(repeating: bias)
        @inline(__always) func emit(_ r: Int, _ y: (L, L, L, L)) {
            let (y0, y1, y2, y3) = (y.0 + b, y.1 + b, y.2 + b, y.3 + b)
            let o = out + r * 32
            for i in 0..<8 {
                o[4 * i] = y0[i]; o[4 * i + 1] = y1[i]; o[4 * i + 2] = y2[i]; o[4 * i + 3] = y3[i]
            }
        }
        emit(0, at((c0.0, c1.0, c2.0, c3.0, c4.0, c5.0)))
        emit(1, at((c0.1, c1.1, c2.1, c3.1, c4.1, c5.1)))
        emit(2, at((c0.2, c1.2, c2.2, c3.2, c4.2, c5.2)))
        emit(3, at((c0.3, c1.3, c2.3, c3.3, c4.3, c5.3)))
    }
}
