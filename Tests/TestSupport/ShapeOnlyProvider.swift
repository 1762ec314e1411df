import Tensor

/// A model's tensor names and shapes with no values behind them (reading one throws), for
/// tests of decisions made from shapes alone, such as weight residency, on models far too
/// large to hold.
public struct ShapeOnlyProvider: TensorProvider {
    /// The shape of every tensor, by name.
    public let shapes: [String: [Int]]

    /// The provider of `list` (a model's `tensorShapes(config:)`); a repeated name keeps its
    /// first shape.
    public init(_ list: [(name: String, shape: [Int])]) {
        shapes = Dictionary(list.map { ($0.name, $0.shape) }, uniquingKeysWith: { first, _ in first })
    }

    /// How many values the tensors hold in all.
    public var parameterCount: Int { shapes.values.reduce(0) { $0 + Tensor.count(of: $1) } }

    public var names: [String] { shapes.keys.sorted() }
    public func shape(of name: String) -> [Int]? { shapes[name] }
    public func tensor(named name: String) throws -> Tensor {
        throw TensorError.invalidArgument("\(name): a shape-only provider has no values")
    }
}
