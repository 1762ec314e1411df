import Foundation

/// Writes that a crash or an interrupt cannot leave half-done: the bytes go to a
/// temporary file in the destination's folder, then a rename puts them in place.
enum AtomicFile {
    /// Writes `bytes` to `path`, creating parent folders as needed.
    static func write(_ bytes: [UInt8], to path: String) throws {
        try write(Data(bytes), to: path)
    }

    /// Writes `data` to `path`, creating parent folders as needed.
    static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try data.write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                throw RunnerError.io(path: path, message: String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// Writes a UTF-8 string to `path` atomically.
    static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}
