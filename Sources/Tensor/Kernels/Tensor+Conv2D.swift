/// How `conv2d` computes a convolution.
public enum ConvolutionAlgorithm: Sendable, Equatable {
    /// `ConvolutionPolicy.current`: Winograd for 3x3 kernels with padding 1 on images large
    /// enough for it to pay, im2col and one GEMM otherwise.
    case automatic
    /// im2col and one GEMM (direct convolution's arithmetic).
    case direct
    /// The given Winograd algorithm; only for 3x3 kernels with padding 1 (others run direct).
    case winograd(WinogradTile)
}

/// 2-D convolution (cross-correlation, PyTorch layout): Winograd where it pays, otherwise
/// im2col and one SGEMM. Every convolution in the project goes through
/// `conv2d`, so the algorithm is chosen in a single place.
extension Tensor {
    /// Convolution with stride 1 and zero padding `padding` on every side:
    /// `self` `[B, Cin, H, W]`, `weight` `[Cout, Cin, kh, kw]`, `bias` `[Cout]`;
    /// returns `[B, Cout, H + 2p - kh + 1, W + 2p - kw + 1]`.
    public func conv2d(weight: Tensor, bias: Tensor?, padding: Int, algorithm: ConvolutionAlgorithm = .automatic) throws -> Tensor {
        guard weight.rank == 4, weight.count > 0 else {
            throw TensorError.shapeMismatch(operation: "conv2d", shape, weight.shape)
        }
        return try weight.scalars.withUnsafeBufferPointer { wp in
            guard let w = wp.baseAddress else { throw TensorError.empty(operation: "conv2d weight") }
            return try conv2d(weights: w, weightShape: weight.shape, bias: bias, padding: padding, algorithm: algorithm)
        }
    }

    /// The same with the weights `[Cout, Cin, kh, kw]` given as a pointer (e.g. widened
    /// from half precision into a scratch buffer). With `winogradCache`, a Winograd call
    /// transforms the weights only the first time and reuses them after (the caller
    /// passes the same weights with the same cache every time). `kernel` runs the products of
    /// at most `Float32Kernel.narrowColumns` columns (wider ones run on OpenBLAS). With
    /// `inputAffine` (a group norm's map of `self`), the convolution reads `self` through it:
    /// Winograd applies it as it transforms the input, direct convolution first applies it
    /// to the whole tensor.
    public func conv2d(weights: UnsafePointer<Float>, weightShape: [Int], bias: Tensor?, padding: Int,
                       algorithm: ConvolutionAlgorithm = .automatic,
                       winogradCache: WinogradWeightCache? = nil, kernel: Float32Kernel = .current,
                       inputAffine: ChannelAffine? = nil) throws -> Tensor {
        let (cout, cin) = (weightShape.first ?? 0, weightShape.count > 1 ? weightShape[1] : 0)
        let k = weightShape.dropFirst().reduce(1, *)
        // A layer keeps its transformed weights only where the policy has it hold them and its
        // cache admits the tile it would keep (within the model's budget); otherwise it runs
        // as one whose weights are transformed on every call.
        let holding = winogradHolding(winogradCache, weightShape: weightShape, padding: padding, algorithm: algorithm,
                                      reserving: true)
        let winogradCache = holding == .perCall ? nil : winogradCache
        return try convolve(weightShape: weightShape, bias: bias, padding: padding, algorithm: algorithm,
                            weights: holding, inputAffine: inputAffine,
                            direct: { columns, n, imageColumns, product in
                                kernel.forProduct(columns: imageColumns).multiply(m: cout, n: n, k: k, a: weights, lda: k,
                                                                                  b: columns, ldb: n, c: product, ldc: n)
                            },
                            winograd: { tile, input, batch, h, w, b, output in
                                if let winogradCache {
                                    winogradCache.withTransformed(weights, tile: tile, outChannels: cout, inChannels: cin) { u in
                                        Winograd.convolve(input, batch: batch, inChannels: cin, height: h, width: w,
                                                          transformedWeights: u, outChannels: cout, bias: b, tile: tile,
                                                          kernel: kernel, affine: inputAffine, into: output)
                                    }
                                } else {
                                    Winograd.convolve(input, batch: batch, inChannels: cin, height: h, width: w, weights: .float32(weights),
                                                      outChannels: cout, bias: b, tile: tile, kernel: kernel, affine: inputAffine,
                                                      into: output)
                                }
                            })
    }

