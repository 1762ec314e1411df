/// The in-place control an illusion image gets on its page: a toggle labelled `label` that
/// applies `css` to the image. The Runner derives it from the model's own view table, so
/// Report only renders what it is given.
public struct ViewControl: Sendable, Hashable {
    /// The view's name, used in class names ("rotate90"); letters and digits only.
    public var name: String
    /// The toggle's label ("Rotate 90° ↺").
    public var label: String
    /// The CSS declarations applied while the toggle is on ("transform: matrix(...);").
    public var css: String

    /// A control from its parts.
    public init(name: String, label: String, css: String) {
        self.name = name
        self.label = label
        self.css = css
    }

    /// The stylesheet rule that turns a checked toggle into this view.
    var rule: String {
        ".view-toggle:checked ~ .frame .view-\(name) { \(css) }\n"
    }
}
