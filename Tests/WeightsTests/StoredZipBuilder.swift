@testable import Weights

/// Builds a minimal stored (uncompressed) zip image by the PKWARE APPNOTE layout, so tests
/// can wrap hand-written pickles and storages. The CRC comes from the module's CRC32, which
/// the Python-written fixtures check independently.
struct StoredZipBuilder {
    private var local: [UInt8] = []
    private var central: [UInt8] = []
    private var count = 0

    private static func le(_ v: Int, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
    }

    /// Adds a stored entry whose data starts at a file offset that is `remainder` modulo
    /// `alignment` (torch.save pads the local extra field so storages start 64-byte aligned).
    mutating func add(_ name: String, _ data: [UInt8], alignment: Int = 1, remainder: Int = 0) {
        let nameBytes = Array(name.utf8)
        let crc = data.withUnsafeBytes { Int(CRC32.checksum($0)) }
        let offset = local.count
        var padding = 0
        if alignment > 1 {
            // An extra field of at least its 4-byte header, grown until the data lands right.
            padding = 4
            while (offset + 30 + nameBytes.count + padding) % alignment != remainder { padding += 1 }
        }
        let extra = padding == 0 ? [] : Self.le(0x4B46, 2) + Self.le(padding - 4, 2) + [UInt8](repeating: 0x5A, count: padding - 4)
        local += [0x50, 0x4B, 0x03, 0x04] + Self.le(20, 2) + Self.le(0, 2) + Self.le(0, 2) + Self.le(0, 4)
            + Self.le(crc, 4) + Self.le(data.count, 4) + Self.le(data.count, 4)
            + Self.le(nameBytes.count, 2) + Self.le(extra.count, 2) + nameBytes + extra + data
        central += [0x50, 0x4B, 0x01, 0x02] + Self.le(20, 2) + Self.le(20, 2) + Self.le(0, 2) + Self.le(0, 2)
            + Self.le(0, 4) + Self.le(crc, 4) + Self.le(data.count, 4) + Self.le(data.count, 4)
            + Self.le(nameBytes.count, 2) + Self.le(0, 2) + Self.le(0, 2) + Self.le(0, 2) + Self.le(0, 2)
            + Self.le(0, 4) + Self.le(offset, 4) + nameBytes
        count += 1
    }

    var bytes: [UInt8] {
        let end = [0x50, 0x4B, 0x05, 0x06] + Self.le(0, 2) + Self.le(0, 2) + Self.le(count, 2) + Self.le(count, 2)
            + Self.le(central.count, 4) + Self.le(local.count, 4) + Self.le(0, 2)
        return local + central + end
    }
}

/// Pickle opcodes spelled out, for hand-written streams.
enum Op {
    static func unicode(_ s: String) -> [UInt8] {
        let b = Array(s.utf8)
        return [0x58] + (0..<4).map { UInt8(truncatingIfNeeded: b.count >> (8 * $0)) } + b
    }
    static func global(_ module: String, _ name: String) -> [UInt8] { [0x63] + Array("\(module)\n\(name)\n".utf8) }
    static func int1(_ v: UInt8) -> [UInt8] { [0x4B, v] }
    static func int2(_ v: Int) -> [UInt8] { [0x4D, UInt8(v & 0xFF), UInt8(v >> 8)] }
    static let proto2: [UInt8] = [0x80, 0x02]
    static let mark: [UInt8] = [0x28]
    static let tuple: [UInt8] = [0x74]
    static let emptyDict: [UInt8] = [0x7D]
    static let emptyTuple: [UInt8] = [0x29]
    static let setItem: [UInt8] = [0x73]
    static let reduce: [UInt8] = [0x52]
    static let persid: [UInt8] = [0x51]
    static let newFalse: [UInt8] = [0x89]
    static let stop: [UInt8] = [0x2E]

    /// `{key: _rebuild_tensor_v2(storage(HalfStorage, "0", numel), offset, size, stride, False, OrderedDict())}`.
    static func tensorDict(key: String, numel: Int, offset: UInt8, size: [UInt8], stride: [UInt8]) -> [UInt8] {
        var p = proto2 + emptyDict + unicode(key) + global("torch._utils", "_rebuild_tensor_v2")
        p += mark + mark + unicode("storage") + global("torch", "HalfStorage") + unicode("0") + unicode("cpu") + int2(numel) + tuple + persid
        p += int1(offset) + mark + size.flatMap { int1($0) } + tuple + mark + stride.flatMap { int1($0) } + tuple
        p += newFalse + global("collections", "OrderedDict") + emptyTuple + reduce + tuple + reduce
        return p + setItem + stop
    }
}
