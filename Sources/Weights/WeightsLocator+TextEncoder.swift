import Foundation

extension WeightsLocator {
    /// The text encoder in `snapshot` (a folder holding `text_encoder/` and `tokenizer/`), or
    /// nil when either part is missing or the encoder folder holds no checkpoint.
    public func textEncoder(inSnapshot snapshot: String, name: String) -> FoundTextEncoder? {
        let files = FileManager.default
        let folder = snapshot + "/text_encoder", tokenizer = snapshot + "/tokenizer/spiece.model"
        guard files.fileExists(atPath: folder + "/config.json"), files.fileExists(atPath: tokenizer),
              ShardedCheckpoint.defaultFileNames.contains(where: { files.fileExists(atPath: folder + "/" + $0) }) else {
            return nil
        }
        return FoundTextEncoder(name: name, encoderFolder: folder, tokenizerModel: tokenizer)
    }

    /// The text encoder for a stage I model: the one in its own snapshot, else the first in
    /// any other IF stage I snapshot of the cache (they all ship the same T5-XXL, and users
    /// often download it only once).
    public func textEncoder(for model: FoundModel) -> FoundTextEncoder? {
        if let own = textEncoder(inSnapshot: model.folder, name: model.name) { return own }
        for root in searchPaths() {
            guard let children = try? FileManager.default.contentsOfDirectory(atPath: root) else { continue }
            for child in children.sorted() where child.hasPrefix("models--DeepFloyd--IF-I-") {
                let repository = root + "/" + child
                guard let revisions = try? FileManager.default.contentsOfDirectory(atPath: repository + "/snapshots") else { continue }
                for revision in revisions.sorted() {
                    let name = WeightsLocator.modelName(repositoryFolder: child)
                    if let found = textEncoder(inSnapshot: repository + "/snapshots/" + revision, name: name) { return found }
                }
            }
        }
        return nil
    }
}
