import Foundation

/// 3x3 convolution (stride 1, padding 1) by Winograd's minimal filtering F(2x2, 3x3)
/// (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2015).
///
/// Each 2x2 block of outputs comes from a 4x4 input tile: with U = G g G^T (weights) and
/// V = B^T d B (input tile), the 16 elementwise products U .* V summed over input channels
/// give M, and Y = A^T M A. Summing over channels is 16 independent GEMMs
/// `[Cout, Cin] x [Cin, tiles]`: 16 multiply-adds per 2x2 outputs instead of 36, 2.25x
/// fewer. The transforms use only 0, +-1 and +-1/2, so rounding stays close to direct
/// convolution's (checked in WinogradTests).
enum Winograd {
    typealias Four = (Float, Float, Float, Float)

    /// G applied to a column of three: G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1].
    @inline(__always)
    static func g(_ a: Float, _ b: Float, _ c: Float) -> Four { (a, 0.5 * (a + b + c), 0.5 * (a - b + c), c) }

    /// B^T applied to a column of four: B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1].
    @inline(__always)
    static func bt(_ a: Float, _ b: Float, _ c: Float, _ d: Float) -> Four { (a - c, b + c, c - b, b - d) }

    /// A^T applied to a column of four: A^T = [1 1 1 0; 0 1 -1 -1].
    @inline(__always)
    static func at(_ a: Float, _ b: Float, _ c: Float, _ d: Float) -> (Float, Float) { (a + b + c, b - c - d) }

    /// U = G g G^T for every (out, in) pair: `weights` `[Cout, Cin, 3, 3]` -> `[Cout, 16, Cin]`
    /// (element e of the 4x4 transform for output o is the row at `o * rowStride + e * Cin`,
    /// so each output channel's 16 rows are written close together).
    static func transformWeights(_ weights: Filters, outChannels: Int, inChannels: Int, rowStride: Int,
                                 into u: UnsafeMutablePointer<Float>) {
        let pairs = outChannels * inChannels
        let d = SharedMutablePointer(base: u)
        Parallel.forEach(pairs, costPerItem: 64) { pair in
            let w = weights.filter(pair)
            // Columns of G g (4 x 3), then G applied to each of its 4 rows.
            let c0 = g(w[0], w[3], w[6]), c1 = g(w[1], w[4], w[7]), c2 = g(w[2], w[5], w[8])
            let r0 = g(c0.0, c1.0, c2.0), r1 = g(c0.1, c1.1, c2.1), r2 = g(c0.2, c1.2, c2.2), r3 = g(c0.3, c1.3, c2.3)
            let k = inChannels
            let o = d.base + (pair / k) * rowStride + pair % k
            o[0] = r0.0; o[k] = r0.1; o[2 * k] = r0.2; o[3 * k] = r0.3
            o[4 * k] = r1.0; o[5 * k] = r1.1; o[6 * k] = r1.2; o[7 * k] = r1.3
            o[8 * k] = r2.0; o[9 * k] = r2.1; o[10 * k] = r2.2; o[11 * k] = r2.3
            o[12 * k] = r3.0; o[13 * k] = r3.1; o[14 * k] = r3.2; o[15 * k] = r3.3
        }
    }

