import Foundation
import Tensor
import Diffusion

/// The arithmetic of the local score machine for one image.
///
/// Two passes, both split across cores with `Parallel.perform`:
/// 1. For each image i of the subset, the patch distance at every pixel,
///    D_i(p) = sum over the k x k window around p (inside the image) of
///    sum_c (x_t(c, q) - sqrt(abar) x_i(c, q))^2: the per-pixel squared differences are
///    box-filtered with prefix sums, rows then columns. The prefix sums run in Float64:
///    near t = 0 the temperature is about 1e-4, and Float32 prefix sums over a whole row
///    or column would blur distances that differ by less than that.
/// 2. For each row of pixels, the softmax over the subset of -D_i(p) / (2 (1 - abar))
///    (shifted by the row's minimum distance; weights below e^-40 are skipped) and the
///    weighted mean of the images' pixels.
/// Cost: about 3 (9 + 8) N S^2 + N S^2 exponentials: for N = 1,885, S = 64 about 0.5 GFLOP
/// and 8M exponentials per image, independent of k.
extension LocalScoreDenoiser {
    /// The clean estimate x0_hat of one image `x` (`3 * S * S` values, [C, H, W] order).
    func localMean(_ x: [Float], alphaBar: Float, patch: Int, subset: [Int]) -> [Float] {
        let side = set.side
        let pixels = side * side
        let radius = Swift.min(patch / 2, side - 1)
        let scale = alphaBar.squareRoot()
        let inverseTemperature = 1 / Swift.max(2 * (1 - alphaBar), .leastNormalMagnitude)
        let count = subset.count
        var distances = [Float](repeating: 0, count: count * pixels)  // [M, S, S]
        var out = [Float](repeating: 0, count: 3 * pixels)             // [3, S, S]

        set.images.scalars.withUnsafeBufferPointer { imagesBuffer in
            x.withUnsafeBufferPointer { xBuffer in
                distances.withUnsafeMutableBufferPointer { distanceBuffer in
                    out.withUnsafeMutableBufferPointer { outBuffer in
                        guard let images = imagesBuffer.baseAddress, let xt = xBuffer.baseAddress,
                              let d = distanceBuffer.baseAddress, let o = outBuffer.baseAddress else { return }
                        let imagesShared = ReadOnly(base: images), xShared = ReadOnly(base: xt)
                        let dShared = Shared(base: d), oShared = Shared(base: o)
                        let chunks = Swift.min(count, Parallel.workers * 4)
                        Parallel.perform(iterations: chunks) { chunk in
                            var scratch = Scratch(side: side)
                            let range = (chunk * count / chunks)..<((chunk + 1) * count / chunks)
                            for j in range {
                                let image = imagesShared.base + subset[j] * 3 * pixels
                                scratch.patchDistances(x: xShared.base, image: image, scale: scale, radius: radius,
                                                       into: dShared.base + j * pixels)
                            }
                        }
                        Parallel.perform(iterations: side) { row in
                            LocalScoreDenoiser.softmaxRow(row, side: side, subset: subset, distances: dShared.base,
                                                          images: imagesShared.base,
                                                          inverseTemperature: inverseTemperature, out: oShared.base)
                        }
                    }
                }
            }
        }
        return out
    }

    /// Pass 2 for one row: writes the three channels of `out` at that row.
    private static func softmaxRow(_ row: Int, side: Int, subset: [Int], distances: UnsafeMutablePointer<Float>,
                                   images: UnsafePointer<Float>, inverseTemperature: Float,
                                   out: UnsafeMutablePointer<Float>) {
        let pixels = side * side
        let offset = row * side
        var nearest = [Float](repeating: .infinity, count: side)
        for j in subset.indices {
            let d = distances + j * pixels + offset
            for x in 0..<side { nearest[x] = Swift.min(nearest[x], d[x]) }
        }
        var total = [Float](repeating: 0, count: side)
        var sums = [Float](repeating: 0, count: 3 * side)  // [3, S]
        for (j, i) in subset.enumerated() {
            let d = distances + j * pixels + offset
            let image = images + i * 3 * pixels + offset
            for x in 0..<side {
                let exponent = (d[x] - nearest[x]) * inverseTemperature
                if exponent > 40 { continue }
                let w = Foundation.exp(-exponent)
                total[x] += w
                sums[x] += w * image[x]
                sums[side + x] += w * image[pixels + x]
                sums[2 * side + x] += w * image[2 * pixels + x]
            }
        }
        for c in 0..<3 {
            for x in 0..<side { out[c * pixels + offset + x] = sums[c * side + x] / total[x] }
        }
    }

    /// A pointer shared by concurrent iterations that write disjoint elements.
    private struct Shared: @unchecked Sendable {
        let base: UnsafeMutablePointer<Float>
    }

    /// A read-only pointer shared by concurrent iterations.
    private struct ReadOnly: @unchecked Sendable {
        let base: UnsafePointer<Float>
    }

    /// Per-thread buffers of pass 1.
    private struct Scratch {
        let side: Int
        /// Per-pixel squared differences, [S, S].
        var squared: [Double]
        /// Row-wise box sums, [S, S].
        var horizontal: [Double]
        /// Prefix sums of one row, [S + 1].
        var rowPrefix: [Double]
        /// Running column prefix sums, [S + 1, S].
        var columnPrefix: [Double]

        init(side: Int) {
            self.side = side
            squared = [Double](repeating: 0, count: side * side)
            horizontal = [Double](repeating: 0, count: side * side)
            rowPrefix = [Double](repeating: 0, count: side + 1)
            columnPrefix = [Double](repeating: 0, count: (side + 1) * side)
        }

        /// D(p) for one training image, written to `into` ([S, S]).
        mutating func patchDistances(x: UnsafePointer<Float>, image: UnsafePointer<Float>, scale: Float,
                                     radius: Int, into result: UnsafeMutablePointer<Float>) {
            let side = self.side, pixels = side * side
            for p in 0..<pixels {
                let d0 = x[p] - scale * image[p]
                let d1 = x[pixels + p] - scale * image[pixels + p]
                let d2 = x[2 * pixels + p] - scale * image[2 * pixels + p]
                squared[p] = Double(d0 * d0 + d1 * d1 + d2 * d2)
            }
            for y in 0..<side {
                let row = y * side
                for x in 0..<side { rowPrefix[x + 1] = rowPrefix[x] + squared[row + x] }
                for x in 0..<side {
                    horizontal[row + x] = rowPrefix[Swift.min(x + radius, side - 1) + 1] - rowPrefix[Swift.max(x - radius, 0)]
                }
            }
            for y in 0..<side {
                for x in 0..<side {
                    columnPrefix[(y + 1) * side + x] = columnPrefix[y * side + x] + horizontal[y * side + x]
                }
            }
            for y in 0..<side {
                let below = (Swift.min(y + radius, side - 1) + 1) * side, above = Swift.max(y - radius, 0) * side
                for x in 0..<side {
                    result[y * side + x] = Float(columnPrefix[below + x] - columnPrefix[above + x])
                }
            }
        }
    }
}
