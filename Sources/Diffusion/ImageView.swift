import Tensor

/// A view of an image for visual anagrams: an invertible pixel permutation (or negation)
/// of the last two axes of `[..., H, W]` tensors in the model range [-1, 1].
///
/// This table is the one definition of every view: the tensor permutation the model uses,
/// the inverse, the label on the page and the CSS of the page's control all derive from
/// each view's `matrix`, so the page cannot turn an image another way than the model did.
public enum ImageView: String, Sendable, CaseIterable {
    /// The image as it is.
    case identity
    /// Upside down (rows reversed).
    case flip
    /// Left to right (columns reversed).
    case mirror
    /// Rotated 90 degrees counterclockwise, like `torch.rot90(x, 1, dims=[-2, -1])`.
    case rotate90
    /// Rotated 180 degrees.
    case rotate180
    /// Rotated 270 degrees counterclockwise (90 clockwise).
    case rotate270
    /// Colour negative (x -> -x in [-1, 1], i.e. 1 - x in [0, 1]).
    case negate

    /// Where the view moves the image's content, as the 2x2 matrix `(a, b, c, d)` of a CSS
    /// `matrix(a, b, c, d, 0, 0)`: the pixel at (x, y) (x to the right, y down, measured from
    /// the image's centre) goes to (a x + c y, b x + d y). Negation moves nothing.
    public var matrix: (a: Int, b: Int, c: Int, d: Int) {
        switch self {
        case .identity, .negate: return (1, 0, 0, 1)
        case .flip: return (1, 0, 0, -1)
        case .mirror: return (-1, 0, 0, 1)
        case .rotate90: return (0, -1, 1, 0)      // (x, y) -> (y, -x): counterclockwise on screen
        case .rotate180: return (-1, 0, 0, -1)
        case .rotate270: return (0, 1, -1, 0)     // (x, y) -> (-y, x): clockwise on screen
        }
    }

    /// Whether the view inverts colours (the only non-geometric view).
    public var negatesColour: Bool { self == .negate }

    /// The view that undoes this one: the one whose matrix is this matrix's inverse (its
    /// transpose, as every view matrix is orthogonal), with the same colour handling.
    public var inverse: ImageView {
        let m = matrix
        let transposed = (a: m.a, b: m.c, c: m.b, d: m.d)
        return ImageView.allCases.first { v in
            v.negatesColour == negatesColour && v.matrix == transposed
        } ?? self
    }

    /// The label of the page's control that shows this view.
    public var label: String {
        switch self {
        case .identity: return "Identity"
        case .flip: return "Flip ↕"
        case .mirror: return "Mirror ↔"
        case .rotate90: return "Rotate 90° ↺"
        case .rotate180: return "Rotate 180°"
        case .rotate270: return "Rotate 270° ↺"
        case .negate: return "Negate ◐"
        }
    }

    /// The CSS declarations that show an image under this view in place: the view's matrix
    /// as a transform, and colour inversion for negation.
    public var css: String {
        if negatesColour { return "filter: invert(1);" }
        let m = matrix
        if m == (1, 0, 0, 1) { return "transform: none;" }
        return "transform: matrix(\(m.a), \(m.b), \(m.c), \(m.d), 0, 0);"
    }

    /// The view applied to `x` (`[..., H, W]`; views that swap the axes need H == W).
    public func apply(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 2 else { throw DiffusionError.invalidInput(what: "view \(rawValue)", reason: "needs an image, got shape \(Tensor.format(x.shape))") }
        if negatesColour { return -x }
        let (h, w) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
        let m = matrix
        if m == (1, 0, 0, 1) { return x }
        if m.a == 0, h != w {
            throw DiffusionError.invalidInput(what: "view \(rawValue)", reason: "rotations need a square image, got \(h)x\(w)")
        }
        // out[q] = in[M^-1 q] in doubled centred coordinates (2x - (w - 1), 2y - (h - 1)), so
        // that pixel centres stay integers; M^-1 is M's transpose.
        var map = [Int](repeating: 0, count: h * w)
        for r in 0..<h {
            for c in 0..<w {
                let (qx, qy) = (2 * c - (w - 1), 2 * r - (h - 1))
                let (px, py) = (m.a * qx + m.b * qy, m.c * qx + m.d * qy)
                map[r * w + c] = ((py + h - 1) / 2) * w + (px + w - 1) / 2
            }
        }
        let planes = x.count / (h * w)
        var out = [Float](repeating: 0, count: x.count)
        x.scalars.withUnsafeBufferPointer { input in
            for p in 0..<planes {
                let base = p * h * w
                for i in 0..<(h * w) { out[base + i] = input[base + map[i]] }
            }
        }
        return Tensor(shape: x.shape, scalars: out)
    }
}
