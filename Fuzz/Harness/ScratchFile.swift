import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Short-lived files holding fuzz input, for entry points that take a path (the weight
/// readers map their files rather than read them into memory).
enum ScratchFile {
    /// Writes `bytes` to a file private to this process, runs `body` on its path, then
    /// removes the file whatever `body` did.
    static func withFile<R>(holding bytes: [UInt8], suffix: String, _ body: (String) throws -> R) throws -> R {
        let path = scratchPath(suffix)
        defer { unlink(path) }
        try store(bytes, to: path)
        return try body(path)
    }

    /// Runs `body` on an empty folder private to this process, then removes the folder and
    /// everything `body` put in it.
    static func withFolder<R>(_ body: (String) throws -> R) throws -> R {
        let path = scratchPath("folder")
        try? FileManager.default.removeItem(atPath: path)
        guard mkdir(path, 0o700) == 0 else { throw FuzzHarnessError(path: path, operation: "create", code: errno) }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    /// The scratch path for `suffix`: one name per process and suffix, so fuzzers and tests
    /// running side by side never share it.
    private static func scratchPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("noisebook-fuzz-\(getpid()).\(suffix)").path
    }

    /// Writes `bytes` to `path` (created or truncated, readable by this user only).
    static func store(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw FuzzHarnessError(path: path, operation: "create", code: errno) }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                write(fd, raw.baseAddress.map { $0 + written }, bytes.count - written)
            }
            guard count > 0 else { throw FuzzHarnessError(path: path, operation: "write", code: errno) }
            written += count
        }
    }
}
