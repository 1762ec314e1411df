import Foundation

extension AtomicFile {
    /// Whether `name` is one of the temporary files `write` makes (`.NAME.tmp-PID`), and
    /// the pid that made it.
    static func temporaryOwner(_ name: String) -> Int32? {
        guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards) else { return nil }
        return Int32(name[marker.upperBound...])
    }

    /// Removes the temporary files that a killed process left in `folders` and their
    /// subfolders (one level). A file whose process is still alive is left alone: it may be
    /// another run's write in progress in a shared cache. Returns how many were removed.
    ///
    /// Nothing ever reads these files (lookups use the final names only), so a stale one
    /// costs disk space, never correctness.
    @discardableResult
    static func removeStaleTemporaries(in folders: [String]) -> Int {
        let manager = FileManager.default
        var removed = 0
        func sweep(_ folder: String, depth: Int) {
            guard let names = try? manager.contentsOfDirectory(atPath: folder) else { return }
            for name in names {
                let path = folder + "/" + name
                if let owner = temporaryOwner(name) {
                    if owner != getpid(), !isAlive(owner), (try? manager.removeItem(atPath: path)) != nil { removed += 1 }
                    continue
                }
                var isFolder: ObjCBool = false
                if depth > 0, manager.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                    sweep(path, depth: depth - 1)
                }
            }
        }
        for folder in folders { sweep(folder, depth: 2) }
        return removed
    }

    private static func isAlive(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }
}
