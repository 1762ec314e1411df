import Diffusion
/// Identities and names of the built-in model.
enum BuiltinModel {
    /// Bumped whenever the built-in denoisers' arithmetic changes, so cached cells recompute.
    static let version = "1"

    /// The cache identity of a built-in denoiser `kind` over `set`.
    static func identity(kind: String, set: EmojiSet, extra: String = "") -> String {
        let suffix = extra.isEmpty ? "" : " \(extra)"
        return "builtin-emoji-\(kind)/v\(version) atlas:\(set.atlasSHA256) images:\(set.count)x\(set.side)\(suffix)"
    }
}
