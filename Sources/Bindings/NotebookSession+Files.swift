import Foundation

extension NotebookSession {
    /// The absolute path of `path` as a cell wrote it (relative to the notebook's folder),
    /// refused when it leads outside the project folder and the allowed folders, symbolic
    /// links included.
    public func resolve(_ path: String) throws -> String {
        let base = URL(fileURLWithPath: notebookFolder, isDirectory: true)
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
        let resolved = url.standardizedFileURL.resolvingSymlinksInPath().path
        let roots = ([projectRoot] + allowedFolders).map {
            URL(fileURLWithPath: $0, isDirectory: true).standardizedFileURL.resolvingSymlinksInPath().path
        }
        for root in roots where resolved == root || resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/") {
            return resolved
        }
        throw BindingsError.outsideProject(path: path, root: projectRoot)
    }

    /// The bytes of `path` (resolved as by `resolve`), recorded as an input of the cell.
    public func read(_ path: String) throws -> (absolute: String, bytes: [UInt8]) {
        let absolute = try resolve(path)
        guard let data = FileManager.default.contents(atPath: absolute) else {
            let exists = FileManager.default.fileExists(atPath: absolute)
            throw NotebookLibrary.failure(exists ? "cannot read '\(path)'" : "no such file '\(path)' (looked in \(notebookFolder))", "path")
        }
        let bytes = [UInt8](data)
        noteRead(path: absolute, bytes: bytes)
        return (absolute, bytes)
    }
}
