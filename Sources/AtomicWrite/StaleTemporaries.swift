#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The temporary files `AtomicFileWriter` leaves behind when its process is killed
/// mid-write. Nothing ever reads them (lookups use final names only), so a stale one costs
/// disk space, never correctness; a run sweeps them away.
public enum StaleTemporaries {
    /// The pid that made `name`, when it is one of `AtomicFileWriter`'s temporary files
    /// (`.NAME.tmp-PID-HOST-NONCE`, or from older builds `.NAME.tmp-PID` and `.NAME.tmp-PID-NONCE`).
    public static func owner(of name: String) -> Int32? {
        tail(of: name).flatMap { Int32($0.prefix { $0.isNumber }) }
    }

    /// The host tag (`AtomicFileWriter.hostTag`) of the machine that made `name`; nil for a
    /// name without one.
    public static func host(of name: String) -> String? {
        guard let parts = tail(of: name)?.split(separator: "-"), parts.count == 3, parts[1].hasPrefix("h") else { return nil }
        return String(parts[1])
    }

    private static func tail(of name: String) -> Substring? {
        guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards) else { return nil }
        return name[marker.upperBound...]
    }

    /// Removes the temporary files that dead processes left in `folders` and their
    /// subfolders (`depth` levels). A file whose process is still alive, or that another host
    /// wrote, is left alone: it may be another run's write in progress. Returns how many were removed and their bytes.
    @discardableResult
    public static func remove(in folders: [String], depth: Int = 2) -> (count: Int, bytes: Int) {
        let manager = FileManager.default
        var removed = (count: 0, bytes: 0)
        func sweep(_ folder: String, depth: Int) {
            guard let names = try? manager.contentsOfDirectory(atPath: folder) else { return }
            for name in names {
                let path = folder + "/" + name
                if let pid = owner(of: name) {
                    let local = host(of: name).map { $0 == AtomicFileWriter.hostTag } ?? true
                    if local, pid != getpid(), !isAlive(pid) {
                        let size = (try? manager.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                        if (try? manager.removeItem(atPath: path)) != nil {
                            removed.count += 1
                            removed.bytes += size
                        }
                    }
                    continue
                }
                var isFolder: ObjCBool = false
                if depth > 0, manager.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                    sweep(path, depth: depth - 1)
                }
            }
        }
        for folder in folders { sweep(folder, depth: depth) }
        return removed
    }

    /// Whether a process with this pid exists on this host (signal 0 probes without
    /// signalling): what tells a leftover of a dead writer from a write in progress.
    public static func isAlive(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }
}
