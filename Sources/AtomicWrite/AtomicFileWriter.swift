#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A write that failed, naming the file and the system's reason.
public struct AtomicWriteError: Error, Sendable, CustomStringConvertible {
    /// The file being written.
    public var path: String
    /// What failed ("cannot create a temporary file: Permission denied").
    public var reason: String

    public var description: String { "\(path): \(reason)" }
}

/// Writes a file so that readers see either the old file or the complete new one: bytes go
/// to a temporary file in the same folder (`.NAME.tmp-PID-NONCE`), are flushed, and the
/// temporary is renamed over the target (rename is atomic within one file system). Every
/// file noisebook writes (pages, images, cache entries, checkpoints) goes through here.
public struct AtomicFileWriter {
    /// The file being written.
    public let path: String
    private let temporaryPath: String
    private let fd: Int32

    /// Creates the temporary file next to `path`.
    public init(path: String) throws {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let nonce = UInt64.random(in: 0...UInt64.max)
        temporaryPath = "\(folder).\(base).tmp-\(getpid())-\(AtomicFileWriter.hostTag)-\(String(nonce, radix: 16))"
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw AtomicFileWriter.failure(path, "cannot create a temporary file") }
    }

    /// Appends `bytes`, retrying short writes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            guard let base = bytes.baseAddress else { return }
            let n = AtomicFileWriter.systemWrite(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw AtomicFileWriter.failure(path, "cannot write")
            }
            done += n
        }
    }

    /// Appends the bytes of `array`.
    public func write<T>(_ array: [T]) throws {
        try array.withUnsafeBytes { try write($0) }
    }

    /// Flushes, closes and renames into place.
    public func commit() throws {
        guard fsync(fd) == 0 else {
            let failure = AtomicFileWriter.failure(path, "cannot flush")
            abandon()
            throw failure
        }
        close(fd)
        guard rename(temporaryPath, path) == 0 else {
            let failure = AtomicFileWriter.failure(path, "cannot move the finished file into place")
            unlink(temporaryPath)
            throw failure
        }
    }

    /// Closes and deletes the temporary file after a failure.
    public func abandon() {
        close(fd)
        unlink(temporaryPath)
    }

    /// This machine in temporary names (`h` and the FNV-1a hash of the host name, in hex):
    /// on a file system several hosts share, a pid says whether its writer is alive only on
    /// the host that wrote it, so a sweep leaves other hosts' files alone.
    public static let hostTag: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        let name = gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return "h" + String(hash, radix: 16)
    }()

    /// Runs `body` with a writer for `path`, committing on success and cleaning up on error.
    public static func write(to path: String, _ body: (AtomicFileWriter) throws -> Void) throws {
        let writer = try AtomicFileWriter(path: path)
        do {
            try body(writer)
        } catch {
            writer.abandon()
            throw error
        }
        try writer.commit()
    }

    private static func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(fd, buffer, count)
        #else
        return Darwin.write(fd, buffer, count)
        #endif
    }

    /// Writes `bytes` to `path` in one go.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { try $0.write(bytes) }
    }

    private static func failure(_ path: String, _ what: String) -> AtomicWriteError {
        AtomicWriteError(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
    }
}
