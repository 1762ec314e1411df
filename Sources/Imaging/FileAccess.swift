import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and atomic writes with errors that name the path.
enum FileAccess {
    /// The contents of the file at `path`.
    static func readBytes(path: String) throws -> [UInt8] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ImagingError.fileAccess(path: path, operation: "read", reason: "no such file")
        }
        guard !isFolder.boolValue else {
            throw ImagingError.fileAccess(path: path, operation: "read", reason: "it is a folder, not a file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImagingError.fileAccess(path: path, operation: "read", reason: "permission denied or unreadable")
        }
        return [UInt8](data)
    }

    /// Writes `bytes` to a temporary file next to `path`, then renames it over `path`;
    /// rename(2) within one folder is atomic, so `path` is either old or complete.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Data(bytes).write(to: temporary)
        } catch {
            throw ImagingError.fileAccess(path: path, operation: "write",
                                          reason: "cannot create a file in \(folder.path) (\(error.localizedDescription))")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = unlink(temporary.path)
            throw ImagingError.fileAccess(path: path, operation: "write", reason: reason)
        }
    }
}
