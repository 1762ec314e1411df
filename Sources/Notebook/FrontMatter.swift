/// The settings block at the top of a notebook, between two `---` lines.
public struct FrontMatter: Sendable {
    /// The page title (`title:`).
    public var title: String?
    /// The notebook's random seed (`seed:`), a non-negative integer.
    public var seed: UInt64?
    /// Which model runs the notebook (`model:`), a name the parser's vocabulary accepts.
    public var model: String?
    /// A directory of weights (`weights:`), as written.
    public var weights: String?
    /// A directory of stage II (super-resolution) weights (`weights2:`), as written.
    public var weights2: String?
    /// A prompt-embedding file (`embeddings:`, the course's `prompt_embeds_dict.pth`), as written.
    public var embeddings: String?
    /// The arithmetic of DeepFloyd IF's UNet products (`precision:`), as the vocabulary accepts it.
    public var precision: String?
    /// The entries under `parameters:`, in file order.
    public var parameters: [Parameter]

    /// The top-level keys the front matter accepts.
    public static let knownKeys = ["title", "seed", "model", "weights", "weights2", "embeddings", "precision", "parameters"]

    /// Creates front matter; every field defaults to absent.
    public init(title: String? = nil, seed: UInt64? = nil, model: String? = nil,
                weights: String? = nil, embeddings: String? = nil, parameters: [Parameter] = []) {
        self.title = title
        self.seed = seed
        self.model = model
        self.weights = weights
        self.embeddings = embeddings
        self.parameters = parameters
    }

    /// The parameter with this name, if the notebook declares it.
    public func parameter(named name: String) -> Parameter? {
        parameters.first { $0.name == name }
    }
}
