import TestSupport
import XCTest
@testable import Tensor

/// The rounding error of each convolution algorithm against direct convolution computed in
/// Float64, on IF's channel counts: the study behind `ConvolutionPolicy`'s default.
final class WinogradTests: XCTestCase {
    /// Largest error relative to the largest output, and RMS error relative to RMS output.
    private func errors(_ values: [Float], _ reference: [Double]) -> (max: Double, rms: Double) {
        let scale = reference.map(abs).max() ?? 1
        let rmsScale = (reference.map { $0 * $0 }.reduce(0, +) / Double(reference.count)).squareRoot()
        let diffs = zip(values, reference).map { Double($0) - $1 }
        let rms = (diffs.map { $0 * $0 }.reduce(0, +) / Double(diffs.count)).squareRoot()
        return ((diffs.map(abs).max() ?? 0) / scale, rms / rmsScale)
    }

    func testWinogradErrorAgainstFloat64StaysWithinAFewTimesDirect() throws {
        var random = SeededRandom(seed: 11)
        // Activations after group norm (unit scale, some large values) and weights at
        // PyTorch's default initialization scale: IF's 64x64 and 32x32 channel counts.
        for cin in [64, 320, 1024] {
            let x = random.normal(shape: [1, cin, 16, 16])
            let w = random.normal(shape: [4, cin, 3, 3]) * (1 / Float(cin * 9).squareRoot())
            let exact = referenceConvolution3x3(x, w)
            let direct = errors(try x.conv2d(weight: w, bias: nil, padding: 1, algorithm: .direct).scalars, exact)
            let f2 = errors(try x.conv2d(weight: w, bias: nil, padding: 1, algorithm: .winograd(.f2x2)).scalars, exact)
            let f4 = errors(try x.conv2d(weight: w, bias: nil, padding: 1, algorithm: .winograd(.f4x4)).scalars, exact)
            print(String(format: "Cin %4d  max/RMS relative error: direct %.2e / %.2e, F(2x2,3x3) %.2e / %.2e, F(4x4,3x3) %.2e / %.2e",
                         cin, direct.max, direct.rms, f2.max, f2.rms, f4.max, f4.rms))
            // Float32's epsilon is 1.2e-7. Measured here: direct and F(2x2, 3x3) stay near
            // it (RMS 3e-7 to 9e-7 of the output's RMS), F(4x4, 3x3) is 5-20x worse (its
            // transforms multiply by 4, 5 and 8 before the sums), up to 1.3e-5 of the
            // largest output at 1024 channels: far inside the 1e-4 the parity tests allow.
            for (name, e) in [("direct", direct), ("F(2x2,3x3)", f2), ("F(4x4,3x3)", f4)] {
                XCTAssertLessThan(e.max, 2e-5, "Cin \(cin) \(name): max error \(e.max)")
            }
            XCTAssertLessThan(f2.rms, 4 * direct.rms, "Cin \(cin): F(2x2,3x3) RMS error \(f2.rms) vs direct \(direct.rms)")
            XCTAssertLessThan(f4.rms, 25 * direct.rms, "Cin \(cin): F(4x4,3x3) RMS error \(f4.rms) vs direct \(direct.rms)")
        }
    }

    func testPolicyReadsTheEnvironmentAndNamesABadValue() throws {
        XCTAssertEqual(try ConvolutionPolicy.from(environment: [:]), .automatic)
        XCTAssertEqual(try ConvolutionPolicy.from(environment: ["NOISEBOOK_WINOGRAD": "auto"]), .automatic)
        XCTAssertEqual(try ConvolutionPolicy.from(environment: ["NOISEBOOK_WINOGRAD": "f2"]), .forced(.f2x2))
        XCTAssertEqual(try ConvolutionPolicy.from(environment: ["NOISEBOOK_WINOGRAD": "f4"]), .forced(.f4x4))
        XCTAssertEqual(try ConvolutionPolicy.from(environment: ["NOISEBOOK_WINOGRAD": "off"]), .off)
        XCTAssertThrowsError(try ConvolutionPolicy.from(environment: ["NOISEBOOK_WINOGRAD": "f6"])) { error in
            XCTAssertTrue("\(error)".contains("NOISEBOOK_WINOGRAD=f6"), "\(error)")
        }
        for policy in [ConvolutionPolicy.automatic, .forced(.f2x2), .forced(.f4x4), .off] {
            XCTAssertEqual(try ConvolutionPolicy.from(environment: ["NOISEBOOK_WINOGRAD": policy.name]), policy)
        }
    }

