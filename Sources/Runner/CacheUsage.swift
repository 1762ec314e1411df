import Foundation

/// What the cache holds: cell records, blobs and their bytes on disk.
public struct CacheUsage: Sendable, Equatable, CustomStringConvertible {
    /// Cell records (`cells/*.json`).
    public var entries = 0
    /// Call entries (`calls/*.json`): results of single model calls, reused across cells.
    public var calls = 0
    /// Content-addressed blobs (`blobs/xx/*`).
    public var blobs = 0
    /// Bytes of every file in the cache, notebook records included.
    public var bytes: Int64 = 0

    /// A usage from its counts.
    public init(entries: Int = 0, calls: Int = 0, blobs: Int = 0, bytes: Int64 = 0) {
        self.entries = entries
        self.calls = calls
        self.blobs = blobs
        self.bytes = bytes
    }

    /// "12 entries, 40 call entries, 30 blobs, 1.4 MB".
    public var description: String {
        "\(entries) \(entries == 1 ? "entry" : "entries"), \(calls) call \(calls == 1 ? "entry" : "entries"), "
            + "\(blobs) \(blobs == 1 ? "blob" : "blobs"), \(Self.format(bytes))"
    }

    /// A byte count in B, kB, MB or GB (powers of 1000).
    public static func format(_ bytes: Int64) -> String {
        let units: [(Double, String)] = [(1e9, "GB"), (1e6, "MB"), (1e3, "kB")]
        for (scale, unit) in units where Double(bytes) >= scale {
            return String(format: "%.1f %@", Double(bytes) / scale, unit)
        }
        return "\(bytes) B"
    }
}
