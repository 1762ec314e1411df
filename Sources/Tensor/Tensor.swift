/// A dense, row-major Float32 tensor with value semantics.
///
/// Storage is a Swift array, so copies are cheap until one side writes (copy on write).
/// Shapes follow PyTorch's conventions: images are `[C, H, W]`, batches `[B, C, H, W]`.
public struct Tensor: Sendable, Equatable {
    /// The extent of each axis, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.product`.
    public var scalars: [Float]

    /// A tensor of `shape` holding `scalars` in row-major order.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
        precondition(Tensor.count(of: shape) == scalars.count,
                     "shape \(shape) needs \(Tensor.count(of: shape)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of `shape` with every element equal to `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: Tensor.count(of: shape)))
    }

    /// A tensor of `shape` filled with zeros.
    public init(zeros shape: [Int]) {
        self.init(repeating: 0, shape: shape)
    }

    /// A rank-0 tensor holding one value.
    public init(scalar: Float) {
        self.init(shape: [], scalars: [scalar])
    }

    /// A tensor of `shape` whose elements are `body(flatIndex)`.
    public init(shape: [Int], _ body: (Int) throws -> Float) rethrows {
        let n = Tensor.count(of: shape)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n { values[i] = try body(i) }
        self.init(shape: shape, scalars: values)
    }

    /// The number of elements a tensor of `shape` holds.
    public static func count(of shape: [Int]) -> Int {
        shape.reduce(1, *)
    }

    /// The number of elements.
    public var count: Int { scalars.count }

    /// The number of axes.
    public var rank: Int { shape.count }

    /// The same elements under a new shape with the same element count.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        guard Tensor.count(of: newShape) == count else {
            throw TensorError.shapeMismatch(operation: "reshape", shape, newShape)
        }
        return Tensor(shape: newShape, scalars: scalars)
    }

    /// Row-major strides for `shape`.
    public static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// The element at a multi-index (one entry per axis).
    public subscript(_ index: Int...) -> Float {
        get { scalars[flatIndex(index)] }
        set { scalars[flatIndex(index)] = newValue }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "index \(index) for shape \(shape)")
        var flat = 0
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "index \(index) out of range for shape \(shape)")
            flat = flat * shape[axis] + i
        }
        return flat
    }

    /// The `i`-th slice along the first axis (e.g. one image of a batch).
    public func slice(_ i: Int) -> Tensor {
        precondition(rank >= 1 && i >= 0 && i < shape[0], "slice \(i) of shape \(shape)")
        let inner = Array(shape.dropFirst())
        let n = Tensor.count(of: inner)
        return Tensor(shape: inner, scalars: Array(scalars[(i * n)..<((i + 1) * n)]))
    }

    /// Tensors of equal shape stacked along a new first axis.
    public static func stack(_ parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first else { throw TensorError.empty(operation: "stack") }
        var values = [Float]()
        values.reserveCapacity(first.count * parts.count)
        for part in parts {
            guard part.shape == first.shape else {
                throw TensorError.shapeMismatch(operation: "stack", first.shape, part.shape)
            }
            values.append(contentsOf: part.scalars)
        }
        return Tensor(shape: [parts.count] + first.shape, scalars: values)
    }

    /// Tensors concatenated along `axis`; all other extents must agree.
    public static func concatenate(_ parts: [Tensor], axis: Int) throws -> Tensor {
        guard let first = parts.first else { throw TensorError.empty(operation: "concatenate") }
        guard axis >= 0 && axis < first.rank else {
            throw TensorError.invalidAxis(operation: "concatenate", axis: axis, rank: first.rank)
        }
        let outer = Tensor.count(of: Array(first.shape[..<axis]))
        var total = 0
        for part in parts {
            var a = part.shape, b = first.shape
            guard a.count == b.count else { throw TensorError.shapeMismatch(operation: "concatenate", b, a) }
            a[axis] = 0; b[axis] = 0
            guard a == b else { throw TensorError.shapeMismatch(operation: "concatenate", first.shape, part.shape) }
            total += part.shape[axis]
        }
        var shape = first.shape
        shape[axis] = total
        // Each output row (one index of the axes before `axis`) is every part's block in turn;
        // the blocks are copied across the cores (a UNet's skip concatenations are megabytes).
        let blocks = parts.map { $0.count / Swift.max(outer, 1) }
        let row = blocks.reduce(0, +)
        var starts = [0]
        for block in blocks.dropLast() { starts.append((starts.last ?? 0) + block) }
        let values = [Float](writtenWhole: outer * row) { base in
            let d = SharedMutablePointer(base: base)
            Parallel.forEach(outer * parts.count, costPerItem: row / Swift.max(parts.count, 1)) { item in
                let (o, p) = (item / parts.count, item % parts.count)
                parts[p].scalars.withUnsafeBufferPointer { source in
                    guard let from = source.baseAddress else { return }
                    (d.base + o * row + starts[p]).initialize(from: from + o * blocks[p], count: blocks[p])
                }
            }
        }
        return Tensor(shape: shape, scalars: values)
    }
}

extension Tensor: CustomStringConvertible {
    /// A short summary: the shape only, never the contents (tensors can be gigabytes).
    public var description: String {
        "Tensor(\(shape.map(String.init).joined(separator: "x")))"
    }
}
