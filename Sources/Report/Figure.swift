/// A grid of images with an optional title, from one `show(...)` call.
public struct Figure: Sendable {
    /// The images, in reading order.
    public var images: [FigureImage]
    /// A heading above the grid.
    public var title: String?
    /// How many images per row; nil picks a width that fits the page.
    public var columns: Int?

    /// Creates a figure.
    public init(images: [FigureImage], title: String? = nil, columns: Int? = nil) {
        self.images = images
        self.title = title
        self.columns = columns
    }
}