    /// V = B^T d B for every channel and tile: `input` `[B, C, H, W]` -> `[16, C, tiles]`,
    /// tiles ordered (b, ty, tx); positions outside the image are the zero padding. With
    /// `affine`, the input is read through it (a group norm's map: the padding stays zero).
    ///
    /// Each plane is first copied into a zero-bordered buffer, so that every tile is read
    /// without bounds checks, eight horizontally adjacent tiles at a time: a 16-wide load
    /// split into even and odd lanes gives columns j and j + 1 of all eight tiles.
    static func transformInput(_ input: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int,
                               affine: ChannelAffine? = nil, into v: UnsafeMutablePointer<Float>) {
        let (tilesY, tilesX) = ((height + 1) / 2, (width + 1) / 2)
        let tiles = batch * tilesY * tilesX
        let k = channels * tiles
        // Padded plane: one zero row/column before, enough after for the last 16-wide load.
        let (paddedHeight, paddedWidth) = (2 * tilesY + 2, 2 * tilesX + 18)
        let s = SharedPointer(base: input), d = SharedMutablePointer(base: v)
        Parallel.forEachChunk(channels, minimumPerChunk: Swift.max(1, 16_384 / Swift.max(tiles * 48, 1))) { range in
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: paddedHeight * paddedWidth)
            defer { padded.deallocate() }
            padded.initialize(repeating: 0, count: paddedHeight * paddedWidth)
            for c in range {
                for b in 0..<batch {
                    ChannelAffine.copyPlane(affine, plane: b * channels + c,
                                            from: s.base + (b * channels + c) * height * width,
                                            height: height, width: width,
                                            to: padded + paddedWidth + 1, destinationStride: paddedWidth)
                    let first = d.base + c * tiles + b * tilesY * tilesX
                    for ty in 0..<tilesY {
                        let row = padded + 2 * ty * paddedWidth
                        var tx = 0
                        while tx + 8 <= tilesX {
                            transformEight(row, paddedWidth, first + ty * tilesX + tx, k, column: 2 * tx)
                            tx += 8
                        }
                        while tx < tilesX {
                            transformOne(row, paddedWidth, first + ty * tilesX + tx, k, column: 2 * tx)
                            tx += 1
                        }
                    }
                }
            }
        }
    }

    /// One tile whose top-left input is `row[column]` (rows `stride` apart); element e
    /// of its transform goes to `out[e * k]`.
    @inline(__always)
    private static func transformOne(_ row: UnsafePointer<Float>, _ stride: Int, _ out: UnsafeMutablePointer<Float>,
                                     _ k: Int, column: Int) {
        let p = row + column
        let r0 = (p[0], p[1], p[2], p[3])
        let r1 = (p[stride], p[stride + 1], p[stride + 2], p[stride + 3])
        let r2 = (p[2 * stride], p[2 * stride + 1], p[2 * stride + 2], p[2 * stride + 3])
        let r3 = (p[3 * stride], p[3 * stride + 1], p[3 * stride + 2], p[3 * stride + 3])
        // B^T d: columns; then each row of that times B.
        let c0 = bt(r0.0, r1.0, r2.0, r3.0), c1 = bt(r0.1, r1.1, r2.1, r3.1)
        let c2 = bt(r0.2, r1.2, r2.2, r3.2), c3 = bt(r0.3, r1.3, r2.3, r3.3)
        let v0 = bt(c0.0, c1.0, c2.0, c3.0), v1 = bt(c0.1, c1.1, c2.1, c3.1)
        let v2 = bt(c0.2, c1.2, c2.2, c3.2), v3 = bt(c0.3, c1.3, c2.3, c3.3)
        out[0] = v0.0; out[k] = v0.1; out[2 * k] = v0.2; out[3 * k] = v0.3
        out[4 * k] = v1.0; out[5 * k] = v1.1; out[6 * k] = v1.2; out[7 * k] = v1.3
        out[8 * k] = v2.0; out[9 * k] = v2.1; out[10 * k] = v2.2; out[11 * k] = v2.3
        out[12 * k] = v3.0; out[13 * k] = v3.1; out[14 * k] = v3.2; out[15 * k] = v3.3
    }

    /// Eight adjacent tiles at once, one per lane: the same arithmetic as `transformOne`.
    @inline(__always)
    private static func transformEight(_ row: UnsafePointer<Float>, _ stride: Int, _ out: UnsafeMutablePointer<Float>,
                                       _ k: Int, column: Int) {
        typealias L = SIMD8<Float>
        @inline(__always) func rowLanes(_ i: Int) -> (L, L, L, L) {
            let p = UnsafeRawPointer(row + i * stride + column)
            let a = p.loadUnaligned(as: SIMD16<Float>.self)
            let b = p.loadUnaligned(fromByteOffset: 8, as: SIMD16<Float>.self)
            return (a.evenHalf, a.oddHalf, b.evenHalf, b.oddHalf)
        }
        @inline(__always) func bt(_ a: L, _ b: L, _ c: L, _ d: L) -> (L, L, L, L) { (a - c, b + c, c - b, b - d) }
        let r0 = rowLanes(0), r1 = rowLanes(1), r2 = rowLanes(2), r3 = rowLanes(3)
        let c0 = bt(r0.0, r1.0, r2.0, r3.0), c1 = bt(r0.1, r1.1, r2.1, r3.1)
        let c2 = bt(r0.2, r1.2, r2.2, r3.2), c3 = bt(r0.3, r1.3, r2.3, r3.3)
        let v0 = bt(c0.0, c1.0, c2.0, c3.0), v1 = bt(c0.1, c1.1, c2.1, c3.1)
        let v2 = bt(c0.2, c1.2, c2.2, c3.2), v3 = bt(c0.3, c1.3, c2.3, c3.3)
        FastMath.store(v0.0, out); FastMath.store(v0.1, out + k)
        FastMath.store(v0.2, out + 2 * k); FastMath.store(v0.3, out + 3 * k)
        FastMath.store(v1.0, out + 4 * k); FastMath.store(v1.1, out + 5 * k)
        FastMath.store(v1.2, out + 6 * k); FastMath.store(v1.3, out + 7 * k)
        FastMath.store(v2.0, out + 8 * k); FastMath.store(v2.1, out + 9 * k)
        FastMath.store(v2.2, out + 10 * k); FastMath.store(v2.3, out + 11 * k)
        FastMath.store(v3.0, out + 12 * k); FastMath.store(v3.1, out + 13 * k)
        FastMath.store(v3.2, out + 14 * k); FastMath.store(v3.3, out + 15 * k)
    }

    /// Y = A^T M A plus the bias: `m` `[Cout, 16, tiles]` -> `output` `[B, Cout, H, W]`.
    static func transformOutput(_ m: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int,
                                bias: UnsafePointer<Float>?, into output: UnsafeMutablePointer<Float>) {
        let (tilesY, tilesX) = ((height + 1) / 2, (width + 1) / 2)
        let tiles = batch * tilesY * tilesX
        let k = tiles
        let s = SharedPointer(base: m), d = SharedMutablePointer(base: output)
        let sb = bias.map { SharedPointer(base: $0) }
        Parallel.forEach(channels, costPerItem: tiles * 40) { c in
            let b0 = sb?.base[c] ?? 0
            for b in 0..<batch {
                let plane = d.base + (b * channels + c) * height * width
                for ty in 0..<tilesY {
                    for tx in 0..<tilesX {
                        let p = s.base + c * 16 * tiles + (b * tilesY + ty) * tilesX + tx
                        // A^T M over columns, then each of the two rows times A.
                        let c0 = at(p[0], p[4 * k], p[8 * k], p[12 * k]), c1 = at(p[k], p[5 * k], p[9 * k], p[13 * k])
                        let c2 = at(p[2 * k], p[6 * k], p[10 * k], p[14 * k]), c3 = at(p[3 * k], p[7 * k], p[11 * k], p[15 * k])
                        let top = at(c0.0, c1.0, c2.0, c3.0), bottom = at(c0.1, c1.1, c2.1, c3.1)
                        let y = 2 * ty, x = 2 * tx
                        let o = plane + y * width + x
                        o[0] = top.0 + b0
                        if x + 1 < width { o[1] = top.1 + b0 }
                        if y + 1 < height {
                            o[width] = bottom.0 + b0
                            if x + 1 < width { o[width + 1] = bottom.1 + b0 }
                        }
                    }
                }
            }
        }
    }

    /// The convolution: `input` `[B, Cin, H, W]`, `weights` `[Cout, Cin, 3, 3]` ->
    /// `output` `[B, Cout, H, W]`.
    static func convolve(_ input: UnsafePointer<Float>, batch: Int, inChannels: Int, height: Int, width: Int,
                         weights: Filters, outChannels: Int, bias: UnsafePointer<Float>?,
                         tile: WinogradTile, kernel: Float32Kernel = .current, affine: ChannelAffine? = nil,
                         into output: UnsafeMutablePointer<Float>) {
        let u = UnsafeMutablePointer<Float>.allocate(capacity: tile.transformedCount(outChannels: outChannels, inChannels: inChannels))
        defer { u.deallocate() }
        tile.transformWeights(weights, outChannels: outChannels, inChannels: inChannels, into: u)
        convolve(input, batch: batch, inChannels: inChannels, height: height, width: width, transformedWeights: u,
                 outChannels: outChannels, bias: bias, tile: tile, kernel: kernel, affine: affine, into: output)
    }

    /// The same with the weights already transformed: `transformedWeights`
    /// `[Cout, elements, Cin]` as `tile.transformWeights` writes them (output channels
    /// `tile.rowStride` apart). Element products on panels are cut into blocks of
    /// `productRows` rows unless `rowBlock` says otherwise.
    static func convolve(_ input: UnsafePointer<Float>, batch: Int, inChannels: Int, height: Int, width: Int,
                         transformedWeights u: UnsafePointer<Float>, outChannels: Int, bias: UnsafePointer<Float>?,
                         tile: WinogradTile, kernel: Float32Kernel = .current, affine: ChannelAffine? = nil,
                         rowBlock: Int? = nil, into output: UnsafeMutablePointer<Float>) {
        let su = SharedPointer(base: u), stride = tile.rowStride(inChannels: inChannels)
        let tileCount = tile.tiles(batch: batch, height: height, width: width)
        // Chosen by one image's tiles, so that an image gets the same values alone and in a batch.
        let kernel = kernel.forProduct(columns: tile.tiles(batch: 1, height: height, width: width))
        // F(4x4, 3x3)'s transform writes V in the kernel's own panels, which it then reads in place.
        let layout = tile == .f4x4 ? WinogradInputLayout.forKernel(kernel, channels: inChannels, tiles: tileCount)
                                   : .whole(channels: inChannels, tiles: tileCount)
        // Panels are read in place, so an element's product cut by rows costs no packing.
        let rowBlock = !layout.isPanelled ? outChannels
            : rowBlock ?? productRows(outChannels: outChannels, elements: tile.elements, kernel: kernel)
        convolve(input, batch: batch, inChannels: inChannels, height: height, width: width, outChannels: outChannels,
                 bias: bias, tile: tile, affine: affine, transforms: kernel, layout: layout, rowBlock: rowBlock,
                 into: output) { e, rows, v, m, ldm in
            // U[:, e, :] [Cout, Cin] is a strided view of the interleaved layout, read in place.
            let a = su.base + e * inChannels + rows.lowerBound * stride, c = m + rows.lowerBound * ldm
            if layout.isPanelled {
                kernel.multiplyOnThisThread(m: rows.count, n: tileCount, k: inChannels, a: a, lda: stride,
                                            panels: v, panelStride: layout.panelStride, c: c, ldc: ldm)
            } else {
                kernel.multiplyOnThisThread(m: rows.count, n: tileCount, k: inChannels, a: a, lda: stride,
                                            b: v, ldb: tileCount, c: c, ldc: ldm)
            }
        }
    }

    /// Element products per lane to aim for: 36 whole products over two lanes left them apart
    /// at the end by about half a product (1.3% of a forward's Winograd time in perf).
    static let productsPerLane = 48
    /// Micro-tiles of rows a part keeps at least: the kernels' row block, which shares one pass
    /// over B's panels.
    static let tilesPerProduct = 8

    /// Rows of M per part of an element's product `[outChannels, Cin] x [Cin, tiles]` on
    /// `kernel`, so that `elements` products make about `productsPerLane` parts per lane: a
    /// multiple of the kernel's micro-tile height, or all of `outChannels`.
    static func productRows(outChannels: Int, elements: Int, kernel: Float32Kernel, lanes: Int = Parallel.workers) -> Int {
        let height = kernel.tileHeight
        let tiles = (outChannels + height - 1) / height
        let wanted = (lanes * productsPerLane + elements - 1) / Swift.max(1, elements)
        let parts = Swift.max(1, Swift.min(wanted, tiles / tilesPerProduct))
        return parts == 1 ? outChannels : (tiles + parts - 1) / parts * height
    }

    /// The convolution around its element products: `product(e, rows, V_e, M_e, ldm)` computes
    /// rows `rows` of M[:, e, :] `[Cout, tiles]` (rows `ldm` apart from M_e) = U_e `[Cout, Cin]` x
    /// V_e `[Cin, tiles]` (laid out as `layout` says; whole unless given) on the calling thread, in
    /// whatever precision the weights are held, for rows in blocks of `rowBlock` (all of them
    /// unless given); the F(4x4, 3x3) transforms run on the instruction set of `transforms`.
    static func convolve(_ input: UnsafePointer<Float>, batch: Int, inChannels: Int, height: Int, width: Int,
                         outChannels: Int, bias: UnsafePointer<Float>?, tile: WinogradTile, affine: ChannelAffine? = nil,
                         transforms: Float32Kernel = .current, layout: WinogradInputLayout? = nil, rowBlock: Int? = nil,
                         into output: UnsafeMutablePointer<Float>,
                         product: @Sendable (Int, Range<Int>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) {
        let tiles = tile.tiles(batch: batch, height: height, width: width)
        let elements = tile.elements
        let layout = layout ?? .whole(channels: inChannels, tiles: tiles)
        // 64-byte aligned: the kernels load whole panel rows aligned.
        let count = layout.count(elements: elements)
        let v = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: count)
        let m = UnsafeMutablePointer<Float>.allocate(capacity: elements * outChannels * tiles)
        defer { v.deallocate(); m.deallocate() }
        switch tile {
        case .f2x2:
            precondition(!layout.isPanelled, "F(2x2, 3x3) writes its operands whole")
            transformInput(input, batch: batch, channels: inChannels, height: height, width: width, affine: affine, into: v)
        case .f4x4:
            Winograd4.transformInput(input, batch: batch, channels: inChannels, height: height, width: width, affine: affine,
                                     kernel: transforms, layout: layout, into: v)
        }
        // The elements are independent, so the cores take whole products or blocks of their
        // rows (one hand-off for all of them, no operand packed twice).
        let sv = SharedPointer(base: v), sm = SharedMutablePointer(base: m)
        let block = Swift.max(1, Swift.min(rowBlock ?? outChannels, outChannels))
        let parts = (outChannels + block - 1) / block
        BLASRuntime.singleThreaded()
        Parallel.perform(iterations: elements * parts) { chunk in
            let (e, part) = chunk.quotientAndRemainder(dividingBy: parts)
            let rows = part * block..<Swift.min(outChannels, (part + 1) * block)
            product(e, rows, sv.base + e * layout.elementStride, sm.base + e * tiles, elements * tiles)
        }
        switch tile {
        case .f2x2:
            transformOutput(m, batch: batch, channels: outChannels, height: height, width: width, bias: bias, into: output)
        case .f4x4:
            Winograd4.transformOutput(m, batch: batch, channels: outChannels, height: height, width: width,
                                      bias: bias, kernel: transforms, into: output)
        }
    }
}

