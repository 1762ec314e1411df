#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory, unmapped when the last reference goes.
///
/// Multi-gigabyte checkpoints are read this way so that only the pages a caller touches are
/// loaded, and so that several readers can share the kernel's page cache. The mapping is
/// never written, which is what makes sharing it across threads sound.
public final class MappedFile: @unchecked Sendable {
    /// The path as the caller gave it (used in every error message).
    public let path: String
    /// The file's bytes; empty for an empty file.
    public let bytes: UnsafeRawBufferPointer

    /// Maps `path` read-only; throws `WeightsError.io` naming the file when it cannot.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw WeightsError.io(file: path, reason: MappedFile.systemError("cannot open")) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw WeightsError.io(file: path, reason: MappedFile.systemError("cannot stat"))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw WeightsError.io(file: path, reason: "not a regular file")
        }
        let size = Int(info.st_size)
        if size == 0 {
            // mmap refuses a zero length; an empty buffer is the honest mapping of an empty file.
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw WeightsError.io(file: path, reason: MappedFile.systemError("cannot map"))
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit {
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }

    /// The file's size in bytes.
    public var count: Int { bytes.count }

    /// A little-endian unsigned integer of `width` bytes at `offset`; the caller checks bounds.
    func littleEndian(at offset: Int, width: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in stride(from: width - 1, through: 0, by: -1) {
            value = (value << 8) | UInt64(bytes[offset + i])
        }
        return value
    }

    private static func systemError(_ what: String) -> String {
        "\(what): \(String(cString: strerror(errno)))"
    }
}
