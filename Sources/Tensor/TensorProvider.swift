/// A read-only collection of named tensors, such as a checkpoint on disk.
///
/// Lives in the lowest layer so that file formats (Weights) and models (Diffusion) can meet
/// without either depending on the other: Diffusion takes weights as named tensors and never
/// touches files.
public protocol TensorProvider: Sendable {
    /// Every tensor name, sorted.
    var names: [String] { get }
    /// The shape of `name`, or nil when absent.
    func shape(of name: String) -> [Int]?
    /// The tensor `name` widened to Float32; throws when absent or unreadable.
    func tensor(named name: String) throws -> Tensor
}

/// An in-memory `TensorProvider`, for tests and small models.
public struct TensorDictionary: TensorProvider {
    /// The tensors by name.
    public var tensors: [String: Tensor]

    /// A provider serving `tensors`.
    public init(_ tensors: [String: Tensor]) { self.tensors = tensors }

    public var names: [String] { tensors.keys.sorted() }
    public func shape(of name: String) -> [Int]? { tensors[name]?.shape }
    public func tensor(named name: String) throws -> Tensor {
        guard let t = tensors[name] else { throw TensorError.invalidArgument("tensor '\(name)' is missing") }
        return t
    }
}
