import AtomicWrite
import Foundation

/// `noisebook cache size` and `noisebook cache clean --keep-latest`.
public struct CacheMaintenance {
    /// The cache folder.
    public let root: String

    /// Maintenance of the cache at `root`.
    public init(root: String) {
        self.root = root
    }

    /// Counts the cache's entries, blobs and bytes (temporary files included in the bytes).
    public func usage() -> CacheUsage {
        var usage = CacheUsage()
        for file in files(under: "cells") where file.hasSuffix(".json") && !Self.isTemporary(file) { usage.entries += 1 }
        for file in files(under: "calls") where file.hasSuffix(".json") && !Self.isTemporary(file) { usage.calls += 1 }
        for file in files(under: "blobs") where !Self.isTemporary(file) { usage.blobs += 1 }
        for file in files(under: "") { usage.bytes += size(of: file) }
        return usage
    }

    /// Removes every cell record that no notebook's latest complete run used, then every
    /// call entry no remaining cell record used, then every blob no remaining record names,
    /// and stale temporary files. Returns what was removed.
    /// Hold the project lock while calling it.
    public func cleanKeepingLatest() throws -> CacheUsage {
        let cache = CellCache(root: root)
        var keep = Set<String>()
        for file in files(under: "notebooks") where file.hasSuffix(".json") && !Self.isTemporary(file) {
            guard let data = FileManager.default.contents(atPath: file),
                  let record = try? JSONDecoder().decode(NotebookRecord.self, from: data) else { continue }
            keep.formUnion(record.keys ?? [])
        }
        var removed = CacheUsage()
        var keptBlobs = Set<String>()
        var keptCalls = Set<String>()
        for file in files(under: "cells") where !Self.isTemporary(file) {
            let key = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            if keep.contains(key), let record = cache.record(for: key) {
                keptBlobs.formUnion(record.blobDigests)
                keptCalls.formUnion(record.calls ?? [])
                continue
            }
            removed.bytes += size(of: file)
            try remove(file)
            removed.entries += 1
        }
        for file in files(under: "calls") where !Self.isTemporary(file) {
            let key = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            if keptCalls.contains(key), let record = cache.callRecord(for: key) {
                keptBlobs.formUnion(record.blobDigests)
                continue
            }
            removed.bytes += size(of: file)
            try remove(file)
            removed.calls += 1
        }
        for file in files(under: "blobs") where !Self.isTemporary(file) {
            if keptBlobs.contains(URL(fileURLWithPath: file).lastPathComponent) { continue }
            removed.bytes += size(of: file)
            try remove(file)
            removed.blobs += 1
        }
        removed.bytes += Int64(StaleTemporaries.remove(in: [root]).bytes)
        return removed
    }

    private static func isTemporary(_ path: String) -> Bool {
        StaleTemporaries.owner(of: URL(fileURLWithPath: path).lastPathComponent) != nil
    }

    /// Every regular file under `root/sub`, recursively.
    private func files(under sub: String) -> [String] {
        let base = sub.isEmpty ? root : root + "/" + sub
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [] }
        var found = [String]()
        while let relative = enumerator.nextObject() as? String {
            let path = base + "/" + relative
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue { found.append(path) }
        }
        return found
    }

    private func size(of path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    private func remove(_ path: String) throws {
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw RunnerError.io(path: path, message: "cannot remove: \(error.localizedDescription)")
        }
    }
}
