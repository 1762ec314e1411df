import Foundation
import NN
import Tensor

/// T5's relative position bias: a learned `[num_buckets, num_heads]` table, held by block
/// 0's self-attention only, indexed by the bucket of each key-minus-query distance. Block 0
/// computes the bias and every later block reuses it.
public struct T5RelativePosition: Sendable {
    /// relative_attention_bias.weight `[num_buckets, num_heads]`.
    let table: Parameter
    let numBuckets: Int
    let maxDistance: Int
    let heads: Int

    /// `name.weight` from `loader`, sized by `config`.
    init(_ loader: WeightLoader, _ name: String, config: T5Config) throws {
        numBuckets = config.relativeAttentionNumBuckets
        maxDistance = config.relativeAttentionMaxDistance
        heads = config.numHeads
        table = try loader.parameter(name + ".weight", shape: [numBuckets, heads])
    }

    /// The bucket of `relativePosition` (key index minus query index), as transformers'
    /// `T5Attention._relative_position_bucket` computes it. Bidirectional (the encoder):
    /// half the buckets for positive positions (offset by `numBuckets / 2`), half for the
    /// rest; within each half, distances below a quarter of `numBuckets` get a bucket
    /// each and longer ones share logarithmically wider buckets up to `maxDistance`, beyond
    /// which all fall into the last. The logarithm is taken in Float32 and truncated, as
    /// PyTorch does, so that distances on a bucket boundary (16, 32, 64 with the defaults)
    /// land where they land there.
    public static func relativePositionBucket(_ relativePosition: Int, bidirectional: Bool,
                                              numBuckets: Int, maxDistance: Int) -> Int {
        var buckets = numBuckets
        var bucket = 0
        let distance: Int
        if bidirectional {
            buckets /= 2
            if relativePosition > 0 { bucket += buckets }
            distance = relativePosition.magnitude > UInt(Int.max) ? Int.max : abs(relativePosition)
        } else {
            distance = relativePosition >= 0 ? 0 : (relativePosition == Int.min ? Int.max : -relativePosition)
        }
        let maxExact = buckets / 2
        if distance < maxExact { return bucket + distance }
        let logRatio = Foundation.log(Float(distance) / Float(maxExact))
        let logRange = Float(Foundation.log(Double(maxDistance) / Double(maxExact)))
        let scaled = logRatio / logRange * Float(buckets - maxExact)
        // `.to(torch.long)` truncates; clamped first only so that a degenerate argument
        // (a zero range, NaN) cannot trap the conversion.
        let steps = scaled.isNaN ? Float(buckets) : Swift.min(Swift.max(scaled, -Float(buckets)), Float(buckets))
        return bucket + Swift.min(maxExact + Int(steps), buckets - 1)
    }

    /// The bias every block adds to its attention scores, `[B, H, L, L]`: `table[bucket(j -
    /// i), h]` for query `i` and key `j`, plus, where `mask[b][j]` is 0, the lowest finite
    /// Float (PyTorch's `finfo.min`), so that padded keys get no weight while padded query
    /// rows are still computed as transformers computes them.
    func bias(mask: [[Int]]) -> Tensor {
        let batch = mask.count, length = mask.first?.count ?? 0
        let table = self.table.value.scalars  // [num_buckets, H]
        // The bucket depends only on j - i, which runs over -(L-1)...(L-1).
        let buckets = (0..<Swift.max(2 * length - 1, 0)).map {
            T5RelativePosition.relativePositionBucket($0 - (length - 1), bidirectional: true,
                                                      numBuckets: numBuckets, maxDistance: maxDistance)
        }
        var values = [Float](repeating: 0, count: batch * heads * length * length)
        for b in 0..<batch {
            let keyBias = mask[b].map { $0 == 0 ? -Float.greatestFiniteMagnitude : 0 }
            for h in 0..<heads {
                let plane = (b * heads + h) * length * length
                for i in 0..<length {
                    for j in 0..<length {
                        values[plane + i * length + j] = table[buckets[j - i + length - 1] * heads + h] + keyBias[j]
                    }
                }
            }
        }
        return Tensor(shape: [batch, heads, length, length], scalars: values)
    }
}
