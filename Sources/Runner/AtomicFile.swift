import AtomicWrite
import Foundation

/// The runner's writes: through `AtomicFileWriter` (temporary file, then rename), creating
/// parent folders first, with failures as `RunnerError`s naming the file.
enum AtomicFile {
    /// Writes `bytes` to `path`, creating parent folders as needed.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try AtomicFileWriter.write(bytes, to: path)
        } catch let error as AtomicWriteError {
            throw RunnerError.io(path: path, message: error.reason)
        } catch {
            throw RunnerError.io(path: path, message: "cannot create the folder \(folder): \(error.localizedDescription)")
        }
    }

    /// Writes `data` to `path`, creating parent folders as needed.
    static func write(_ data: Data, to path: String) throws {
        try write([UInt8](data), to: path)
    }

    /// Writes a UTF-8 string to `path`.
    static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }
}
