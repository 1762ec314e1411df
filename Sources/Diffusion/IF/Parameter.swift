import Tensor

/// One weight tensor of a model, as stored in memory.
///
/// Layers hold their weights through this type so that storage can differ from the
/// Float32 the arithmetic uses: a half-precision checkpoint can stay half precision in
/// memory (half the footprint) and be widened one layer at a time when it runs.
public struct Parameter: Sendable {
    /// How the values are held.
    enum Storage: Sendable {
        case float32(Tensor)
        /// IEEE half-precision bit patterns, row-major.
        case float16([UInt16])
    }

    /// The checkpoint name, e.g. "down_blocks.1.attentions.0.to_q.weight".
    public let name: String
    /// The shape, PyTorch layout.
    public let shape: [Int]
    let storage: Storage

    /// A parameter holding Float32 values.
    public init(name: String, value: Tensor) {
        self.name = name
        self.shape = value.shape
        self.storage = .float32(value)
    }

    /// A parameter holding half-precision bit patterns (`shape`'s element count of them).
    public init(name: String, shape: [Int], float16Bits: [UInt16]) {
        precondition(Tensor.count(of: shape) == float16Bits.count, "\(name): \(float16Bits.count) values for shape \(shape)")
        self.name = name
        self.shape = shape
        self.storage = .float16(float16Bits)
    }

    /// The values as Float32 (a copy-free view when stored as Float32).
    public var value: Tensor {
        switch storage {
        case let .float32(tensor):
            return tensor
        case let .float16(bits):
            return Tensor(shape: shape, scalars: bits.map { Float(Float16(bitPattern: $0)) })
        }
    }

    /// Bytes held in memory.
    public var byteCount: Int {
        switch storage {
        case let .float32(tensor): return tensor.count * 4
        case let .float16(bits): return bits.count * 2
        }
    }
}
