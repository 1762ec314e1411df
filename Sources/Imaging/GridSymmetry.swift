import Tensor

/// A symmetry of the pixel grid (a flip or quarter turn, or a composition of them), written
/// as the integer matrix of where it moves the content: the pixel at (x, y) (x to the
/// right, y down, from the image's centre) goes to (a x + c y, b x + d y). The four numbers
/// are also the first four of a CSS `matrix(a, b, c, d, 0, 0)`, which shows the same motion
/// on a page.
///
/// Every geometric image operation (`flippedVertically`, `rotated90`, the anagram views)
/// is one of these applied by `Tensor.transformed(by:)`, the one pixel remapping.
public struct GridSymmetry: Hashable, Sendable {
    /// The matrix entries, in CSS order.
    public let a: Int, b: Int, c: Int, d: Int

    /// A symmetry from its matrix; the matrix must be orthogonal with entries in {-1, 0, 1}.
    public init(a: Int, b: Int, c: Int, d: Int) {
        precondition(a * a + b * b == 1 && c * c + d * d == 1 && a * c + b * d == 0, "not a grid symmetry: (\(a), \(b), \(c), \(d))")
        (self.a, self.b, self.c, self.d) = (a, b, c, d)
    }

    /// Nothing moves.
    public static let identity = GridSymmetry(a: 1, b: 0, c: 0, d: 1)
    /// Upside down (`torch.flip(x, dims=[-2])`).
    public static let flipVertical = GridSymmetry(a: 1, b: 0, c: 0, d: -1)
    /// Left to right (`torch.flip(x, dims=[-1])`).
    public static let flipHorizontal = GridSymmetry(a: -1, b: 0, c: 0, d: 1)

    /// `k` quarter turns counterclockwise on screen (negative: clockwise), like
    /// `torch.rot90(x, k, dims=[-2, -1])`.
    public static func quarterTurns(_ k: Int) -> GridSymmetry {
        switch ((k % 4) + 4) % 4 {
        case 1: return GridSymmetry(a: 0, b: -1, c: 1, d: 0)     // (x, y) -> (y, -x)
        case 2: return GridSymmetry(a: -1, b: 0, c: 0, d: -1)
        case 3: return GridSymmetry(a: 0, b: 1, c: -1, d: 0)     // (x, y) -> (-y, x)
        default: return .identity
        }
    }

    /// The symmetry that undoes this one (the transpose: the matrix is orthogonal).
    public var inverse: GridSymmetry { GridSymmetry(a: a, b: c, c: b, d: d) }

    /// Whether height and width trade places (quarter turns).
    public var swapsAxes: Bool { a == 0 }
}

extension Tensor {
    /// The planes of `[..., H, W]` moved by `symmetry`: `out[q] = in[symmetry⁻¹ q]`, shaped
    /// `[..., W, H]` when the symmetry swaps the axes. Rank < 2 comes back unchanged.
    public func transformed(by symmetry: GridSymmetry) -> Tensor {
        guard symmetry != .identity, let layout = try? planeLayout("transformed") else { return self }
        let (h, w) = (layout.height, layout.width)
        let (outHeight, outWidth) = symmetry.swapsAxes ? (w, h) : (h, w)
        let m = symmetry
        // In doubled centred coordinates pixel centres are integers: q = (2 col - (W' - 1),
        // 2 row - (H' - 1)); the source is Mᵀ q.
        var source = [Int](repeating: 0, count: outHeight * outWidth)
        for row in 0..<outHeight {
            for column in 0..<outWidth {
                let (qx, qy) = (2 * column - (outWidth - 1), 2 * row - (outHeight - 1))
                let (px, py) = (m.a * qx + m.b * qy, m.c * qx + m.d * qy)
                source[row * outWidth + column] = ((py + h - 1) / 2) * w + (px + w - 1) / 2
            }
        }
        let inPlane = h * w, outPlane = outHeight * outWidth
        var out = [Float](repeating: 0, count: layout.planes * outPlane)
        scalars.withUnsafeBufferPointer { src in
            for p in 0..<layout.planes {
                let (from, to) = (p * inPlane, p * outPlane)
                for i in 0..<outPlane { out[to + i] = src[from + source[i]] }
            }
        }
        return Tensor(shape: layout.leading + [outHeight, outWidth], scalars: out)
    }
}
