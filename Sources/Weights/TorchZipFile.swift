import Foundation
import Tensor

/// A `torch.save` archive of named tensors (a state dict, e.g. one shard
/// `pytorch_model-00001-of-00002.bin`), memory-mapped and read lazily, executing nothing.
///
/// Opening indexes the zip, runs `<archive>/data.pkl` once on the restricted
/// `PickleMachine` (which refuses every global but the torch rebuild and storage ones and
/// `collections.OrderedDict`) and checks each tensor's size, strides and offset against its
/// storage `<archive>/data/<key>`; no tensor data is read yet. A tensor is read when asked
/// for: F16 tensors as `HalfStorage` views into the mapping (a copy only for a
/// non-contiguous or misaligned view), any tensor widened to Float32 on request. Each
/// storage's CRC is checked the first time it is read.
public final class TorchZipFile: HalfTensorProvider, @unchecked Sendable {
    /// One tensor: how to rebuild it, and its storage's archive entry.
    struct Entry {
        let reference: TensorReference
        let storage: ZipEntry
        let count: Int
    }

    /// The path as given (used in messages).
    public var path: String { archive.path }
    /// Every tensor name, sorted.
    public let names: [String]
    /// Names and entries in saved order; a name saved twice appears twice (the dict keeps the last).
    let saved: [(name: String, entry: Entry)]
    private let byName: [String: Entry]
    private let archive: ZipArchive
    // Storage entries whose CRC has been checked; guarded because providers are shared
    // across threads.
    private let lock = NSLock()
    private var checked = Set<String>()

    /// Opens and indexes the archive at `path`.
    public init(path: String) throws {
        archive = try ZipArchive(path: path)
        let pickles = archive.entries.filter { $0.name == "data.pkl" || $0.name.hasSuffix("/data.pkl") }
        guard pickles.count == 1, let pickle = pickles.first else {
            let problem = pickles.isEmpty ? "holds no data.pkl" : "holds \(pickles.count) data.pkl entries"
            throw WeightsError.malformed(file: path, reason: "\(problem); not a torch.save archive")
        }
        let prefix = String(pickle.name.dropLast("data.pkl".count))
        if let order = archive.entry(named: prefix + "byteorder") {
            let text = String(decoding: try archive.contents(of: order), as: UTF8.self)
            guard text == "little" else {
                throw WeightsError.malformed(file: path, reason: "storages are \(text)-endian; only little-endian is read")
            }
        }
        let references = try PickleMachine.load(try archive.contents(of: pickle), file: path) { root in
            guard case let .dict(dict) = root else {
                throw WeightsError.malformed(file: path, reason: "holds a \(root.kind), not a dict of tensors")
            }
            return try dict.pairs.map { key, value -> (String, TensorReference) in
                guard case let .string(name) = key else {
                    throw WeightsError.malformed(file: path, reason: "has a \(key.kind) key; only string keys are read")
                }
                guard case let .tensor(reference) = value else {
                    throw WeightsError.badTensor(file: path, tensor: name, reason: "value is a \(value.kind), not a tensor")
                }
                return (name, reference)
            }
        }
        var saved: [(name: String, entry: Entry)] = []
        for (name, reference) in references {
            saved.append((name, try TorchZipFile.check(reference, name: name, archive: archive, prefix: prefix)))
        }
        self.saved = saved
        byName = Dictionary(saved.map { ($0.name, $0.entry) }, uniquingKeysWith: { _, last in last })
        names = byName.keys.sorted()
    }

    /// The shape of `name`, or nil when absent.
    public func shape(of name: String) -> [Int]? { byName[name]?.reference.size }

    /// The element type `name` is stored in, or nil when absent.
    public func dtype(of name: String) -> DType? { byName[name]?.reference.storage.dtype }

    /// `name` widened to Float32.
    public func tensor(named name: String) throws -> Tensor {
        try gather(try entry(name), name: name)
    }

