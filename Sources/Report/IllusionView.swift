/// A view under which an illusion image shows its second reading.
public enum IllusionView: String, Sendable {
    /// Upside down (mirrored vertically), as for the visual anagrams.
    case flip
    /// Rotated a quarter turn clockwise.
    case rotate90
    /// Rotated half a turn.
    case rotate180
    /// Rotated three quarter turns clockwise.
    case rotate270
    /// Colours inverted.
    case negate
    /// Unchanged; offered for completeness so every view has a control.
    case identity

    /// The CSS applied when the control is on.
    var css: String {
        switch self {
        case .flip: return "transform: scaleY(-1);"
        case .rotate90: return "transform: rotate(90deg);"
        case .rotate180: return "transform: rotate(180deg);"
        case .rotate270: return "transform: rotate(270deg);"
        case .negate: return "filter: invert(1);"
        case .identity: return "transform: none;"
        }
    }

    /// The control's label.
    var label: String {
        switch self {
        case .flip: return "Flip ↕"
        case .rotate90: return "Rotate 90° ↻"
        case .rotate180: return "Rotate 180° ↻"
        case .rotate270: return "Rotate 270° ↻"
        case .negate: return "Negate ◐"
        case .identity: return "Identity"
        }
    }
}
