import CVector

/// 3x3 convolution (stride 1, padding 1) by Winograd's F(4x4, 3x3) (Lavin and Gray 2015,
/// interpolation points 0, +-1, +-2 and infinity).
///
/// Each 4x4 block of outputs comes from a 6x6 input tile: U = G g G^T, V = B^T d B, the 36
/// elementwise products summed over input channels are 36 GEMMs `[Cout, Cin] x [Cin, tiles]`,
/// and Y = A^T M A. That is 36 multiply-adds per 16 outputs where direct convolution does 144
/// and F(2x2, 3x3) does 64. The price is rounding: the transforms hold 4, 5, 8 and 1/6, so
/// the error grows (measured against Float64 in WinogradTests and stated in docs/performance.md).
///
/// The weight transform is here, in Double; the input and output transforms, which run on every
/// call, are CVector's (`nb_winograd4_input`, `nb_winograd4_output`), a vector of adjacent
/// tiles at a time on the instruction set `Float32Kernel` names.
enum Winograd4 {
    /// Elements of a transformed tile (6 x 6).
    static let elements = 36

    /// Transformed inputs of at least this many bytes are stored past the caches (where the
    /// instruction set allows). Larger than a core's L2, the operand is not read back from it,
    /// and an ordinary store first reads every line it fills: those stores took 60% of the
    /// transform (perf, IF-I-M at 64x64, 9 MB), and streaming them cut it by three quarters
    /// while the products that read the operand took no longer.
    static let streamingBytes = 1 << 20

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

    /// V = B^T d B for every channel and tile: `input` `[B, C, H, W]` -> `[36, C, tiles]` laid
    /// out as `layout` says (whole unless given), tiles ordered (b, ty, tx); positions outside
    /// the image are the zero padding. With `affine`, the input is read through it (the padding
    /// stays zero). CVector transforms each padded plane, a vector of adjacent tiles at a time,
    /// storing past the caches from `streamingBytes` of output.
    static func transformInput(_ input: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int,
                               affine: ChannelAffine? = nil, kernel: Float32Kernel = .current,
                               layout: WinogradInputLayout? = nil, streamingBytes: Int = Winograd4.streamingBytes,
                               into v: UnsafeMutablePointer<Float>) {
        let (tilesY, tilesX) = ((height + 3) / 4, (width + 3) / 4)
        let tiles = batch * tilesY * tilesX
        let layout = layout ?? .whole(channels: channels, tiles: tiles)
        // Padded plane: one zero row and column before the image, zeros after it to the last
        // tile's reach and the widest kernel's.
        let (paddedHeight, paddedWidth) = (4 * tilesY + 2, nb_winograd4_row_floats(tilesX))
        let s = SharedPointer(base: input), d = SharedMutablePointer(base: v)
        let code = kernel.vectorCode
        let stream: Int32 = layout.count(elements: elements) * MemoryLayout<Float>.size >= streamingBytes ? 1 : 0
        Parallel.forEachChunk(channels, minimumPerChunk: Swift.max(1, 16_384 / Swift.max(tiles * 100, 1))) { range in
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: paddedHeight * paddedWidth)
            defer { padded.deallocate() }
            padded.initialize(repeating: 0, count: paddedHeight * paddedWidth)
            layout.zeroPadding(d.base, elements: elements, channels: range)
            for c in range {
                for b in 0..<batch {
                    ChannelAffine.copyPlane(affine, plane: b * channels + c,
                                            from: s.base + (b * channels + c) * height * width,
                                            height: height, width: width,
                                            to: padded + paddedWidth + 1, destinationStride: paddedWidth, kernel: kernel)
                    nb_winograd4_input(padded, paddedWidth, tilesY, tilesX, b * tilesY * tilesX,
                                       d.base + layout.channelOffset(c), layout.elementStride, layout.panel,
                                       layout.panelStride, stream, code)
                }
            }
        }
    }

    /// Y = A^T M A plus the bias: `m` `[Cout, 36, tiles]` -> `output` `[B, Cout, H, W]`, on
    /// CVector a vector of tiles at a time in their flat order (b, ty, tx).
    static func transformOutput(_ m: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int,
                                bias: UnsafePointer<Float>?, kernel: Float32Kernel = .current,
                                into output: UnsafeMutablePointer<Float>) {
        let (tilesY, tilesX) = ((height + 3) / 4, (width + 3) / 4)
        let tiles = batch * tilesY * tilesX
        let s = SharedPointer(base: m), d = SharedMutablePointer(base: output)
        let sb = bias.map { SharedPointer(base: $0) }
        let code = kernel.vectorCode
        Parallel.forEachChunk(channels, minimumPerChunk: Swift.max(1, 16_384 / Swift.max(tiles * 120, 1))) { range in
            for c in range {
                nb_winograd4_output(s.base + c * elements * tiles, tiles, batch, tilesY, tilesX, sb?.base[c] ?? 0,
                                    d.base + c * height * width, height, width, channels * height * width, code)
            }
        }
    }
}