    /// The F16 bits of `name` viewed in place when contiguous and aligned (copied
    /// otherwise); nil when it is stored as another type.
    public func halfStorage(named name: String) throws -> HalfStorage? {
        let entry = try self.entry(name)
        let reference = entry.reference
        guard reference.storage.dtype == .f16 else { return nil }
        let raw = try storageBytes(entry)
        if entry.count == 0 { return HalfStorage(bits: []) }
        if TorchZipFile.isContiguous(reference, count: entry.count), let base = raw.baseAddress {
            let start = base + reference.offset * 2
            if Int(bitPattern: start) % MemoryLayout<UInt16>.alignment == 0 {
                return HalfStorage(viewing: UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt16.self), count: entry.count),
                                   owner: archive)
            }
        }
        var bits = [UInt16](repeating: 0, count: entry.count)
        TorchZipFile.forEachElement(of: reference) { flat, at in
            bits[flat] = raw.loadUnaligned(fromByteOffset: at * 2, as: UInt16.self)
        }
        return HalfStorage(bits: bits)
    }

    /// The tensor saved as `entry` under `name`, widened to Float32.
    func gather(_ entry: Entry, name: String) throws -> Tensor {
        let reference = entry.reference
        let raw = try storageBytes(entry)
        let dtype = reference.storage.dtype, width = dtype.byteWidth
        if entry.count == 0 { return Tensor(shape: reference.size, scalars: []) }
        if TorchZipFile.isContiguous(reference, count: entry.count) {
            let start = reference.offset * width
            let slice = UnsafeRawBufferPointer(rebasing: raw[start..<(start + entry.count * width)])
            return Tensor(shape: reference.size, scalars: dtype.widen(slice, count: entry.count))
        }
        // A view (transpose, slice with step): walk its indices in row-major order.
        var values = [Float](repeating: 0, count: entry.count)
        values.withUnsafeMutableBufferPointer { out in
            TorchZipFile.forEachElement(of: reference) { flat, at in
                DType.widen(dtype, UnsafeRawBufferPointer(rebasing: raw[(at * width)..<((at + 1) * width)]),
                            into: UnsafeMutableBufferPointer(rebasing: out[flat..<(flat + 1)]), count: 1)
            }
        }
        return Tensor(shape: reference.size, scalars: values)
    }

    private func entry(_ name: String) throws -> Entry {
        guard let entry = byName[name] else { throw WeightsError.missingTensor(file: path, tensor: name) }
        return entry
    }

    /// The storage's bytes, its CRC checked on first use.
    private func storageBytes(_ entry: Entry) throws -> UnsafeRawBufferPointer {
        lock.lock()
        let known = checked.contains(entry.storage.name)
        lock.unlock()
        let raw = try archive.contents(of: entry.storage, checkingCRC: !known)
        if !known {
            lock.lock()
            checked.insert(entry.storage.name)
            lock.unlock()
        }
        return raw
    }

    private static func isContiguous(_ reference: TensorReference, count: Int) -> Bool {
        count == 1 || reference.stride == Tensor.strides(of: reference.size)
    }

    /// Calls `body(flat, storageIndex)` for each element of the view in row-major order.
    private static func forEachElement(of reference: TensorReference, _ body: (Int, Int) -> Void) {
        let size = reference.size, stride = reference.stride
        let count = Tensor.count(of: size)
        var index = [Int](repeating: 0, count: size.count)
        for flat in 0..<count {
            var at = reference.offset
            for axis in 0..<size.count { at += index[axis] * stride[axis] }
            body(flat, at)
            var axis = size.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < size[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// Checks a reference against its storage entry without reading the data: the entry
    /// exists and holds exactly the storage's elements, and every index the view reads lies
    /// inside it. Returns the entry and the element count.
    private static func check(_ reference: TensorReference, name: String, archive: ZipArchive, prefix: String) throws -> Entry {
        func bad(_ reason: String) -> WeightsError { .badTensor(file: archive.path, tensor: name, reason: reason) }
        let storage = reference.storage
        let entryName = prefix + "data/" + storage.key
        guard let entry = archive.entry(named: entryName) else { throw bad("storage '\(entryName)' is missing") }
        let bytes = entry.uncompressedSize
        let width = storage.dtype.byteWidth
        guard storage.count <= bytes / width, bytes == storage.count * width else {
            throw bad("storage '\(entryName)' holds \(bytes) bytes, expected \(storage.count) elements of \(width) bytes")
        }
        let size = reference.size, stride = reference.stride
        guard size.count == stride.count else { throw bad("size \(Tensor.format(size)) and stride \(Tensor.format(stride)) differ in rank") }
        guard size.allSatisfy({ $0 >= 0 }), stride.allSatisfy({ $0 >= 0 }), reference.offset >= 0 else {
            throw bad("negative size, stride or offset (size \(Tensor.format(size)), stride \(Tensor.format(stride)), offset \(reference.offset))")
        }
        var count = 1
        var last = reference.offset  // the largest storage index any element reads
        for (extent, step) in zip(size, stride) {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            // Only a view with a zero stride can have more elements than its storage; cap
            // such views too, so a hostile size cannot drive a huge allocation.
            guard !overflow, product <= Swift.max(storage.count, 1 << 24) else {
                throw bad("size \(Tensor.format(size)) is too large for its storage of \(storage.count) elements")
            }
            count = product
            if extent > 0 {
                let (reach, o1) = (extent - 1).multipliedReportingOverflow(by: step)
                let (sum, o2) = last.addingReportingOverflow(reach)
                guard !o1, !o2 else { throw bad("stride \(Tensor.format(stride)) reaches too far") }
                last = sum
            }
        }
        if count > 0, last >= storage.count {
            throw bad("size \(Tensor.format(size)), stride \(Tensor.format(stride)) and offset \(reference.offset) read past the storage's \(storage.count) elements")
        }
        return Entry(reference: reference, storage: entry, count: count)
    }
}
