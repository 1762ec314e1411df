import Foundation
import Tensor

/// One tensor's header entry in a safetensors file.
public struct SafetensorsEntry: Sendable, Equatable {
    /// The tensor's name (checkpoint key, e.g. `down_blocks.0.resnets.0.conv1.weight`).
    public let name: String
    /// The stored element type.
    public let dtype: DType
    /// The extent of each axis.
    public let shape: [Int]
    /// The byte range within the data region (relative to the end of the header).
    public let dataOffsets: Range<Int>
}

/// A safetensors file, memory-mapped and validated on open; tensors are converted lazily.
///
/// Layout: 8-byte little-endian header length N, N bytes of JSON
/// `name -> {dtype, shape, data_offsets}` (plus optional `__metadata__`), then the data
/// region. Opening checks the whole header against the file before anything is allocated
/// from a declared size, so a hostile or truncated file fails with a message instead of
/// a crash or a huge allocation.
public final class SafetensorsFile: TensorProvider, @unchecked Sendable {
    /// The largest header accepted; the reference implementation uses the same limit.
    public static let maxHeaderBytes = 100_000_000

    /// The path as given (used in messages).
    public var path: String { mapping.path }
    /// The free-form `__metadata__` strings.
    public let metadata: [String: String]
    /// Every tensor's entry by name.
    public let entries: [String: SafetensorsEntry]
    /// Every tensor name, sorted.
    public let names: [String]

    private let mapping: MappedFile
    /// The mapping, for storage that views it in place and must keep it alive.
    var mappingOwner: AnyObject { mapping }
    private let dataStart: Int
    // Names handed out so far, for strict loading; guarded because providers are shared
    // across threads. An NSLock rather than Synchronization.Mutex keeps older macOS builds.
    private let lock = NSLock()
    private var consumed = Set<String>()

    /// Maps and validates the file at `path`.
    public convenience init(path: String) throws {
        try self.init(mapping: MappedFile(path: path))
    }

    /// Validates an existing mapping; the file keeps it alive.
    public init(mapping: MappedFile) throws {
        self.mapping = mapping
        let header = try SafetensorsHeader(mapping: mapping)
        metadata = header.metadata
        entries = header.entries
        names = header.entries.keys.sorted()
        dataStart = header.dataStart
    }

    /// The shape of `name`, or nil when absent.
    public func shape(of name: String) -> [Int]? { entries[name]?.shape }

    /// The stored bytes of `name`; valid while this file object is alive.
    public func rawBytes(of name: String) throws -> UnsafeRawBufferPointer {
        let entry = try self.entry(name)
        let range = (dataStart + entry.dataOffsets.lowerBound)..<(dataStart + entry.dataOffsets.upperBound)
        return UnsafeRawBufferPointer(rebasing: mapping.bytes[range])
    }

    /// `name` widened to Float32; throws for a missing name or a non-float dtype.
    public func tensor(named name: String) throws -> Tensor {
        let entry = try self.entry(name)
        guard entry.dtype.isWidenable else {
            throw WeightsError.unsupportedDType(file: path, tensor: name, dtype: entry.dtype.rawValue)
        }
        let count = Tensor.count(of: entry.shape)
        let values = entry.dtype.widen(try rawBytes(of: name), count: count)
        markConsumed(name)
        return Tensor(shape: entry.shape, scalars: values)
    }

    /// `name` widened to Float32, after checking that it has exactly `shape`.
    public func require(_ name: String, shape: [Int]) throws -> Tensor {
        let entry = try self.entry(name)
        guard entry.shape == shape else {
            throw WeightsError.wrongShape(file: path, tensor: name, found: entry.shape, expected: shape)
        }
        return try tensor(named: name)
    }

    /// Records `name` as used without reading it (e.g. a tensor deliberately ignored).
    public func markConsumed(_ name: String) {
        lock.lock()
        defer { lock.unlock() }
        consumed.insert(name)
    }

    /// The names nothing has read yet, sorted.
    public func unconsumedNames() -> [String] {
        lock.lock()
        let used = consumed
        lock.unlock()
        return names.filter { !used.contains($0) }
    }

    /// Throws `unexpected tensor 'y'` when some tensor was never read: a checkpoint for a
    /// different architecture usually shows itself this way.
    public func checkAllConsumed() throws {
        let left = unconsumedNames()
        guard left.isEmpty else { throw WeightsError.unexpectedTensors(file: path, names: left) }
    }

    /// The entry for `name`, or `missing from FILE`.
    public func entry(_ name: String) throws -> SafetensorsEntry {
        guard let entry = entries[name] else { throw WeightsError.missingTensor(file: path, tensor: name) }
        return entry
    }
}
