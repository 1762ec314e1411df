import Tensor

/// One weight tensor of a model, as stored in memory.
///
/// Layers hold their weights through this type so that storage can differ from the
/// Float32 the arithmetic uses: a half-precision checkpoint can stay half precision in
/// memory (half the footprint, or none at all when viewed in a mapped file) and be read in
/// place by the products that can, or widened one layer at a time, into a buffer the whole
/// model shares, by those that cannot.
public struct Parameter: Sendable {
    /// How the values are held.
    package enum Storage: Sendable {
        case float32(Tensor)
        /// IEEE half-precision bit patterns, row-major.
        case float16(HalfStorage)
        /// Only the name and shape (listing a configuration's tensors); holds no values.
        case absent
    }

    /// The checkpoint name, e.g. "down_blocks.1.attentions.0.to_q.weight".
    public let name: String
    /// The shape, PyTorch layout.
    public let shape: [Int]
    package let storage: Storage
    /// Where half-precision values are widened when used; nil widens into a fresh buffer.
    package let scratch: WidenScratch?

    /// A parameter holding Float32 values.
    public init(name: String, value: Tensor) {
        self.name = name
        self.shape = value.shape
        self.storage = .float32(value)
        self.scratch = nil
    }

    /// A parameter holding half-precision bit patterns (`shape`'s element count of them).
    public init(name: String, shape: [Int], float16Bits: [UInt16]) {
        self.init(name: name, shape: shape, half: HalfStorage(bits: float16Bits), scratch: nil)
    }

    /// A parameter over half-precision `half`, widened into `scratch` when used.
    package init(name: String, shape: [Int], half: HalfStorage, scratch: WidenScratch?) {
        precondition(Tensor.count(of: shape) == half.count, "\(name): \(half.count) values for shape \(shape)")
        self.name = name
        self.shape = shape
        self.storage = .float16(half)
        self.scratch = scratch
    }

    /// A parameter that records only a name and a shape.
    package init(absent name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
        self.storage = .absent
        self.scratch = nil
    }

    /// The values as Float32 (a copy-free view when stored as Float32).
    public var value: Tensor {
        switch storage {
        case let .float32(tensor): return tensor
        case let .float16(half): return half.widened(shape: shape)
        case .absent: return Tensor(zeros: shape)
        }
    }

    /// Calls `body` with the Float32 values (row-major, `shape`'s element count), widening
    /// half-precision storage first; the pointer must not escape `body`.
    public func withValues<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        switch storage {
        case let .float32(tensor):
            return try Parameter.withPointer(tensor.scalars, body)
        case let .float16(half):
            let fill: (UnsafeMutablePointer<Float>) -> Void = { half.widen(into: $0) }
            if let scratch { return try scratch.withBuffer(count: half.count, fill: fill, body) }
            return try WidenScratch.withFreshBuffer(count: half.count, fill: fill, body)
        case .absent:
            return try Parameter.withPointer([Float](repeating: 0, count: Tensor.count(of: shape)), body)
        }
    }

    /// What `make` builds from the Float32 values, for a layer that keeps its own packed
    /// copy: mapped half-precision pages are released afterwards, as nothing reads them again.
    public func repacked<R>(_ make: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        let made = try withValues(make)
        releaseResidentPages()
        return made
    }

    /// `values`' base address (a one-element array stands in for an empty one, whose
    /// buffer has none; nothing reads it).
    private static func withPointer<R>(_ values: [Float], _ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        let padded = values.isEmpty ? [0] : values
        return try padded.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { preconditionFailure("a non-empty array without storage") }
            return try body(base)
        }
    }

    /// Drops the resident pages of a half-precision view into a mapped file
    /// (`HalfStorage.releaseResidentPages`); nothing for values held in memory.
    public func releaseResidentPages() {
        if case let .float16(half) = storage { half.releaseResidentPages() }
    }

    /// True when the values are held in half precision.
    public var isHalf: Bool {
        if case .float16 = storage { return true }
        return false
    }

    /// Bytes held in memory (for a view into a mapped file: the bytes it maps).
    public var byteCount: Int {
        switch storage {
        case let .float32(tensor): return tensor.count * 4
        case let .float16(half): return half.count * 2
        case .absent: return 0
        }
    }
}