    /// The same with the weights held in half precision (`[Cout, Cin, kh, kw]` bit patterns),
    /// which are never written out whole in Float32 where it can be helped: a direct product on
    /// noisebook's own kernel reads them as they are, widened a block at a time inside its loops,
    /// and a Winograd transform made for this call reads them directly; both give the widened
    /// weights' output bit for bit. The other paths (filling a kept transform, products wide
    /// enough for OpenBLAS) run `conv2d(weights:)` inside `widened`, which calls its body with
    /// the Float32 values.
    public func conv2d(halfWeights: UnsafePointer<UInt16>, weightShape: [Int], bias: Tensor?, padding: Int,
                       algorithm: ConvolutionAlgorithm = .automatic,
                       winogradCache: WinogradWeightCache? = nil, kernel: Float32Kernel = .current,
                       inputAffine: ChannelAffine? = nil,
                       widened: ((UnsafePointer<Float>) throws -> Tensor) throws -> Tensor) throws -> Tensor {
        func runOnWidened() throws -> Tensor {
            try widened { w in
                try conv2d(weights: w, weightShape: weightShape, bias: bias, padding: padding, algorithm: algorithm,
                           winogradCache: winogradCache, kernel: kernel, inputAffine: inputAffine)
            }
        }
        guard rank == 4, weightShape.count == 4 else { return try runOnWidened() }
        let (cout, kh, kw) = (weightShape[0], weightShape[2], weightShape[3])
        // The kernel is chosen by one image's columns, so that an image gets the same values alone
        // and in a batch.
        let columns = (shape[2] + 2 * padding - kh + 1) * (shape[3] + 2 * padding - kw + 1)
        let holding = winogradHolding(winogradCache, weightShape: weightShape, padding: padding, algorithm: algorithm,
                                      reserving: true)
        let productKernel = kernel.forProduct(columns: columns)
        let tile = winogradTile(algorithm, kernel: (kh, kw), padding: padding, height: shape[2], width: shape[3],
                                weights: holding, bfloat16: false)
        guard tile == nil ? productKernel != .openblas : holding == .perCall else { return try runOnWidened() }
        let k = weightShape.dropFirst().reduce(1, *), cin = weightShape[1]
        let bits = SharedPointer(base: halfWeights)
        return try convolve(weightShape: weightShape, bias: bias, padding: padding, algorithm: algorithm,
                            weights: holding, inputAffine: inputAffine,
                            direct: { columns, n, _, product in
                                productKernel.multiply(m: cout, n: n, k: k, aHalf: bits.base, lda: k,
                                                       b: columns, ldb: n, c: product, ldc: n)
                            },
                            winograd: { tile, input, batch, h, w, b, output in
                                Winograd.convolve(input, batch: batch, inChannels: cin, height: h, width: w,
                                                  weights: .half(bits.base), outChannels: cout, bias: b, tile: tile,
                                                  kernel: kernel, affine: inputAffine, into: output)
                            })
    }

    /// The convolution through the transformed weights `cache` keeps, without reading the
    /// layer's own weights (`[Cout, Cin, 3, 3]` of shape `weightShape`), or nil when this call
    /// would not use kept weights: the cache is not filled yet, or this image size runs another
    /// way. A half-precision layer calls this first, so that once its transform is kept it
    /// neither widens its weights nor touches their pages again.
    public func conv2d(keptIn cache: WinogradWeightCache, weightShape: [Int], bias: Tensor?, padding: Int,
                       algorithm: ConvolutionAlgorithm = .automatic, kernel: Float32Kernel = .current,
                       inputAffine: ChannelAffine? = nil) throws -> Tensor? {
        let holding = winogradHolding(cache, weightShape: weightShape, padding: padding, algorithm: algorithm, reserving: false)
        guard holding != .perCall,
              let tile = winogradTile(algorithm, kernel: (weightShape[2], weightShape[3]), padding: padding,
                                      height: shape[2], width: shape[3], weights: holding, bfloat16: false) else { return nil }
        try checkConvolution(weightShape: weightShape, bias: bias, padding: padding, inputAffine: inputAffine)
        let (cout, cin) = (weightShape[0], weightShape[1])
        return cache.withKept(tile) { u in
            winogradConvolution(tile, outChannels: cout, bias: bias) { input, batch, h, w, b, output in
                Winograd.convolve(input, batch: batch, inChannels: cin, height: h, width: w, transformedWeights: u,
                                  outChannels: cout, bias: b, tile: tile, kernel: kernel, affine: inputAffine, into: output)
            }
        }
    }

