/// One notebook's card on the index page.
public struct IndexEntry: Sendable {
    /// The notebook page's file name, linked from the card.
    public var fileName: String
    /// The notebook's title.
    public var title: String
    /// The assignment part, e.g. `1.1`.
    public var part: String
    /// An image address for the card, relative to the index page.
    public var thumbnail: String?
    /// Which model made the notebook's images.
    public var modelName: String
    /// The notebook's seed, when it has one.
    public var seed: UInt64?
    /// How many cells the notebook has.
    public var cellCount: Int
    /// How many of them failed or were skipped.
    public var failedCells: Int

    /// Creates an index entry.
    public init(fileName: String, title: String, part: String, thumbnail: String?, modelName: String,
                seed: UInt64?, cellCount: Int, failedCells: Int) {
        self.fileName = fileName
        self.title = title
        self.part = part
        self.thumbnail = thumbnail
        self.modelName = modelName
        self.seed = seed
        self.cellCount = cellCount
        self.failedCells = failedCells
    }
}
