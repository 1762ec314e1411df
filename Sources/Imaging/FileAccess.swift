import AtomicWrite
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

    /// Writes `bytes` through `AtomicFileWriter` (temporary file, then rename), so `path` is
    /// either old or complete.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        do {
            try AtomicFileWriter.write(bytes, to: path)
        } catch let error as AtomicWriteError {
            throw ImagingError.fileAccess(path: path, operation: "write", reason: error.reason)
        }
    }
}