    func testAutomaticPolicyFollowsTheMeasuredSizes() {
        let policy = ConvolutionPolicy.automatic
        // Kept weights: F(4x4) from 16x16, direct below.
        XCTAssertEqual(policy.tile(height: 64, width: 64, weights: .kept), .f4x4)
        XCTAssertEqual(policy.tile(height: 16, width: 16, weights: .kept), .f4x4)
        XCTAssertNil(policy.tile(height: 8, width: 8, weights: .kept))
        // Transformed on every call: F(2x2) at 32x32, F(4x4) from 64x64.
        XCTAssertEqual(policy.tile(height: 64, width: 64, weights: .perCall), .f4x4)
        XCTAssertEqual(policy.tile(height: 32, width: 32, weights: .perCall), .f2x2)
        XCTAssertNil(policy.tile(height: 16, width: 16, weights: .perCall))
        XCTAssertEqual(ConvolutionPolicy.forced(.f2x2).tile(height: 64, width: 64, weights: .kept), .f2x2)
        XCTAssertEqual(ConvolutionPolicy.forced(.f4x4).tile(height: 32, width: 32, weights: .perCall), .f4x4)
        XCTAssertNil(ConvolutionPolicy.forced(.f4x4).tile(height: 8, width: 8, weights: .kept))
        XCTAssertNil(ConvolutionPolicy.off.tile(height: 64, width: 64, weights: .kept))
        // Kept from half precision: F(2x2), the only size such a layer keeps at.
        XCTAssertEqual(policy.tile(height: 16, width: 16, weights: .keptFromHalf), .f2x2)
        XCTAssertEqual(ConvolutionPolicy.forced(.f4x4).tile(height: 16, width: 16, weights: .keptFromHalf), .f4x4)
    }

    /// Float32 layers keep transformed weights from 16x16 up; half-precision layers only at
    /// 16x16 (below it they run direct, from 32x32 they transform on every call).
    func testHalfPrecisionLayersKeepTransformedWeightsOnlyAt16x16() {
        let policy = ConvolutionPolicy.automatic
        for side in [16, 24, 32, 64] { XCTAssertEqual(policy.holding(height: side, width: side, halfWeights: false), .kept, "\(side)") }
        XCTAssertEqual(policy.holding(height: 8, width: 8, halfWeights: false), .perCall)
        XCTAssertEqual(policy.holding(height: 16, width: 16, halfWeights: true), .keptFromHalf)
        XCTAssertEqual(policy.holding(height: 24, width: 24, halfWeights: true), .keptFromHalf)
        for side in [8, 32, 64] { XCTAssertEqual(policy.holding(height: side, width: side, halfWeights: true), .perCall, "\(side)") }
    }

    /// The path a half-precision layer takes: nothing kept before its first Winograd call,
    /// then the kept transform alone gives the same output, bit for bit.
    func testKeptTransformRunsWithoutTheWeightsOnceFilled() throws {
        var random = SeededRandom(seed: 13)
        let w = random.normal(shape: [8, 8, 3, 3]) * 0.1
        let bias = random.normal(shape: [8])
        for (side, keeps) in [(16, true), (32, false), (8, false)] {
            let x = random.normal(shape: [2, 8, side, side])
            let cache = WinogradWeightCache(halfWeights: true)
            XCTAssertNil(try x.conv2d(keptIn: cache, weightShape: w.shape, bias: bias, padding: 1), "\(side): nothing kept yet")
            let first = try w.scalars.withUnsafeBufferPointer {
                try x.conv2d(weights: $0.baseAddress!, weightShape: w.shape, bias: bias, padding: 1, winogradCache: cache)
            }
            XCTAssertEqual(cache.isFilled, keeps, "\(side)")
            let kept = try x.conv2d(keptIn: cache, weightShape: w.shape, bias: bias, padding: 1)
            XCTAssertEqual(kept, keeps ? first : nil, "\(side)")
            if keeps {
                XCTAssertEqual(first, try x.conv2d(weight: w, bias: bias, padding: 1, algorithm: .winograd(.f2x2)), "F(2x2) at 16x16")
                XCTAssertThrowsError(try x.conv2d(keptIn: cache, weightShape: [8, 4, 3, 3], bias: bias, padding: 1),
                                     "a misshapen call is refused, not run on the kept weights")
            }
        }
    }

