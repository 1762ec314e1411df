import JSON
import Bindings
import Digest
import Foundation
import Script

/// The call store of the project's cache: `calls/<key>.json` (a `CallRecord`), with the
/// value's contents in the cache's blobs. A record that does not decode, names another key,
/// or whose blobs are missing or damaged is treated as absent, so the call is recomputed
/// and the entry written again.
final class CallCache: CallStore, @unchecked Sendable {
    private let cache: CellCache
    private let version: String
    /// Whether entries are read (`--fresh` writes them but reads none).
    private let readable: Bool
    private let lock = NSLock()
    private var used: [String] = []

    /// The call store in `cache` for this build of noisebook.
    init(cache: CellCache, version: String, readable: Bool = true) {
        self.cache = cache
        self.version = version
        self.readable = readable
    }

    /// The keys of the entries this store served or wrote since the last call, in first-use
    /// order; the list starts again empty.
    func takeUsedKeys() -> [String] {
        lock.withLock {
            defer { used = [] }
            return used
        }
    }

    /// The entry's file name: the call's key with the build.
    private func fileKey(_ key: String) -> String { SHA256.hex("noisebook-call-entry-v1\nbuild=\(version)\ncall=\(key)\n") }

    func load(_ key: String) -> (value: Value, notes: [String])? {
        guard readable else { return nil }
        let file = fileKey(key)
        guard let record = cache.callRecord(for: file), let value = try? ValueStore(cache: cache).load(record.value) else { return nil }
        remember(file)
        return (value, record.notes)
    }

    func store(_ key: String, value: Value, notes: [String]) throws {
        let file = fileKey(key)
        let stored = try ValueStore(cache: cache).store(value)
        try cache.store(CallRecord(key: file, value: stored, notes: notes))
        remember(file)
    }

    private func remember(_ file: String) {
        lock.withLock { if !used.contains(file) { used.append(file) } }
    }
}

/// One call's result in the cache.
struct CallRecord: Codable, Sendable {
    /// The entry's key (the call's key with the build).
    var key: String
    /// The value the call returned.
    var value: StoredValue
    /// The notes the call showed under its cell, shown again when it is reused.
    var notes: [String]

    /// Every blob the record refers to.
    var blobDigests: [String] { value.blobDigests }
}

extension CellCache {
    private func callPath(_ key: String) -> String { "\(root)/calls/\(key).json" }

    /// The call record for `key`, if present, readable and complete.
    func callRecord(for key: String) -> CallRecord? {
        guard let data = FileManager.default.contents(atPath: callPath(key)),
              let record = try? JSONDecoder().decode(CallRecord.self, from: data),
              record.key == key else { return nil }
        for blob in record.blobDigests where !FileManager.default.fileExists(atPath: blobPath(blob)) { return nil }
        return record
    }

    /// Stores a call record (its blobs must already be stored).
    func store(_ record: CallRecord) throws {
        try AtomicFile.write(try StableJSON.encode(record), to: callPath(record.key))
    }
}
