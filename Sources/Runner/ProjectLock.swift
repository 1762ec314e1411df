import Foundation

/// One run at a time per project: an exclusive `flock` on `.noisebook/lock`.
///
/// The kernel releases a `flock` when its process dies, however it dies, so a run killed
/// with SIGKILL never leaves a stale lock behind; the pid written into the file is only
/// there to name the holder in the waiting message.
public final class ProjectLock {
    private let descriptor: Int32
    /// The lock file's path.
    public let path: String

    /// Takes the lock on `path`, creating the file and its folder. When another process
    /// holds it, calls `waiting` once with that process's pid (or nil when unknown) and
    /// then waits, polling `isCancelled`, unless `wait` is false: then it throws
    /// `RunnerError.locked`. Returns nil when cancelled while waiting.
    public static func acquire(_ path: String, wait: Bool, isCancelled: @Sendable () -> Bool = { false },
                               waiting: (Int32?) -> Void = { _ in }) throws -> ProjectLock? {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw RunnerError.io(path: folder, message: "cannot create the folder for the project lock: \(error.localizedDescription)")
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RunnerError.io(path: path, message: "cannot open the project lock: \(String(cString: strerror(errno)))")
        }
        var announced = false
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw RunnerError.io(path: path, message: "cannot lock the project: \(reason)")
            }
            let holder = Self.holder(descriptor)
            guard wait else {
                close(descriptor)
                throw RunnerError.locked(path: path, holder: holder.map { "pid \($0)" } ?? "pid unknown")
            }
            if !announced {
                waiting(holder)
                announced = true
            }
            if isCancelled() {
                close(descriptor)
                return nil
            }
            usleep(50_000)
        }
        let lock = ProjectLock(descriptor: descriptor, path: path)
        lock.recordHolder()
        return lock
    }

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { release() }

    private var released = false

    /// Releases the lock (also done when the object goes away or the process exits).
    public func release() {
        guard !released else { return }
        released = true
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Writes this process's pid into the lock file for the waiting message of others.
    private func recordHolder() {
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// The pid the holder wrote, if readable.
    private static func holder(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }
}