    func testLayersKeepTransformedWeightsOnlyWithinTheBudget() {
        // Room for one layer of 8 x 8 channels in F(4x4): 8 rows of 36 * 8 floats, each
        // padded to 19 cache lines (304 floats).
        XCTAssertEqual(WinogradTile.f4x4.transformedCount(outChannels: 8, inChannels: 8), 8 * 304)
        let budget = WinogradBudget(bytes: 8 * 304 * 4)
        let first = WinogradWeightCache(budget: budget), second = WinogradWeightCache(budget: budget)
        XCTAssertTrue(first.admits(.f4x4, outChannels: 8, inChannels: 8))
        XCTAssertTrue(first.admits(.f4x4, outChannels: 8, inChannels: 8), "admitted once, for good")
        XCTAssertEqual(budget.remaining, 0)
        XCTAssertFalse(second.admits(.f4x4, outChannels: 8, inChannels: 8), "the budget is spent")
        XCTAssertTrue(WinogradWeightCache().admits(.f4x4, outChannels: 8, inChannels: 8), "no budget, no limit")
    }

    func testALayerOutsideTheBudgetRunsAsUncached() throws {
        var random = SeededRandom(seed: 12)
        let x = random.normal(shape: [1, 8, 16, 16])
        let w = random.normal(shape: [8, 8, 3, 3]) * 0.1
        let spent = WinogradWeightCache(budget: WinogradBudget(bytes: 0))
        let out = try w.scalars.withUnsafeBufferPointer {
            try x.conv2d(weights: $0.baseAddress!, weightShape: w.shape, bias: nil, padding: 1, winogradCache: spent)
        }
        XCTAssertFalse(spent.isFilled, "no transformed copy beyond the budget")
        // Uncached at 16x16 is direct convolution.
        XCTAssertEqual(out, try x.conv2d(weight: w, bias: nil, padding: 1, algorithm: .direct))
    }

    /// Kept weights put output channels an odd number of cache lines apart, so the rows a
    /// product reads side by side spread over L1's sets (IF's channel counts are multiples
    /// of 2 KB apart unpadded); nothing else moves.
    func testTransformedRowsAreAnOddNumberOfCacheLinesApart() {
        for tile in WinogradTile.allCases {
            for inChannels in [3, 32, 64, 128, 192, 384, 640, 1280] {
                let stride = tile.rowStride(inChannels: inChannels)
                XCTAssertGreaterThanOrEqual(stride, tile.elements * inChannels)
                XCTAssertLessThan(stride, tile.elements * inChannels + 32)
                XCTAssertEqual(stride % 16, 0)
                XCTAssertEqual((stride / 16) % 2, 1, "\(tile) Cin \(inChannels)")
                XCTAssertEqual(tile.transformedCount(outChannels: 5, inChannels: inChannels), 5 * stride)
            }
        }
    }

