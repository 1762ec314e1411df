/// What a notebook, or the command line, asks of its model: plain values, paths already
/// absolute. The Runner builds one from each notebook's front matter; the command line's
/// request overrides it field by field.
public struct ModelRequest: Sendable, Equatable {
    /// A name from `ModelCatalog` (nil: not given).
    public var model: String?
    /// A folder of stage I weights.
    public var weights: String?
    /// A folder of stage II weights.
    public var weights2: String?
    /// The course's prompt-embeddings file.
    public var embeddings: String?
    /// The arithmetic of IF's UNet products.
    public var precision: Precision?
    /// The notebook's folder, one of the places the embeddings file is looked for (nil on
    /// the command line).
    public var notebookFolder: String?

    /// A request from its parts; every field defaults to not given.
    public init(model: String? = nil, weights: String? = nil, weights2: String? = nil, embeddings: String? = nil,
                precision: Precision? = nil, notebookFolder: String? = nil) {
        self.model = model
        self.weights = weights
        self.weights2 = weights2
        self.embeddings = embeddings
        self.precision = precision
        self.notebookFolder = notebookFolder
    }

    /// This request with every field it leaves out taken from `other`.
    public func over(_ other: ModelRequest) -> ModelRequest {
        ModelRequest(model: model ?? other.model, weights: weights ?? other.weights, weights2: weights2 ?? other.weights2,
                     embeddings: embeddings ?? other.embeddings, precision: precision ?? other.precision,
                     notebookFolder: notebookFolder ?? other.notebookFolder)
    }
}
