import Foundation

/// How `conv2d(algorithm: .automatic)` chooses between Winograd and direct convolution.
///
/// Read once from the environment so that every path can be forced on any machine:
/// `NOISEBOOK_WINOGRAD=auto` (the default: the measured table in `tile(pixels:weightsCached:)`),
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
        switch environment["NOISEBOOK_WINOGRAD"] {
        case nil, "", "auto": return .automatic
        case "off": return .off
        case let name?:
            guard let tile = WinogradTile(rawValue: name) else {
                throw TensorError.invalidArgument("NOISEBOOK_WINOGRAD=\(name): expected auto, f4, f2 or off")
            }
            return .forced(tile)
        }
    }

    /// This process's policy. An unreadable variable falls back to `automatic` here;
    /// `noisebook doctor` reports it through `from(environment:)`.
    public static let current: ConvolutionPolicy =
        (try? from(environment: ProcessInfo.processInfo.environment)) ?? .automatic

    /// The Winograd algorithm for a 3x3 convolution (padding 1) with `pixels` outputs per
    /// channel over the batch (B x H x W), or nil for direct.
    ///
    /// With the transformed weights kept (`weightsCached`, Float32-resident layers) the
    /// transform is paid once, so Winograd pays down to 8x8 images; with half-resident
    /// weights every call transforms them (4x the layer's weights for F(4x4, 3x3)), which
    /// pays only on larger images. Measured per layer on IF's shapes (`make bench` prints
    /// the whole-model effect): F(4x4, 3x3) is fastest from 16x16 at batch 1 up, F(2x2, 3x3)
    /// at 8x8; uncached, F(2x2, 3x3) from 32x32 at batch 1 and F(4x4, 3x3) from 2048 pixels.
    public func tile(pixels: Int, weightsCached: Bool) -> WinogradTile? {
        let smallest = weightsCached ? 64 : 1024
        switch self {
        case .off: return nil
        case .forced(let tile): return pixels >= smallest ? tile : nil
        case .automatic:
            guard pixels >= smallest else { return nil }
            return pixels >= (weightsCached ? 256 : 2048) ? .f4x4 : .f2x2
        }
    }

    /// What the policy runs, for logs and the bench.
    public var summary: String {
        switch self {
        case .automatic: return "Winograd F(4x4, 3x3) or F(2x2, 3x3) by size"
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