    /// F(4x4, 3x3)'s input and output transforms (CVector's) on each instruction set this CPU
    /// runs: against B^T d B and A^T M A + bias in Double, bit for bit the portable kernel, and
    /// proven to run; the input whole, in column panels of 16 tiles (as the kernels' products
    /// read it), and in panels stored past the caches. 21 x 38 gives rows of 10 tiles (short runs
    /// for 8 and 16 lanes, vectors across tile rows and images, panels that cut a vector) and a
    /// last tile row and column that overhang the image; 20 x 64 gives whole vectors only,
    /// stored in place (aligned, so streamed where AVX-512 runs).
    /// The element products cut into blocks of rows (as `productRows` cuts them for the lanes)
    /// give each kernel's one-product values bit for bit: a row's sums do not depend on its block.
    func testElementProductsCutByRowsChangeNoValue() {
        var random = SeededRandom(seed: 45)
        let (cout, cin, side) = (200, 24, 12)
        let x = random.normal(shape: [1, cin, side, side]).scalars
        let w = random.normal(shape: [cout, cin, 3, 3]).scalars, bias = random.normal(shape: [cout]).scalars
        let tile = WinogradTile.f4x4
        var u = [Float](repeating: 0, count: tile.transformedCount(outChannels: cout, inChannels: cin))
        w.withUnsafeBufferPointer { wp in u.withUnsafeMutableBufferPointer { up in
            tile.transformWeights(wp.baseAddress!, outChannels: cout, inChannels: cin, into: up.baseAddress!)
        } }
        func output(_ kernel: Float32Kernel, rowBlock: Int?) -> [Float] {
            [Float](unsafeUninitializedCapacity: cout * side * side) { out, count in
                x.withUnsafeBufferPointer { xp in u.withUnsafeBufferPointer { up in bias.withUnsafeBufferPointer { bp in
                    Winograd.convolve(xp.baseAddress!, batch: 1, inChannels: cin, height: side, width: side,
                                      transformedWeights: up.baseAddress!, outChannels: cout, bias: bp.baseAddress!,
                                      tile: tile, kernel: kernel, rowBlock: rowBlock, into: out.baseAddress!)
                } } }
                count = cout * side * side
            }
        }
        for kernel in Float32Kernel.allCases where kernel.isRunnable && kernel != .openblas {
            let whole = output(kernel, rowBlock: cout)
            // Blocks of whole micro-tiles, and a ragged block that cuts one.
            for block in [2 * kernel.tileHeight, 7] {
                XCTAssertTrue(output(kernel, rowBlock: block) == whole, "\(kernel), blocks of \(block) rows")
            }
            XCTAssertTrue(output(kernel, rowBlock: nil) == whole, "\(kernel), the default blocks")
            // The default cuts these 200 channels only where the kernel's tiles allow 8 per block.
            let rows = Winograd.productRows(outChannels: cout, elements: tile.elements, kernel: kernel, lanes: 2)
            XCTAssertEqual(rows == cout, (cout + kernel.tileHeight - 1) / kernel.tileHeight < 2 * Winograd.tilesPerProduct,
                           "\(kernel): \(rows) rows a block")
            XCTAssertEqual(rows % kernel.tileHeight == 0 || rows == cout, true, "\(kernel): blocks of whole tiles")
        }
    }

    func testF4TransformsOfEveryKernelMatchTheDefinitionAndThePortableKernelBitForBit() {
        checkF4Transforms(batch: 2, channels: 3, height: 21, width: 38)
        checkF4Transforms(batch: 1, channels: 2, height: 20, width: 64)
    }

