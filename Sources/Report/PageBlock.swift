/// One piece of a page, in notebook order.
public enum PageBlock: Sendable {
    /// Notebook prose, rendered with `Report.markdown`.
    case prose(markdown: String)
    /// A cell with its outcome.
    case cell(CellReport)
}
