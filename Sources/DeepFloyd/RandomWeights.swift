import Diffusion
import NN
import Tensor

/// Deterministic random weights for every tensor a config implies, made on request (for
/// `make bench` and for tests that need a model of a given shape).
///
/// Values are uniform in +-1/sqrt(fan_in) (PyTorch's default initialisation bound), so
/// activations keep a sane scale through the network; norm weights are 1 and biases
/// small. Each tensor's values depend only on its name and the seed, so a tensor can be
/// regenerated alone (and an fp16 file written one tensor at a time).
public struct RandomWeights: HalfTensorProvider {
    /// The shape of every tensor the config implies.
    public let shapes: [String: [Int]]
    /// Their names, sorted.
    public let names: [String]
    /// The seed every value derives from.
    public let seed: UInt64

    /// Weights for `config`, derived from `seed`.
    public init(config: UNetConfig, seed: UInt64 = 5) throws {
        self.init(shapes: try IFUNet.tensorShapes(config: config), seed: seed)
    }

    /// Weights for any model's tensor list (e.g. `T5EncoderModel.tensorShapes(config:)`).
    public init(shapes list: [(name: String, shape: [Int])], seed: UInt64 = 5) {
        shapes = Dictionary(list.map { ($0.name, $0.shape) }, uniquingKeysWith: { first, _ in first })
        names = shapes.keys.sorted()
        self.seed = seed
    }

    public func shape(of name: String) -> [Int]? { shapes[name] }

    public func tensor(named name: String) throws -> Tensor {
        guard let shape = shapes[name] else { throw TensorError.invalidArgument("no tensor '\(name)' in this config") }
        var values = [Float](repeating: 0, count: Tensor.count(of: shape))
        fill(name, shape: shape, into: &values)
        return Tensor(shape: shape, scalars: values)
    }

    /// Half-precision copies of the same values (rounded), so fp16 residency can be timed
    /// without a file.
    public func halfStorage(named name: String) throws -> HalfStorage? {
        let t = try tensor(named: name)
        return HalfStorage(bits: t.scalars.map { Float16($0).bitPattern })
    }

    /// The values of `name`.
    public func fill(_ name: String, shape: [Int], into values: inout [Float]) {
        if name.hasSuffix("norm1.weight") || name.hasSuffix("norm2.weight") || name.hasSuffix("norm.weight")
            || name.hasSuffix("norm_cross.weight") || name.hasSuffix("conv_norm_out.weight")
            || name.hasSuffix("layer_norm.weight") {
            for i in values.indices { values[i] = 1 }
            return
        }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        var random = SeededRandom(seed: seed ^ hash)
        let fanIn = shape.count >= 2 ? shape.dropFirst().reduce(1, *) : 1
        let bound = shape.count >= 2 ? 1 / Float(fanIn).squareRoot() : 0.02
        let scale = 2 * bound / Float(1 << 24)
        for i in values.indices { values[i] = Float(random.next() >> 40) * scale - bound }
    }
}
