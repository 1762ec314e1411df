import Imaging
import Tensor

/// A view of an image for visual anagrams: an invertible pixel permutation (or negation)
/// of the last two axes of `[..., H, W]` tensors in the model range [-1, 1].
///
/// This table is the one definition of every view: the tensor permutation the model uses
/// (`Tensor.transformed(by:)`), the inverse, and the CSS of the page's control all derive
/// from each view's `symmetry`, so the page cannot turn an image another way than the model.
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

    /// Where the view moves the image's content (negation moves nothing).
    public var symmetry: GridSymmetry {
        switch self {
        case .identity, .negate: return .identity
        case .flip: return .flipVertical
        case .mirror: return .flipHorizontal
        case .rotate90: return .quarterTurns(1)
        case .rotate180: return .quarterTurns(2)
        case .rotate270: return .quarterTurns(3)
        }
    }

    /// Whether the view inverts colours (the only non-geometric view).
    public var negatesColour: Bool { self == .negate }

    /// The view that undoes this one: the one with the inverse symmetry and the same colour
    /// handling.
    public var inverse: ImageView {
        ImageView.allCases.first { $0.negatesColour == negatesColour && $0.symmetry == symmetry.inverse } ?? self
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
        let m = symmetry
        if m == .identity { return "transform: none;" }
        return "transform: matrix(\(m.a), \(m.b), \(m.c), \(m.d), 0, 0);"
    }

    /// The view applied to `x` (`[..., H, W]`; views that swap the axes need H == W, so
    /// that every view keeps the model's shape).
    public func apply(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 2 else { throw DiffusionError.invalidInput(what: "view \(rawValue)", reason: "needs an image, got shape \(Tensor.format(x.shape))") }
        if negatesColour { return -x }
        let (h, w) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
        if symmetry.swapsAxes, h != w {
            throw DiffusionError.invalidInput(what: "view \(rawValue)", reason: "rotations need a square image, got \(h)x\(w)")
        }
        return x.transformed(by: symmetry)
    }
}
