/// One thing a cell showed.
public enum CellOutput: Sendable {
    /// Printed text, shown preformatted.
    case text(String)
    /// A grid of images.
    case figure(Figure)
    /// A chart, drawn inline as SVG.
    case chart(ChartFigure)
}
