/// Everything one notebook's HTML page shows, gathered by the runner after execution.
public struct PageInput: Sendable {
    /// The page's file name, e.g. `1.1-forward-process.html`.
    public var fileName: String
    /// The page title, usually the front matter's `title`.
    public var title: String
    /// The notebook the page was made from, e.g. `Notebooks/1.1-forward-process.md`.
    public var notebookPath: String
    /// Which model made the images, e.g. `DeepFloyd IF-I-L v1.0 (fp16)`.
    public var modelName: String
    /// The notebook's seed, when it has one.
    public var seed: UInt64?
    /// Prose and cells in notebook order.
    public var blocks: [PageBlock]
    /// A footer line naming the generator, e.g. `noisebook 0.1.0`.
    public var generatedNote: String?
    /// A page to hand in: no cache badges or timings, only the work.
    public var submission: Bool

    /// Creates a page description.
    public init(fileName: String, title: String, notebookPath: String, modelName: String,
                seed: UInt64?, blocks: [PageBlock], generatedNote: String? = nil, submission: Bool = false) {
        self.fileName = fileName
        self.title = title
        self.notebookPath = notebookPath
        self.modelName = modelName
        self.seed = seed
        self.blocks = blocks
        self.generatedNote = generatedNote
        self.submission = submission
    }
}
