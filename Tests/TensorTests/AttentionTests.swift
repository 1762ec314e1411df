import Foundation
import TestSupport
import XCTest
@testable import Tensor

/// `Tensor.attention`, token-major and channel-major, against its definition computed in
/// Double, on shapes that cut heads into one, several and ragged blocks of queries, and the
/// cut itself.
final class AttentionTests: XCTestCase {
    /// softmax(q k^T * scale) v per batch item and head, in Double.
    private func reference(query: Tensor, key: Tensor, value: Tensor, heads: Int, scale: Double) -> [Double] {
        let (batch, lq, channels) = (query.shape[0], query.shape[1], query.shape[2])
        let lk = key.shape[1], d = channels / heads
        var out = [Double](repeating: 0, count: batch * lq * channels)
        for b in 0..<batch {
            for h in 0..<heads {
                for i in 0..<lq {
                    var scores = (0..<lk).map { j in
                        (0..<d).reduce(0.0) { sum, e in
                            sum + Double(query.scalars[(b * lq + i) * channels + h * d + e])
                                * Double(key.scalars[(b * lk + j) * channels + h * d + e])
                        } * scale
                    }
                    let top = scores.max() ?? 0
                    scores = scores.map { Foundation.exp($0 - top) }
                    let total = scores.reduce(0, +)
                    for e in 0..<d {
                        out[(b * lq + i) * channels + h * d + e] = (0..<lk).reduce(0.0) { sum, j in
                            sum + scores[j] / total * Double(value.scalars[(b * lk + j) * channels + h * d + e])
                        }
                    }
                }
            }
        }
        return out
    }

    func testAttentionMatchesTheDefinitionWhateverTheBlocks() throws {
        var random = SeededRandom(seed: 12)
        // One block per head; a head cut for the lanes with a ragged last block (7 rows); a
        // head cut because its scores outgrow a block (300 x 400 > 65,536), with 77 extra keys
        // as IF's text tokens add; a single query.
        for (batch, lq, lk, channels, heads) in [(2, 5, 9, 16, 2), (1, 7, 11, 8, 1), (2, 300, 377, 24, 3), (1, 1, 3, 4, 2)] {
            let q = random.normal(shape: [batch, lq, channels]), k = random.normal(shape: [batch, lk, channels])
            let v = random.normal(shape: [batch, lk, channels])
            let scale = 0.7
            let out = try Tensor.attention(query: q, key: k, value: v, heads: heads, scale: Float(scale))
            XCTAssertEqual(out.shape, [batch, lq, channels])
            // The channel-major form the UNet calls, on the same values.
            let columns = try Tensor.attention(queryColumns: q.transposedLastTwo(), key: k, valueColumns: v.transposedLastTwo(),
                                               heads: heads, scale: Float(scale))
            XCTAssertEqual(columns.shape, [batch, channels, lq])
            let exact = reference(query: q, key: k, value: v, heads: heads, scale: scale)
            // Outputs are convex combinations of values of order 1: Float32 sums over a few
            // hundred keys stay within 1e-5 of the exact ones.
            for (form, values) in [("token-major", out.scalars), ("channel-major", try columns.transposedLastTwo().scalars)] {
                let worst = zip(values, exact).map { abs(Double($0) - $1) }.max() ?? .infinity
                XCTAssertLessThan(worst, 1e-5, "\(form), batch \(batch), \(lq) x \(lk), \(heads) heads")
            }
        }
    }

    func testTheBlocksCoverEveryQueryOfEveryHeadOnce() {
        for (heads, queries, keys, lanes, multiple) in [(24, 1024, 1101, 2, 32), (12, 64, 141, 2, 32), (1, 7, 11, 16, 16),
                                                        (3, 300, 377, 1, 1), (2, 1, 3, 8, 32), (9, 4096, 4173, 16, 16),
                                                        (18, 256, 333, 2, 32)] {
            let blocks = AttentionBlocks(heads: heads, queries: queries, keys: keys, lanes: lanes, multiple: multiple)
            var seen = [Int](repeating: 0, count: heads * queries)
            var chunked = [Int](repeating: 0, count: blocks.count)
            for chunk in 0..<blocks.chunks {
                for index in blocks.range(ofChunk: chunk) {
                    chunked[index] += 1
                    let (head, columns) = blocks.block(index)
                    XCTAssertLessThanOrEqual(columns.count, blocks.queries)
                    for c in columns { seen[head * queries + c] += 1 }
                }
            }
            XCTAssertEqual(Set(chunked), [1], "every block in one chunk")
            XCTAssertEqual(Set(seen), [1], "\(heads) heads of \(queries) queries on \(lanes) lanes")
            // A block's scores fit the cache bound unless a single query's are already larger.
            XCTAssertTrue(blocks.queries * keys <= AttentionBlocks.scoresPerBlock || blocks.queries == 1)
            // Full panels of query columns wherever a block is wider than one.
            XCTAssertTrue(blocks.queries % multiple == 0 || blocks.queries < multiple, "\(blocks.queries) by \(multiple)")
            // Enough blocks for every lane to take several, where there are rows enough.
            XCTAssertGreaterThanOrEqual(blocks.count, Swift.min(heads * queries, AttentionBlocks.blocksPerLane * lanes))
        }
    }

    func testEveryColumnSoftmaxKernelMatchesTheDefinitionAndTheOthersBitForBit() {
        var random = SeededRandom(seed: 14)
        let kernels = Float32Kernel.allCases.filter(\.isRunnable)
        // Widths with a ragged tail after whole 16- and 8-column vectors, one column, one row;
        // scores up to +-40 after scaling, so the exponentials span the clamp's range.
        for (rows, width) in [(37, 45), (1101, 32), (1, 19), (9, 1)] {
            let scores = random.normal(shape: [rows, width]).scalars.map { $0 * 20 }
            let scale: Float = 2
            var results: [Float32Kernel: [Float]] = [:]
            for kernel in kernels {
                let before = kernel.vectorRuns
                var block = scores
                var scratch = [Float](repeating: .nan, count: 2 * width)
                block.withUnsafeMutableBufferPointer { b in
                    scratch.withUnsafeMutableBufferPointer { s in
                        Tensor.softmaxColumns(b.baseAddress!, rows: rows, width: width, scale: scale, scratch: s.baseAddress!,
                                              kernel: kernel)
                    }
                }
                XCTAssertEqual(kernel.vectorRuns, before + 1, "\(kernel)'s own code ran")
                results[kernel] = block
                for j in 0..<width {
                    let column = (0..<rows).map { Double(scores[$0 * width + j]) * Double(scale) }
                    let top = column.max() ?? 0
                    let total = column.reduce(0) { $0 + Foundation.exp($1 - top) }
                    for i in 0..<rows {
                        let exact = Foundation.exp(column[i] - top) / total
                        // Relative: the polynomial's 2e-7 and a sum of up to 1,101 terms, plus the
                        // rounding of the Float32 argument x (|x| 2^-23 absolute, so as much relative
                        // in e^x).
                        let tolerance = exact * (1e-6 + abs(column[i] - top) * 0x1p-23) + 1e-30
                        XCTAssertEqual(Double(block[i * width + j]), exact, accuracy: tolerance,
                                       "\(kernel) \(rows)x\(width) at (\(i), \(j))")
                    }
                }
            }
            for kernel in kernels {
                XCTAssertTrue(results[kernel] == results[.portable], "\(kernel) and the portable kernel differ, \(rows)x\(width)")
            }
        }
    }
}
