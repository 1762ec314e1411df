import Tensor

/// A view of an image for visual anagrams: an invertible pixel permutation (or negation)
/// applied to the last two axes of `[..., H, W]` tensors in the model range [-1, 1].
public enum ImageView: String, Sendable, CaseIterable {
    /// The image as it is.
    case identity
    /// Upside down (rows reversed).
    case flip
    /// Left to right (columns reversed).
    case mirror
    /// Rotated 90 degrees counterclockwise.
    case rotate90
    /// Rotated 180 degrees.
    case rotate180
    /// Rotated 270 degrees counterclockwise (90 clockwise).
    case rotate270
    /// Colour negative (x -> -x in [-1, 1], i.e. 1 - x in [0, 1]).
    case negate

    /// The view that undoes this one.
    public var inverse: ImageView {
        switch self {
        case .rotate90: return .rotate270
        case .rotate270: return .rotate90
        default: return self
        }
    }

    /// The view applied to `x` (`[..., H, W]`; rotations need H == W).
    public func apply(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 2 else { throw DiffusionError.invalidInput(what: "view \(rawValue)", reason: "needs an image, got shape \(Tensor.format(x.shape))") }
        let (h, w) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
        switch self {
        case .identity: return x
        case .negate: return -x
        case .flip: return permute(x, h: h, w: w) { r, c in (h - 1 - r, c) }
        case .mirror: return permute(x, h: h, w: w) { r, c in (r, w - 1 - c) }
        case .rotate180: return permute(x, h: h, w: w) { r, c in (h - 1 - r, w - 1 - c) }
        case .rotate90, .rotate270:
            guard h == w else { throw DiffusionError.invalidInput(what: "view \(rawValue)", reason: "rotations need a square image, got \(h)x\(w)") }
            // out[r][c] reads in[source(r, c)]; counterclockwise like torch.rot90(k=1, dims=[-2, -1]).
            return self == .rotate90
                ? permute(x, h: h, w: w) { r, c in (c, w - 1 - r) }
                : permute(x, h: h, w: w) { r, c in (h - 1 - c, r) }
        }
    }

    /// out[r, c] = x[source(r, c)] for every leading index.
    private func permute(_ x: Tensor, h: Int, w: Int, _ source: (Int, Int) -> (Int, Int)) -> Tensor {
        let planes = x.count / (h * w)
        var out = [Float](repeating: 0, count: x.count)
        var map = [Int](repeating: 0, count: h * w)
        for r in 0..<h { for c in 0..<w { let (sr, sc) = source(r, c); map[r * w + c] = sr * w + sc } }
        x.scalars.withUnsafeBufferPointer { input in
            for p in 0..<planes {
                let base = p * h * w
                for i in 0..<(h * w) { out[base + i] = input[base + map[i]] }
            }
        }
        return Tensor(shape: x.shape, scalars: out)
    }
}