    private func checkF4Transforms(batch: Int, channels: Int, height: Int, width: Int, line: UInt = #line) {
        let bt: [[Double]] = [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
                              [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]]
        let at: [[Double]] = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]]
        let (tilesY, tilesX) = ((height + 3) / 4, (width + 3) / 4)
        let tiles = batch * tilesY * tilesX
        var random = SeededRandom(seed: 44)
        let x = random.normal(shape: [batch, channels, height, width]).scalars
        let m = random.normal(shape: [channels, 36, tiles]).scalars
        let bias = random.normal(shape: [channels]).scalars

        // The definitions, in Double: tile (b, ty, tx) of channel c reads the zero-padded image
        // from row 4 ty - 1 and column 4 tx - 1.
        func pixel(_ b: Int, _ c: Int, _ y: Int, _ x0: Int) -> Double {
            guard (0..<height).contains(y), (0..<width).contains(x0) else { return 0 }
            return Double(x[((b * channels + c) * height + y) * width + x0])
        }
        var expectedV = [Double](repeating: 0, count: channels * 36 * tiles)
        var expectedY = [Double](repeating: 0, count: batch * channels * height * width)
        for c in 0..<channels {
            for t in 0..<tiles {
                let (b, ty, tx) = (t / (tilesY * tilesX), (t / tilesX) % tilesY, t % tilesX)
                for a in 0..<6 {
                    for e in 0..<6 {
                        var sum = 0.0
                        for r in 0..<6 {
                            for j in 0..<6 { sum += bt[a][r] * pixel(b, c, 4 * ty - 1 + r, 4 * tx - 1 + j) * bt[e][j] }
                        }
                        expectedV[((6 * a + e) * channels + c) * tiles + t] = sum
                    }
                }
                for r in 0..<4 where 4 * ty + r < height {
                    for s in 0..<4 where 4 * tx + s < width {
                        var sum = Double(bias[c])
                        for a in 0..<6 {
                            for e in 0..<6 { sum += at[r][a] * Double(m[(c * 36 + 6 * a + e) * tiles + t]) * at[s][e] }
                        }
                        expectedY[((b * channels + c) * height + 4 * ty + r) * width + 4 * tx + s] = sum
                    }
                }
            }
        }

        var results: [Float32Kernel: ([Float], [Float])] = [:]
        let panels = WinogradInputLayout(channels: channels, tiles: tiles, panel: 16)
        let runs = [(WinogradInputLayout.whole(channels: channels, tiles: tiles), Int.max), (panels, Int.max), (panels, 0)]
        for kernel in Float32Kernel.allCases where kernel.isRunnable && kernel != .openblas {
            let before = kernel.vectorRuns
            let transforms = runs.map { layout, streamingBytes in
                // 64-byte aligned, as the convolution allocates it, and one sentinel past the end:
                // nothing may be written beyond it.
                let count = layout.count(elements: 36)
                let raw = UnsafeMutableRawPointer.allocate(byteCount: (count + 1) * 4, alignment: 64)
                defer { raw.deallocate() }
                let out = raw.bindMemory(to: Float.self, capacity: count + 1)
                out.initialize(repeating: .nan, count: count + 1)
                x.withUnsafeBufferPointer { xp in
                    Winograd4.transformInput(xp.baseAddress!, batch: batch, channels: channels, height: height, width: width,
                                             kernel: kernel, layout: layout, streamingBytes: streamingBytes, into: out)
                }
                XCTAssertTrue(out[count].isNaN, "\(kernel) wrote past the input transform's end", line: line)
                // Read back in the whole order, element by element, channel by channel.
                return (0..<(36 * channels * tiles)).map { i in
                    let (row, t) = (i / tiles, i % tiles)
                    return out[(row / channels) * layout.elementStride + (t / layout.panel) * layout.panelStride
                               + layout.channelOffset(row % channels) + t % layout.panel]
                }
            }
            let v = transforms[0]
            XCTAssertEqual(transforms[1], v, "\(kernel): in panels, the same values", line: line)
            XCTAssertEqual(transforms[2], v, "\(kernel): streamed, the same values", line: line)
            var y = [Float](repeating: .nan, count: batch * channels * height * width + 1)
            m.withUnsafeBufferPointer { mp in bias.withUnsafeBufferPointer { bp in y.withUnsafeMutableBufferPointer { yp in
                Winograd4.transformOutput(mp.baseAddress!, batch: batch, channels: channels, height: height, width: width,
                                          bias: bp.baseAddress!, kernel: kernel, into: yp.baseAddress!)
            } } }
            XCTAssertGreaterThan(kernel.vectorRuns, before, "\(kernel)'s own code ran", line: line)
            XCTAssertTrue(y.removeLast().isNaN, "\(kernel) wrote past the output transform's end", line: line)
            // Measured: 1.3e-7 (input) and 7.5e-8 (output) of the largest value, about one ulp
            // of it; 1e-6 allows eight, and a tile or lane out of place is off by order one.
            for (name, got, expected) in [("input", v, expectedV), ("output", y, expectedY)] {
                let largest = expected.map(abs).max() ?? 1
                let worst = zip(got, expected).map { abs(Double($0) - $1) }.max() ?? .nan
                XCTAssertLessThan(worst / largest, 1e-6, "\(kernel) \(name): error \(worst) of largest \(largest)", line: line)
            }
            results[kernel] = (v, y)
        }
        for (kernel, result) in results where kernel != .portable {
            XCTAssertEqual(result.0, results[.portable]?.0, "\(kernel) input transform", line: line)
            XCTAssertEqual(result.1, results[.portable]?.1, "\(kernel) output transform", line: line)
        }
    }
}
