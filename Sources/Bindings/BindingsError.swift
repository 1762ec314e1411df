/// Errors of the built-ins that are not about one argument.
public enum BindingsError: Error, CustomStringConvertible, Sendable {
    /// A model built-in was called but the notebook has no model.
    case noModel
    /// A path escapes the project folder.
    case outsideProject(path: String, root: String)

    public var description: String {
        switch self {
        case .noModel:
            return "this notebook has no model: set `model:` in its front matter"
        case let .outsideProject(path, root):
            return "'\(path)' is outside the project folder \(root); cells may only use files inside it (run with --allow DIR to grant a folder)"
        }
    }
}