    /// How a layer with `cache` holds its weights for this call: kept (admitted to the model's
    /// budget first when `reserving`) where the policy has it keep them and Winograd runs,
    /// otherwise `perCall`.
    private func winogradHolding(_ cache: WinogradWeightCache?, weightShape: [Int], padding: Int,
                                 algorithm: ConvolutionAlgorithm, reserving: Bool) -> WinogradWeights {
        guard let cache, rank == 4, weightShape.count == 4 else { return .perCall }
        let (h, w) = (shape[2], shape[3])
        let held = ConvolutionPolicy.current.holding(height: h, width: w, halfWeights: cache.halfWeights)
        guard held != .perCall,
              let tile = winogradTile(algorithm, kernel: (weightShape[2], weightShape[3]), padding: padding, height: h, width: w,
                                      weights: held, bfloat16: false) else { return .perCall }
        guard reserving else { return held }
        return cache.admits(tile, outChannels: weightShape[0], inChannels: weightShape[1]) ? held : .perCall
    }

    /// The same with bf16 weights (`precision: bf16`): the products run on noisebook's bf16
    /// kernel, the transforms, layouts and bias in Float32.
    public func conv2d(bfloat16 weights: BFloat16ConvWeights, bias: Tensor?, padding: Int,
                       algorithm: ConvolutionAlgorithm = .automatic, inputAffine: ChannelAffine? = nil) throws -> Tensor {
        let shape = weights.shape
        return try convolve(weightShape: shape, bias: bias, padding: padding, algorithm: algorithm, weights: .kept, bfloat16: true,
                            inputAffine: inputAffine,
                            direct: { columns, n, _, product in
                                Tensor.bf16gemm(weights.direct, b: columns, ldb: n, n: n, c: product, ldc: n, kernel: weights.kernel)
                            },
                            winograd: { tile, input, batch, h, w, b, output in
                                let elements = weights.winogradElements(tile)
                                let tiles = tile.tiles(batch: batch, height: h, width: w)
                                Winograd.convolve(input, batch: batch, inChannels: shape[1], height: h, width: w, outChannels: shape[0],
                                                  bias: b, tile: tile, affine: inputAffine, into: output) { e, _, v, m, ldm in
                                    // V_e whole: rows `tiles` apart.
                                    elements[e].multiplyOnThisThread(b: v, ldb: tiles, n: tiles, c: m, ldc: ldm, kernel: weights.kernel)
                                }
                            })
    }

