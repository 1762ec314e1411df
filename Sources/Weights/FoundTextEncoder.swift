/// A T5 text encoder found in a DeepFloyd IF snapshot: `text_encoder/` (config.json and a
/// checkpoint, usually sharded) with its tokenizer, `tokenizer/spiece.model`.
public struct FoundTextEncoder: Sendable, Equatable {
    /// The snapshot it belongs to, e.g. "IF-I-L-v1.0" (every IF stage I snapshot ships the same T5-XXL).
    public let name: String
    /// `<snapshot>/text_encoder`, holding `config.json` and the checkpoint.
    public let encoderFolder: String
    /// `<snapshot>/tokenizer/spiece.model`.
    public let tokenizerModel: String

    /// An encoder from its parts.
    public init(name: String, encoderFolder: String, tokenizerModel: String) {
        self.name = name
        self.encoderFolder = encoderFolder
        self.tokenizerModel = tokenizerModel
    }

    /// `text_encoder/config.json`.
    public var config: String { encoderFolder + "/config.json" }
}