/// Which Winograd algorithm a 3x3 convolution uses: F(2x2, 3x3) or F(4x4, 3x3).
public enum WinogradTile: String, Sendable, CaseIterable {
    /// F(2x2, 3x3): 16 products per 2x2 outputs (2.25x fewer than direct), transforms in 0, +-1, +-1/2.
    case f2x2 = "f2"
    /// F(4x4, 3x3): 36 products per 4x4 outputs (4x fewer than direct), larger rounding error.
    case f4x4 = "f4"

    /// Elements of a transformed tile (the number of GEMMs).
    var elements: Int { self == .f2x2 ? 16 : Winograd4.elements }

    /// Outputs along each side of a tile.
    var side: Int { self == .f2x2 ? 2 : 4 }

    /// Tiles covering a `[batch, _, height, width]` output.
    func tiles(batch: Int, height: Int, width: Int) -> Int {
        batch * ((height + side - 1) / side) * ((width + side - 1) / side)
    }

    /// Floats from one output channel's transformed rows to the next in `[Cout, elements,
    /// Cin]`: `elements * Cin` rounded up to an odd number of 64-byte lines.
    ///
    /// The element products read 16 (AVX-512) or 6 (AVX2) output channels' rows side by side.
    /// With a stride of a multiple of 2 KB (F(2x2, 3x3) with 32k input channels, F(4x4, 3x3)
    /// with 128k) those rows all fall in one or two of L1's 64 sets and evict each other
    /// on every step; an odd number of lines spreads them over 16 sets.
    func rowStride(inChannels: Int) -> Int {
        let lines = (elements * inChannels + 15) / 16
        return 16 * (lines % 2 == 0 ? lines + 1 : lines)
    }

