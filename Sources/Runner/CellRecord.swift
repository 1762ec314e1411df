import JSON
import Digest
import Charts
import Foundation

/// A cell's result as the cache stores it: plain data, with tensors and images held as
/// content-addressed blobs beside it.
struct CellRecord: Codable, Sendable {
    /// The key this record answers to.
    var key: String
    /// The inputs that made the key (kept to explain later misses).
    var inputs: CellKeyInputs
    /// Final values of the names the cell defines.
    var values: [String: StoredValue]
    /// What the cell showed and printed, in order.
    var outputs: [StoredOutput]
    /// How long the cell took when it ran.
    var seconds: Double
    /// Files the cell read, by project-relative path, with their SHA-256 then; a changed
    /// file invalidates the record.
    var files: [String: String]
    /// The call entries (`calls/<key>.json`) the cell's run used or wrote, kept as long as
    /// the record is (absent in records written before calls were cached).
    var calls: [String]? = nil
}

/// A script value in the cache.
indirect enum StoredValue: Codable, Sendable {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)
    case array([StoredValue])
    case range(lower: Int, upper: Int)
    case void
    /// A host value: its type, small metadata, and the blob holding its contents.
    case native(type: String, metadata: String, blob: String)
    /// A function declared in a cell: its source and the values it captured.
    case function(name: String, source: String, captures: [String: StoredValue])
}

extension StoredValue {
    /// A digest of the value's content (blobs are named by their SHA-256, so this is cheap):
    /// what a later cell's key records of the values it reads.
    var digest: String {
        SHA256.hex((try? StableJSON.encode(self)).map { [UInt8]($0) } ?? [])
    }
}

/// One output of a cell.
enum StoredOutput: Codable, Sendable {
    case text(String)
    case figure(StoredFigure)
    case chart(Chart, caption: String)
    /// A deliverable the cell answers at this place.
    case deliverable(String)
}

/// A figure: a row or grid of images with captions.
struct StoredFigure: Codable, Sendable {
    var title: String?
    var columns: Int?
    var images: [StoredFigureImage]
}

/// One image of a figure, stored as PNG bytes in a blob.
struct StoredFigureImage: Codable, Sendable {
    var png: String
    var width: Int
    var height: Int
    var caption: String
    /// Provenance fields (model, prompt, seed, steps, operation...).
    var provenance: [String: String]
    /// The illusion control to show, if any ("flip", "rotate90"...).
    var view: String?
}

/// What the cache remembers of a notebook's last run, to say why a cell missed and to
/// know which entries `cache clean --keep-latest` keeps.
struct NotebookRecord: Codable, Sendable {
    /// Per cell, in order: the key inputs of its last run.
    var cells: [CellKeyInputs]
    /// The keys of the cell records the last complete run used (ran or served); absent in
    /// records written before noisebook kept them.
    var keys: [String]?
}
