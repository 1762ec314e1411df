import Foundation

/// How `conv2d(algorithm: .automatic)` chooses between Winograd and direct convolution.
///
/// Read once from the environment so that every path can be forced on any machine:
/// `NOISEBOOK_WINOGRAD=auto` (the default: the measured table in `tile(height:width:weights:)`),
/// `f4` or `f2` (that algorithm wherever Winograd runs), or `off` (every convolution
/// direct). Tests run each.
public enum ConvolutionPolicy: Sendable, Equatable {
    /// The algorithm that measured fastest for each size.
    case automatic
    /// One Winograd algorithm wherever Winograd runs.
    case forced(WinogradTile)
    /// Every convolution direct (im2col + SGEMM).
    case off

    /// The policy for `environment`; a value other than auto, f4, f2 or off is an error naming it.
    public static func from(environment: [String: String]) throws -> ConvolutionPolicy {
        switch Knob.winograd.value(in: environment) {
        case nil, "auto": return .automatic
        case "off": return .off
        case let name?:
            guard let tile = WinogradTile(rawValue: name) else { throw Knob.winograd.invalid(name) }
            return .forced(tile)
        }
    }

    /// This process's policy. An unreadable variable falls back to `automatic` here;
    /// `noisebook doctor` reports it through `from(environment:)`.
    public static let current: ConvolutionPolicy =
        (try? from(environment: ProcessInfo.processInfo.environment)) ?? .automatic

    /// How a layer that can keep transformed weights (it has a `WinogradWeightCache`) holds
    /// them for a 3x3 convolution on `height` x `width` images.
    ///
    /// Float32 layers keep them from 16x16 up. Half-precision layers (IF-I-XL, whose 17 GB of
    /// Float32 weights stay fp16) keep them only from 16x16 to below 32x32, in F(2x2, 3x3):
    /// without them those layers run direct, widening their weights on every call, while larger
    /// images already pay for a transform per call; F(2x2, 3x3) keeps 16/9 of the Float32
    /// weights where F(4x4, 3x3) keeps 4x, so the budget covers more than twice the layers.
    /// On IF-I-XL at batch 1 (2-core AVX2) its 16x16 layers took 3.7 s of a 15.4 s forward
    /// run direct from fp16.
    public func holding(height: Int, width: Int, halfWeights: Bool) -> WinogradWeights {
        let pixels = height * width
        guard pixels >= 16 * 16 else { return .perCall }
        if halfWeights { return pixels < 32 * 32 ? .keptFromHalf : .perCall }
        return .kept
    }

    /// The Winograd algorithm for a 3x3 convolution (padding 1) on `height` x `width` images
    /// whose weights are held as `weights`, or nil for direct. The batch size does not enter:
    /// an image gives the same numbers alone and in a CFG pair.
    ///
    /// Measured per layer on IF's shapes (2-core AVX-512, `make bench` prints the whole-model
    /// effect). With the transformed Float32 weights kept, F(4x4, 3x3) is the fastest from
    /// 16x16 up (1.4-3x direct; an IF-I-L forward at batch 2 took 3.8 s instead of 5.0 s with
    /// direct 16x16 layers). At 8x8 F(2x2, 3x3) would still save 1.2-1.5x per layer, but
    /// nothing measurable for the whole model, for the largest weights of all; so 8x8 runs
    /// direct. Layers keep their transformed weights only within their model's
    /// `WinogradBudget`, and run as `perCall` beyond it. Weights transformed on every call pay
    /// only on larger images: F(4x4, 3x3) at 64x64 and up, F(2x2, 3x3) at 32x32. Kept from
    /// half precision, F(2x2, 3x3) (see `holding`).
    ///
    /// With bf16 products (`bfloat16`), F(4x4, 3x3) is never used: its transforms multiply
    /// bf16's rounding (2^-9) by up to about 30, which measured 6-8% of a layer's output
    /// against 0.4% for F(2x2, 3x3) and 0.3% for direct (`BFloat16ConvolutionTests`).
    public func tile(height: Int, width: Int, weights: WinogradWeights, bfloat16: Bool = false) -> WinogradTile? {
        let pixels = height * width
        guard pixels >= (weights == .perCall ? 32 * 32 : 16 * 16) else { return nil }
        let tile: WinogradTile?
        switch self {
        case .off: tile = nil
        case .forced(let forced): tile = forced
        case .automatic:
            switch weights {
            case .kept: tile = .f4x4
            case .keptFromHalf: tile = .f2x2
            case .perCall: tile = pixels >= 64 * 64 ? .f4x4 : .f2x2
            }
        }
        return bfloat16 && tile == .f4x4 ? .f2x2 : tile
    }

    /// What the policy runs, for logs and the bench.
    public var summary: String {
        switch self {
        case .automatic: return "Winograd F(4x4, 3x3) from 16x16 with kept weights (F(2x2, 3x3) at 16x16 kept from fp16), by size otherwise"
        case .forced(.f4x4): return "Winograd F(4x4, 3x3)"
        case .forced(.f2x2): return "Winograd F(2x2, 3x3)"
        case .off: return "direct (im2col + SGEMM)"
        }
    }

    /// The environment value that selects this policy.
    public var name: String {
        switch self {
        case .automatic: return "auto"
        case .forced(let tile): return tile.rawValue
        case .off: return "off"
        }
    }
}

/// How a layer holds the weights a 3x3 convolution reads, which sets what a Winograd
/// transform costs it (see `ConvolutionPolicy.holding`).
public enum WinogradWeights: Sendable, Equatable {
    /// Float32 weights whose transform is kept after the first call.
    case kept
    /// Half-precision weights whose transform is kept: widened and transformed once.
    case keptFromHalf
    /// Weights transformed on every call (and, held in half precision, widened on every call).
    case perCall
}
