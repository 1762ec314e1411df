import Foundation

extension NotebookSession {
    /// The absolute path of `path` as a cell wrote it (relative to the notebook's folder),
    /// refused when it leads outside the project folder and the allowed folders, symbolic
    /// links included.
    public func resolve(_ path: String) throws -> String {
        guard !path.isEmpty, !path.utf8.contains(0) else {
            throw BindingsError.outsideProject(path: path, root: projectRoot)
        }
        let base = URL(fileURLWithPath: notebookFolder, isDirectory: true)
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
        let resolved = Self.physicalPath(url.standardizedFileURL.path)
        let roots = ([projectRoot] + allowedFolders).map { Self.physicalPath(URL(fileURLWithPath: $0).standardizedFileURL.path) }
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

    /// `path` with every symbolic link resolved, also when its last components do not exist
    /// yet (a file about to be written): the longest existing prefix goes through
    /// `realpath`, the rest is appended. Foundation's `resolvingSymlinksInPath` leaves a
    /// path untouched when it does not exist, which would let `out/new.png` through when
    /// `out` links outside the project.
    static func physicalPath(_ path: String) -> String {
        var existing = path
        var rest = [String]()
        while true {
            if let real = realpath(existing, nil) {
                defer { free(real) }
                var result = String(cString: real)
                for component in rest.reversed() {
                    if component == ".." {
                        result = (result as NSString).deletingLastPathComponent
                    } else if component != "." && !component.isEmpty {
                        result += (result.hasSuffix("/") ? "" : "/") + component
                    }
                }
                return result
            }
            let url = URL(fileURLWithPath: existing)
            let parent = url.deletingLastPathComponent().path
            if parent == existing || existing == "/" { return path }
            rest.append(url.lastPathComponent)
            existing = parent
        }
    }
}