    /// Floats the transformed weights of `[Cout, Cin, 3, 3]` take, padding included.
    func transformedCount(outChannels: Int, inChannels: Int) -> Int {
        outChannels * rowStride(inChannels: inChannels)
    }

    /// U for every (out, in) pair: `[Cout, Cin, 3, 3]` -> `[Cout, elements, Cin]`, output
    /// channels `rowStride(inChannels:)` apart (`u` holds `transformedCount`; the padding is zeroed).
    func transformWeights(_ weights: UnsafePointer<Float>, outChannels: Int, inChannels: Int,
                          into u: UnsafeMutablePointer<Float>) {
        transformWeights(.float32(weights), outChannels: outChannels, inChannels: inChannels, into: u)
    }

    /// The same from `weights` held either way.
    func transformWeights(_ weights: Filters, outChannels: Int, inChannels: Int,
                          into u: UnsafeMutablePointer<Float>) {
        let stride = rowStride(inChannels: inChannels), used = elements * inChannels
        // Only each row's padding: the transform writes the rest, and zeroing all of it first
        // cost a second pass over transforms made on every call (IF-I-XL: 3 GB a forward).
        for o in 0..<outChannels { (u + o * stride + used).initialize(repeating: 0, count: stride - used) }
        switch self {
        case .f2x2: Winograd.transformWeights(weights, outChannels: outChannels, inChannels: inChannels, rowStride: stride, into: u)
        case .f4x4: Winograd4.transformWeights(weights, outChannels: outChannels, inChannels: inChannels, rowStride: stride, into: u)
        }
    }
}

/// Where a weight transform reads the 3x3 filters `[Cout, Cin, 3, 3]`: Float32 values, or
/// half-precision bit patterns widened as they are read, so that a layer transformed on every
/// call is never first written out whole in Float32.
enum Filters: @unchecked Sendable {
    /// Float32 values.
    case float32(UnsafePointer<Float>)
    /// IEEE half-precision bit patterns.
    case half(UnsafePointer<UInt16>)

    /// The nine values of filter `pair` (output channel times Cin plus input channel), row-major.
    @inline(__always)
    func filter(_ pair: Int) -> [9 of Float] {
        switch self {
        case .float32(let base):
            let w = base + pair * 9
            return [w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8]]
        case .half(let base):
            let w = base + pair * 9
            return InlineArray { HalfStorage.float(fromHalf: w[$0]) }
        }
    }
}
