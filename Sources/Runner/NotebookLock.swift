import AtomicWrite
import Digest
import Foundation

/// One writer per notebook across hosts: the lock a cluster task takes instead of the
/// project lock, so that tasks on many nodes fill one shared cache at once.
///
/// `flock` is not to be trusted across the file systems clusters share (NFS, Lustre and
/// others differ), so the lock is a file created with `O_CREAT | O_EXCL`, which is atomic on
/// all of them. It holds its owner's host tag and pid, and its holder touches it every
/// `heartbeat` seconds: a lock of this host whose process is dead, or of any host untouched
/// for `staleAfter` seconds (its node died, or its task was killed), is taken over.
public final class NotebookLock: @unchecked Sendable {
    /// How often the holder refreshes the lock's modification time.
    public static let heartbeat: TimeInterval = 20
    /// How long an untouched lock of another host counts as held.
    public static let staleAfter: TimeInterval = 120

    /// The lock file's path.
    public let path: String
    private let timer: DispatchSourceTimer
    private let lock = NSLock()
    private var released = false

    /// The lock file of `notebook` (its path relative to the project root) in `folder`.
    public static func path(for notebook: String, in folder: String) -> String {
        "\(folder)/\(SHA256.hex(notebook).prefix(24)).lock"
    }

    /// Takes the lock at `path`, waiting while another live holder has it (calling
    /// `waiting` once with its "host pid" text); nil when cancelled while waiting.
    public static func acquire(_ path: String, isCancelled: @Sendable () -> Bool = { false },
                               waiting: (String) -> Void = { _ in }) throws -> NotebookLock? {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw RunnerError.io(path: folder, message: "cannot create the folder for notebook locks: \(error.localizedDescription)")
        }
        let owner = "\(AtomicFileWriter.hostTag) \(getpid())\n"
        var announced = false
        while true {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 {
                let bytes = Array(owner.utf8)
                let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                close(descriptor)
                guard written == bytes.count else {
                    unlink(path)
                    throw RunnerError.io(path: path, message: "cannot write the notebook lock")
                }
                return NotebookLock(path: path)
            }
            guard errno == EEXIST else {
                throw RunnerError.io(path: path, message: "cannot create the notebook lock: \(String(cString: strerror(errno)))")
            }
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if isStale(path, holder: holder) {
                // Another waiter may remove it first; either way the next create decides.
                unlink(path)
                continue
            }
            if !announced {
                waiting(holder)
                announced = true
            }
            if isCancelled() { return nil }
            usleep(200_000)
        }
    }

    /// Whether the lock at `path`, held by `holder` ("host pid"), is left over.
    static func isStale(_ path: String, holder: String) -> Bool {
        let parts = holder.split(separator: " ")
        if parts.count == 2, parts[0] == AtomicFileWriter.hostTag, let pid = Int32(parts[1]) {
            return pid != getpid() && !StaleTemporaries.isAlive(pid)
        }
        guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date else {
            return false
        }
        return Date().timeIntervalSince(modified) > staleAfter
    }

    private init(path: String) {
        self.path = path
        timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + Self.heartbeat, repeating: Self.heartbeat)
        timer.setEventHandler { [path] in _ = utimes(path, nil) }
        timer.resume()
    }

    deinit { release() }

    /// Removes the lock (also done when the object goes away).
    public func release() {
        let first = lock.withLock { () -> Bool in
            defer { released = true }
            return !released
        }
        guard first else { return }
        timer.cancel()
        unlink(path)
    }
}
