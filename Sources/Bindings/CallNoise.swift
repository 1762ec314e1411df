import Digest
import Script
import Tensor

/// Numbered noise: draw k under a `seed:` is one fixed tensor (per notebook seed), whichever
/// call asks for it. A finished built-in given `seed: s` takes draws 0, 1, 2... of s in order
/// (the start noise first, when it draws one, then one per step), so a loop written in a cell
/// can take the very same numbers with `gaussianNoise(like:seed:draw:)`.
public struct NoiseDraws: GaussianSource {
    /// The notebook's seed.
    public let notebookSeed: UInt64
    /// The seed the call names.
    public let seed: Int
    /// The next draw's number.
    public private(set) var next = 0

    /// Draws of `seed` from the first on.
    public init(notebookSeed: UInt64, seed: Int) {
        self.notebookSeed = notebookSeed
        self.seed = seed
    }

    /// Draw `index` of `seed`, shaped `shape`.
    public static func draw(notebookSeed: UInt64, seed: Int, index: Int, shape: [Int]) -> Tensor {
        var hasher = SHA256()
        hasher.update("noisebook-draw-v1\nnotebook=\(notebookSeed)\nseed=\(seed)\ndraw=\(index)")
        var random = SeededRandom(seed: hasher.finalize().prefix(8).reduce(0) { $0 << 8 | UInt64($1) })
        return random.normal(shape: shape)
    }

    public mutating func normal(shape: [Int]) -> Tensor {
        defer { next += 1 }
        return Self.draw(notebookSeed: notebookSeed, seed: seed, index: next, shape: shape)
    }
}

/// Where one built-in call's random numbers come from: its own stream
/// (`NotebookSession.random(for:_:)`), or numbered draws when the call names a `seed:`.
public enum CallNoise: GaussianSource {
    /// The call's own stream.
    case stream(SeededRandom)
    /// Numbered draws of a seed.
    case draws(NoiseDraws)

    /// The `seed:` argument whose numbered draws this is; nil for the call's own stream.
    public var seedArgument: Int? {
        if case let .draws(draws) = self { draws.seed } else { nil }
    }

    public mutating func normal(shape: [Int]) -> Tensor {
        switch self {
        case .stream(var random):
            defer { self = .stream(random) }
            return random.normal(shape: shape)
        case .draws(var draws):
            defer { self = .draws(draws) }
            return draws.normal(shape: shape)
        }
    }
}

extension NotebookSession {
    /// The noise of one built-in call: numbered draws of its `seed:` argument when it gives
    /// one, else its own stream.
    func noise(for call: String, _ arguments: Arguments) throws -> CallNoise {
        if let seed = try arguments[NotebookLibrary.Parameters.seed] {
            return .draws(NoiseDraws(notebookSeed: self.seed, seed: seed))
        }
        return .stream(random(for: call, arguments))
    }
}
