import Tensor

/// Strict loading of named tensors: each tensor a model asks for must exist with exactly
/// the shape its configuration implies, and `finish()` fails if any tensor was left
/// unused. A checkpoint that does not match its config.json is caught when loading,
/// naming the tensor, instead of producing wrong images.
public final class WeightLoader {
    private let provider: any TensorProvider
    private var unused: Set<String>

    /// A loader over every tensor of `provider`.
    public init(_ provider: any TensorProvider) {
        self.provider = provider
        self.unused = Set(provider.names)
    }

    /// The tensor `name`, which must have `shape`.
    public func parameter(_ name: String, shape: [Int]) throws -> Parameter {
        guard let actual = provider.shape(of: name) else {
            throw DiffusionError.missingTensor(name: name, expectedShape: shape)
        }
        guard actual == shape else {
            throw DiffusionError.misshapenTensor(name: name, shape: actual, expectedShape: shape)
        }
        let value = try provider.tensor(named: name)
        guard value.shape == shape else {
            throw DiffusionError.misshapenTensor(name: name, shape: value.shape, expectedShape: shape)
        }
        unused.remove(name)
        return Parameter(name: name, value: value)
    }

    /// Throws when some tensors were never asked for.
    public func finish() throws {
        if !unused.isEmpty { throw DiffusionError.unexpectedTensors(unused.sorted()) }
    }
}
