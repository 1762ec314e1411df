import JSON
import Digest
import Foundation

/// The persistent cell cache under `.noisebook/cache/`:
/// `cells/<key>.json` (a `CellRecord`), `blobs/<sha256>` (contents of images and tensors),
/// `notebooks/<sha256 of path>.json` (a `NotebookRecord`).
///
/// Every file is written atomically and blobs are written before the record that names
/// them, so an interrupted run leaves either a complete entry or none. A record that fails
/// to decode, or names a missing blob, is treated as absent.
final class CellCache {
    /// The cache's root folder.
    let root: String
    /// A cache rooted at `root` (created on first write).
    init(root: String) {
        self.root = root
    }

    private func recordPath(_ key: String) -> String { "\(root)/cells/\(key).json" }
    /// The path of the blob with digest `digest`.
    func blobPath(_ digest: String) -> String { "\(root)/blobs/\(digest.prefix(2))/\(digest)" }
    private func notebookPath(_ notebook: String) -> String { "\(root)/notebooks/\(SHA256.hex(notebook)).json" }

    /// The record for `key`, if present, readable and complete.
    func record(for key: String) -> CellRecord? {
        guard let data = FileManager.default.contents(atPath: recordPath(key)),
              let record = try? JSONDecoder().decode(CellRecord.self, from: data),
              record.key == key else { return nil }
        for blob in record.blobDigests where !FileManager.default.fileExists(atPath: blobPath(blob)) {
            return nil
        }
        return record
    }

    /// Stores `record` (its blobs must already be stored).
    func store(_ record: CellRecord) throws {
        try AtomicFile.write(try StableJSON.encode(record), to: recordPath(record.key))
    }

    /// Stores `bytes` as a blob and returns its digest; an existing blob is not rewritten.
    @discardableResult
    func storeBlob(_ bytes: [UInt8]) throws -> String {
        let digest = SHA256.hex(bytes)
        let path = blobPath(digest)
        // An existing blob is kept only when it is whole: a damaged one is written again, so
        // the cell that recomputed it is served from the cache next time.
        if (try? blob(digest)) == nil {
            try AtomicFile.write(bytes, to: path)
        }
        return digest
    }

    /// The contents of a blob, verified against its digest.
    func blob(_ digest: String) throws -> [UInt8] {
        let path = blobPath(digest)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunnerError.corruptCacheEntry(path: path, message: "blob missing")
        }
        let bytes = [UInt8](data)
        guard SHA256.hex(bytes) == digest else {
            throw RunnerError.corruptCacheEntry(path: path, message: "contents do not match their digest")
        }
        return bytes
    }

    /// What the last run of `notebook` recorded, if anything.
    func notebookRecord(_ notebook: String) -> NotebookRecord? {
        guard let data = FileManager.default.contents(atPath: notebookPath(notebook)) else { return nil }
        return try? JSONDecoder().decode(NotebookRecord.self, from: data)
    }

    /// Remembers the key inputs of `notebook`'s cells for the next run's explanations.
    func storeNotebookRecord(_ record: NotebookRecord, for notebook: String) throws {
        try AtomicFile.write(try StableJSON.encode(record), to: notebookPath(notebook))
    }
}

extension CellRecord {
    /// Every blob the record refers to.
    var blobDigests: [String] {
        var digests = values.values.flatMap(\.blobDigests)
        for output in outputs {
            if case let .figure(figure) = output { digests += figure.images.map(\.png) }
        }
        return digests
    }
}

extension StoredValue {
    /// Every blob this value refers to, those of a function's captured values included.
    var blobDigests: [String] {
        switch self {
        case let .native(_, _, blob): return [blob]
        case let .array(items): return items.flatMap(\.blobDigests)
        case let .function(_, _, captures): return captures.values.flatMap(\.blobDigests)
        default: return []
        }
    }
}
