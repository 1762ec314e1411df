/// One image of a figure: a PNG file next to the page, with caption and provenance.
public struct FigureImage: Sendable {
    /// The image's address relative to the page, e.g. `images/<sha>.png`.
    public var src: String
    /// The caption under the image.
    public var caption: String
    /// The PNG's width in pixels.
    public var width: Int
    /// The PNG's height in pixels.
    public var height: Int
    /// One line, `model · prompt · seed · steps`: shown as tooltip and small text.
    public var provenance: String
    /// For an illusion, the view that reveals its second reading; the page offers a
    /// control that applies it to the image in place.
    public var view: ViewControl?

    /// Creates a figure image.
    public init(src: String, caption: String, width: Int, height: Int, provenance: String,
                view: ViewControl? = nil) {
        self.src = src
        self.caption = caption
        self.width = width
        self.height = height
        self.provenance = provenance
        self.view = view
    }
}