    /// The convolution around its products: `direct(columns, n, imageColumns, product)` computes
    /// `[Cout, K] x [K, n]` into `product`, overwriting all of it (`imageColumns` of the `n` are
    /// one image's: a kernel chosen by them gives an image the same values in any batch);
    /// `winograd(tile, input, batch, h, w, bias, output)` the whole Winograd convolution (which
    /// applies `inputAffine` itself). Checks, the
    /// algorithm choice, im2col, the bias and the layout back to `[B, Cout, Ho, Wo]` are
    /// shared by every precision.
    private func convolve(weightShape: [Int], bias: Tensor?, padding: Int, algorithm: ConvolutionAlgorithm,
                          weights: WinogradWeights, bfloat16: Bool = false, inputAffine: ChannelAffine?,
                          direct: (UnsafePointer<Float>, Int, Int, UnsafeMutablePointer<Float>) -> Void,
                          winograd: (WinogradTile, UnsafePointer<Float>, Int, Int, Int, UnsafePointer<Float>?,
                                     UnsafeMutablePointer<Float>) -> Void) throws -> Tensor {
        let (ho, wo) = try checkConvolution(weightShape: weightShape, bias: bias, padding: padding, inputAffine: inputAffine)
        let (batch, cin, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let (cout, kh, kw) = (weightShape[0], weightShape[2], weightShape[3])
        if let tile = winogradTile(algorithm, kernel: (kh, kw), padding: padding, height: h, width: w,
                                   weights: weights, bfloat16: bfloat16) {
            return winogradConvolution(tile, outChannels: cout, bias: bias) { winograd(tile, $0, $1, $2, $3, $4, $5) }
        }
        let scalars = try inputAffine?.applied(to: self).scalars ?? self.scalars
        let spatial = ho * wo
        let pointwise = kh == 1 && kw == 1 && padding == 0
        if pointwise || batch == 1 {
            // Image by image, as a linear layer over each image's columns, each image's
            // [Cout, Ho * Wo] product written in place in the output: a 1x1 convolution reads
            // each image's [Cin, H * W] as it is, with no copy of the input into [Cin, B * H * W]
            // and none of the product back (serial copies of up to 12 MB at 64x64), and the
            // product's width, which picks its kernel, does not depend on the batch size.
            let k = cin * kh * kw
            let columns = pointwise ? scalars : Tensor.im2col(scalars, batch: 1, channels: cin, height: h, width: w,
                                                               kernelHeight: kh, kernelWidth: kw, padding: padding)
            return try Tensor(shape: [batch, k, spatial], scalars: columns)
                .linearColumns(weightShape: [cout, k], bias: bias) { columns, n, product in direct(columns, n, n, product) }
                .reshaped([batch, cout, ho, wo])
        }
        // [K, B * Ho * Wo]: row (ci, ky, kx), column (b, oy, ox); the batch folded into the
        // product's columns, which at 8x8 are too few per image to fill the kernel's panels.
        let n = batch * spatial
        let columns = Tensor.im2col(scalars, batch: batch, channels: cin, height: h, width: w,
                                    kernelHeight: kh, kernelWidth: kw, padding: padding)
        // [Cout, B * Ho * Wo], every value written by the product.
        let product = [Float](writtenWhole: cout * n) { c in
            columns.withUnsafeBufferPointer { cp in
                guard let b = cp.baseAddress else { return }
                direct(b, n, spatial, c)
            }
        }
        // Back to [B, Cout, Ho, Wo], adding the bias on the way.
        let biasValues = bias?.scalars ?? [Float](repeating: 0, count: cout)
        let out = [Float](writtenWhole: batch * cout * spatial) { dst in
            product.withUnsafeBufferPointer { pp in
                guard let src = pp.baseAddress else { return }
                let s = SharedPointer(base: src), d = SharedMutablePointer(base: dst)
                Parallel.forEach(batch * cout, costPerItem: spatial) { item in
                    let bi = item / cout, c = item % cout
                    let from = s.base + c * n + bi * spatial
                    let to = d.base + (bi * cout + c) * spatial
                    let b = biasValues[c]
                    for i in 0..<spatial { to[i] = from[i] + b }
                }
            }
        }
        return Tensor(shape: [batch, cout, ho, wo], scalars: out)
    }

    /// Checks a convolution's operands (`self` `[B, Cin, H, W]`, weights `weightShape`
    /// `[Cout, Cin, kh, kw]`, bias `[Cout]`) and returns its output size.
    @discardableResult
    private func checkConvolution(weightShape: [Int], bias: Tensor?, padding: Int,
                                  inputAffine: ChannelAffine?) throws -> (height: Int, width: Int) {
        guard rank == 4, weightShape.count == 4, weightShape[1] == shape[1] else {
            throw TensorError.shapeMismatch(operation: "conv2d", shape, weightShape)
        }
        let (h, w) = (shape[2], shape[3])
        let (kh, kw) = (weightShape[2], weightShape[3])
        let ho = h + 2 * padding - kh + 1, wo = w + 2 * padding - kw + 1
        guard padding >= 0, ho > 0, wo > 0 else {
            throw TensorError.invalidArgument("conv2d: kernel \(kh)x\(kw) with padding \(padding) does not fit a \(h)x\(w) input")
        }
        if let bias, bias.shape != [weightShape[0]] {
            throw TensorError.shapeMismatch(operation: "conv2d bias", weightShape, bias.shape)
        }
        try inputAffine?.check(shape, operation: "conv2d input affine")
        return (ho, wo)
    }

    /// `[B, Cout, H, W]` from a Winograd convolution `run(input, batch, h, w, bias, output)`
    /// of `self`.
    private func winogradConvolution(_ tile: WinogradTile, outChannels cout: Int, bias: Tensor?,
                                     _ run: (UnsafePointer<Float>, Int, Int, Int, UnsafePointer<Float>?,
                                             UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        let (batch, h, w) = (shape[0], shape[2], shape[3])
        // The output transform writes every value (zeroing the array first was a percent of a forward).
        let out = [Float](writtenWhole: batch * cout * h * w) { output in
            scalars.withUnsafeBufferPointer { ip in
                guard let input = ip.baseAddress else { return }
                if let bias {
                    bias.scalars.withUnsafeBufferPointer { run(input, batch, h, w, $0.baseAddress, output) }
                } else {
                    run(input, batch, h, w, nil, output)
                }
            }
        }
        return Tensor(shape: [batch, cout, h, w], scalars: out)
    }

    /// The Winograd algorithm `algorithm` asks for on this shape, or nil for direct.
    private func winogradTile(_ algorithm: ConvolutionAlgorithm, kernel: (Int, Int), padding: Int,
                              height: Int, width: Int, weights: WinogradWeights, bfloat16: Bool) -> WinogradTile? {
        guard kernel == (3, 3), padding == 1 else { return nil }
        switch algorithm {
        case .direct: return nil
        case .winograd(let tile): return tile
        case .automatic:
            return ConvolutionPolicy.current.tile(height: height, width: width, weights: weights, bfloat16: bfloat16)
        }
    }

    /// The im2col matrix `[C * kh * kw, B * Ho * Wo]` of a `[B, C, H, W]` input, zero padded.
    /// Every element is written inside the parallel loop, the padding's zeros included.
    static func im2col(_ values: [Float], batch: Int, channels: Int, height: Int, width: Int,
                       kernelHeight: Int, kernelWidth: Int, padding: Int) -> [Float] {
        let ho = height + 2 * padding - kernelHeight + 1, wo = width + 2 * padding - kernelWidth + 1
        let n = batch * ho * wo
        let count = channels * kernelHeight * kernelWidth * n
        return [Float](writtenWhole: count) { dst in
            values.withUnsafeBufferPointer { vp in
                guard let src = vp.baseAddress else { return }
                let s = SharedPointer(base: src), d = SharedMutablePointer(base: dst)
                Parallel.forEach(channels, costPerItem: kernelHeight * kernelWidth * n) { c in
                    for ky in 0..<kernelHeight {
                        for kx in 0..<kernelWidth {
                            let row = d.base + ((c * kernelHeight + ky) * kernelWidth + kx) * n
                            // Output columns whose input column ox + kx - padding is in range.
                            let x0 = Swift.max(0, padding - kx), x1 = Swift.min(wo, width + padding - kx)
                            for b in 0..<batch {
                                let plane = s.base + (b * channels + c) * height * width
                                for oy in 0..<ho {
                                    let iy = oy + ky - padding
                                    let out = row + (b * ho + oy) * wo
                                    guard iy >= 0 && iy < height, x0 < x1 else {
                                        out.update(repeating: 0, count: wo)
                                        continue
                                    }
                                    out.update(repeating: 0, count: x0)
                                    let line = plane + iy * width + (kx - padding)
                                    for ox in x0..<x1 { out[ox] = line[ox] }
                                    (out + x1).update(repeating: 0, count: wo - x1)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
