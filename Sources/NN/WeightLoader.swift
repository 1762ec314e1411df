import Tensor

/// Strict loading of named tensors: each tensor a model asks for must exist with exactly
/// the shape its configuration implies, and `finish()` fails if any tensor was left
/// unused. A checkpoint that does not match its config.json is caught when loading,
/// naming the tensor, instead of producing wrong images.
public final class WeightLoader {
    /// Tensors with fewer values than this are widened when loaded even in half-precision
    /// residency: norms and biases are a negligible share of memory and used whole.
    package static let defaultSmallTensorLimit = 1 << 16
    private let smallTensorLimit: Int

    private let provider: (any TensorProvider)?
    private var unused: Set<String>
    private let keepHalf: Bool
    /// The bf16 kernel the layers' products run on (`precision: bf16`), or nil for Float32.
    public let bfloat16: BFloat16Kernel?
    /// The buffer half-precision parameters widen into.
    package let scratch = WidenScratch()
    /// The model's allowance for kept Winograd-transformed weights, shared by its layers.
    package let winogradBudget = WinogradBudget()
    /// Every (name, shape) asked for, in order.
    package private(set) var requested: [(name: String, shape: [Int])] = []

    /// A loader over every tensor of `provider`; with `keepHalf`, large F16 tensors of a
    /// `HalfTensorProvider` stay half precision in memory.
    /// With `bfloat16`, linear and convolution layers also pack their weights for that bf16
    /// kernel and multiply in bf16.
    public convenience init(_ provider: any TensorProvider, keepHalf: Bool = false, bfloat16: BFloat16Kernel? = nil) {
        self.init(provider, keepHalf: keepHalf, smallTensorLimit: WeightLoader.defaultSmallTensorLimit, bfloat16: bfloat16)
    }

    /// The same, widening tensors of fewer than `smallTensorLimit` values even when keeping half.
    package init(_ provider: any TensorProvider, keepHalf: Bool, smallTensorLimit: Int, bfloat16: BFloat16Kernel? = nil) {
        self.provider = provider
        self.unused = Set(provider.names)
        self.keepHalf = keepHalf
        self.smallTensorLimit = smallTensorLimit
        self.bfloat16 = bfloat16
    }

    /// A loader without weights that only records what a configuration asks for.
    package init(recording: Void) {
        provider = nil
        unused = []
        keepHalf = false
        smallTensorLimit = WeightLoader.defaultSmallTensorLimit
        bfloat16 = nil
    }

    /// The tensor `name`, which must have `shape`.
    public func parameter(_ name: String, shape: [Int]) throws -> Parameter {
        requested.append((name, shape))
        guard let provider else { return Parameter(absent: name, shape: shape) }
        guard let actual = provider.shape(of: name) else {
            throw NNError.missingTensor(name: name, expectedShape: shape)
        }
        guard actual == shape else {
            throw NNError.misshapenTensor(name: name, shape: actual, expectedShape: shape)
        }
        unused.remove(name)
        if keepHalf, Tensor.count(of: shape) >= smallTensorLimit,
           let halves = provider as? any HalfTensorProvider, let half = try halves.halfStorage(named: name) {
            return Parameter(name: name, shape: shape, half: half, scratch: scratch)
        }
        let value = try provider.tensor(named: name)
        guard value.shape == shape else {
            throw NNError.misshapenTensor(name: name, shape: value.shape, expectedShape: shape)
        }
        return Parameter(name: name, value: value)
    }

    /// Accepts `name`, when present, as a tied copy of a tensor the model loads under
    /// another name (T5's `encoder.embed_tokens.weight` beside `shared.weight`): it must
    /// have `shape` and counts as used, but its values are never read. Absent is fine.
    public func acceptTiedCopy(_ name: String, shape: [Int]) throws {
        guard let provider, let actual = provider.shape(of: name) else { return }
        guard actual == shape else {
            throw NNError.misshapenTensor(name: name, shape: actual, expectedShape: shape)
        }
        unused.remove(name)
    }

    /// Throws when some tensors were never asked for.
    public func finish() throws {
        if !unused.isEmpty { throw NNError.unexpectedTensors(unused.sorted()) }
    }
}
