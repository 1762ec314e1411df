import Script
import Tensor

/// An image in a cell: `[C, H, W]` with C = 1 (gray or mask) or 3 (RGB). Images are in the
/// display range [0, 1], and the finished diffusion built-ins convert to the model's [-1, 1]
/// themselves. The model's primitives (`noiseEstimate`, `predictX0`, ...) work on values in
/// the model range instead, which `toModelRange()` and `toDisplayRange()` make explicitly
/// (one pass over the pixels each); the two kinds do not mix by accident. Values outside the
/// range are kept (noisy images overshoot) and clamped only when shown or saved.
///
/// A mask (`rectangleMask`, `ellipseMask`, and what arithmetic with numbers makes of one) is a
/// weight in [0, 1], not a picture: it combines with display images and model-range values
/// alike, and is never converted.
public struct ImageValue: NativeValue {
    /// The pixels, `[C, H, W]`.
    public var tensor: Tensor
    /// Where the image came from.
    public var provenance: Provenance
    /// Whether the values are in the model range [-1, 1] (else the display range [0, 1]).
    public var isModelRange: Bool
    /// Whether this is a weight (a mask): it mixes with either range.
    public var isWeight: Bool

    /// An image from its pixels and provenance.
    public init(_ tensor: Tensor, provenance: Provenance = Provenance(), isModelRange: Bool = false, isWeight: Bool = false) {
        self.tensor = tensor
        self.provenance = provenance
        self.isModelRange = isModelRange && !isWeight
        self.isWeight = isWeight
    }

    /// The pixels in the display range [0, 1], converting a model-range value.
    public var displayTensor: Tensor { isModelRange ? tensor.fromModelRange() : tensor }

    /// The pixels in the model range [-1, 1], converting a display image.
    public var modelTensor: Tensor { isModelRange ? tensor : tensor.toModelRange() }

    /// The channel count.
    public var channels: Int { tensor.shape[0] }
    /// The height in pixels.
    public var height: Int { tensor.shape[1] }
    /// The width in pixels.
    public var width: Int { tensor.shape[2] }

    public var typeName: String { "Image" }
    public var displayString: String { "Image(\(channels)x\(height)x\(width)\(isModelRange ? ", model range" : isWeight ? ", mask" : ""))" }

    public func binary(_ op: BinaryOperator, _ other: Value, selfOnLeft: Bool) throws -> Value? {
        let otherTensor: Tensor
        var provenance = self.provenance
        provenance.operation = nil
        // With a number a mask stays a mask; with an image the result is in the image's range.
        var resultIsModelRange = isModelRange, resultIsWeight = isWeight
        switch other {
        case let .int(i): otherTensor = Tensor(scalar: Float(i))
        case let .double(d): otherTensor = Tensor(scalar: Float(d))
        case let .native(native):
            guard let image = native as? ImageValue else { return nil }
            guard image.isModelRange == isModelRange || image.isWeight || isWeight else {
                throw BuiltinFailure("cannot combine a model-range value ([-1, 1]) with a display image ([0, 1])",
                                     parameter: nil, kind: .runtime,
                                     notes: ["convert the picture, with .toModelRange() or .toDisplayRange() (a mask needs no converting)"])
            }
            resultIsModelRange = isModelRange || image.isModelRange
            resultIsWeight = isWeight && image.isWeight
            otherTensor = image.tensor
            provenance = self.provenance.merged(with: image.provenance)
        default:
            return nil
        }
        let (a, b) = selfOnLeft ? (tensor, otherTensor) : (otherTensor, tensor)
        let function: (Float, Float) -> Float
        switch op {
        case .add: function = { $0 + $1 }
        case .subtract: function = { $0 - $1 }
        case .multiply: function = { $0 * $1 }
        case .divide: function = { $0 / $1 }
        default: return nil
        }
        let mine = Self.operandText(self)
        let theirs: String
        switch other {
        case let .int(i): theirs = String(i)
        case let .double(d): theirs = NotebookLibrary.format(d)
        case let .native(image as ImageValue): theirs = Self.operandText(image)
        default: theirs = "?"
        }
        provenance.operation = Self.arithmeticText(selfOnLeft ? mine : theirs, op, selfOnLeft ? theirs : mine)
        do {
            let result = try Tensor.zip(a, b, operation: op.rawValue, function)
            return .native(ImageValue(result, provenance: provenance, isModelRange: resultIsModelRange, isWeight: resultIsWeight))
        } catch {
            throw BuiltinFailure("cannot apply '\(op.rawValue)' to images of sizes \(ImageValue.sizeText(a.shape)) and \(ImageValue.sizeText(b.shape))",
                parameter: nil, kind: .runtime,
                notes: ["a 1-channel mask combines with a 3-channel image of the same height and width"])
        }
    }

    /// An image a cell function returned names that function and the built-ins its run
    /// called, not only the last operation ("guidedLoop, a cell function calling
    /// noiseEstimate, predictX0, posteriorMean, addVariance, gaussianNoise").
    public func returned(by function: String, calling builtins: [String]) -> (any NativeValue)? {
        var image = self
        image.provenance.operation = function + (builtins.isEmpty ? ", a cell function" : ", a cell function calling " + builtins.joined(separator: ", "))
        return image
    }

    /// How an arithmetic result names what made it, so a figure of `photo * (1 - mask)`
    /// says so: "resized(64) × (1 − rectangleMask)"; a long chain is summed up by its last
    /// operator, since a provenance line is read at a glance.
    static func arithmeticText(_ left: String, _ op: BinaryOperator, _ right: String) -> String {
        let symbol = [.multiply: "×", .subtract: "−", .divide: "÷"][op] ?? op.rawValue
        let text = "\(left) \(symbol) \(right)"
        let summed = text.count > 80 || [left, right].contains { $0.hasPrefix(summary) }
        return summed ? "\(summary) (\(symbol))" : text
    }

    /// What `arithmeticText` says of a chain too long to spell out.
    private static let summary = "image arithmetic"

    /// An operand of `arithmeticText`: what made it, in parentheses when that is itself an
    /// expression.
    static func operandText(_ image: ImageValue) -> String {
        let name = image.provenance.operation ?? image.provenance.source.map { String($0.split(separator: "/").last ?? "") } ?? "image"
        let isExpression = [" × ", " − ", " + ", " ÷ ", " % "].contains { name.contains($0) }
        return isExpression ? "(\(name))" : name
    }

    public func negated() throws -> Value? {
        .native(ImageValue(-tensor, provenance: provenance, isModelRange: isModelRange, isWeight: isWeight))
    }

    /// A shape written as "3x64x64" (channels x height x width).
    static func sizeText(_ shape: [Int]) -> String {
        shape.map(String.init).joined(separator: "x")
    }
}
