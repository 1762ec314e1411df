/// One thing a cell showed.
public enum CellOutput: Sendable {
    /// Printed text, shown preformatted.
    case text(String)
    /// A grid of images.
    case figure(Figure)
    /// A chart, drawn inline as SVG.
    case chart(ChartFigure)
    /// A marker: what follows (or what came before, at the end of a cell) answers a
    /// deliverable of the assignment; the index links to its anchor.
    case deliverable(DeliverableMarker)
}

/// A deliverable answered at one place on a page.
public struct DeliverableMarker: Sendable, Equatable {
    /// The deliverable's id.
    public var id: String
    /// What the assignment asks (empty when the table does not list the id).
    public var text: String
    /// The element id on the page the index links to.
    public var anchor: String

    /// A marker from its parts.
    public init(id: String, text: String, anchor: String) {
        self.id = id
        self.text = text
        self.anchor = anchor
    }
}
