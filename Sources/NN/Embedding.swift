import Tensor

/// A lookup table of vectors by index (PyTorch `nn.Embedding`).
///
/// Only the rows asked for are read: a large vocabulary table kept half precision (T5
/// XXL's is 32128 x 4096) is never widened as a whole.
public struct Embedding: Sendable {
    /// weight `[count, width]`.
    public let weight: Parameter

    /// `name.weight` from `loader`: `count` vectors of `width` values.
    public init(_ loader: WeightLoader, _ name: String, count: Int, width: Int) throws {
        weight = try loader.parameter(name + ".weight", shape: [count, width])
    }

    /// A table over `weight` `[count, width]`.
    init(weight: Parameter) {
        precondition(weight.shape.count == 2, "\(weight.name): an embedding table is [count, width], got \(weight.shape)")
        self.weight = weight
    }

    /// The number of vectors.
    public var count: Int { weight.shape[0] }
    /// The length of each vector.
    public var width: Int { weight.shape[1] }

    /// The rows `indices` in order, `[indices.count, width]`; throws for an index outside
    /// `0..<count`, naming it.
    public func callAsFunction(_ indices: [Int]) throws -> Tensor {
        let (count, width) = (self.count, self.width)
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw TensorError.invalidArgument("\(weight.name): index \(bad) is outside 0..<\(count)")
        }
        var out = [Float](repeating: 0, count: indices.count * width)
        out.withUnsafeMutableBufferPointer { buffer in
            guard let o = buffer.baseAddress else { return }
            switch weight.storage {
            case let .float32(table):
                table.scalars.withUnsafeBufferPointer { t in
                    guard let base = t.baseAddress else { return }
                    for (r, index) in indices.enumerated() {
                        (o + r * width).update(from: base + index * width, count: width)
                    }
                }
            case let .float16(half):
                half.withBits { bits in
                    guard let base = bits.baseAddress else { return }
                    for (r, index) in indices.enumerated() {
                        let row = base + index * width, target = o + r * width
                        for i in 0..<width { target[i] = HalfStorage.float(fromHalf: row[i]) }
                    }
                }
            case .absent:
                break
            }
        }
        return Tensor(shape: [indices.count, width], scalars: out)
    }
}
