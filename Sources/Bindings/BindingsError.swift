/// Errors of the built-ins that are not about one argument.
public enum BindingsError: Error, CustomStringConvertible, Sendable {
    /// A model built-in was called but the notebook has no model.
    case noModel
    /// `upsample` was called but no stage II model goes with this notebook's model.
    case noUpsampler(model: String)
    /// A path escapes the project folder.
    case outsideProject(path: String, root: String)
    /// A built-in (nil: a method) read host state it does not declare in `reads:`.
    case undeclaredRead(state: String, builtin: String?)

    public var description: String {
        switch self {
        case .noModel:
            return "this notebook has no model: set `model:` in its front matter"
        case let .noUpsampler(model):
            return "no stage II model for \(model): upsampling to 256x256 needs DeepFloyd IF stage I weights with prompt embeddings, and DeepFloyd/IF-II-L-v1.0 (or IF-II-M-v1.0) downloaded into the Hugging Face cache or named by `weights2:` / --weights2 DIR; check with hasUpsampler()"
        case let .undeclaredRead(state, builtin):
            return "internal error: \(builtin.map { "built-in '\($0)'" } ?? "a method") reads the \(state) without declaring it in reads:, so the cache could serve its result stale; please report this"
        case let .outsideProject(path, root):
            return "'\(path)' is outside the project folder \(root); cells may only use files inside it (run with --allow DIR to grant a folder)"
        }
    }
}
