/// A protobuf wire type: how a field's value is laid out after its tag.
enum ProtobufWireType: UInt8, Sendable, CustomStringConvertible {
    /// A base-128 varint (int32, int64, uint*, bool, enum).
    case varint = 0
    /// Eight little-endian bytes (fixed64, sfixed64, double).
    case fixed64 = 1
    /// A varint length, then that many bytes (string, bytes, embedded messages, packed fields).
    case lengthDelimited = 2
    /// Four little-endian bytes (fixed32, sfixed32, float).
    case fixed32 = 5

    /// The name protobuf's documentation uses.
    var description: String {
        switch self {
        case .varint: return "VARINT"
        case .fixed64: return "I64"
        case .lengthDelimited: return "LEN"
        case .fixed32: return "I32"
        }
    }
}

/// A minimal reader of the protobuf wire format over one message's bytes: enough to walk a
/// SentencePiece `ModelProto` field by field without a protobuf library.
///
/// Every read is bounds-checked against the message's end and throws
/// `SentencePieceError.malformed` naming the file and the absolute byte offset of the fault,
/// so a damaged or hostile file can never make the reader trap or read out of bounds.
/// Groups (wire types 3 and 4, deprecated since proto2 and never written by SentencePiece) are
/// refused rather than skipped: skipping them would need nesting rules nothing here uses.
struct ProtobufReader {
    /// The whole file; embedded messages are read in place through `offset`/`end`.
    let bytes: [UInt8]
    /// The file's path, for error messages.
    let file: String
    /// The next byte to read (absolute within `bytes`).
    private(set) var offset: Int
    /// One past the last byte of this message (absolute within `bytes`).
    let end: Int

    /// A reader over all of `bytes`.
    init(bytes: [UInt8], file: String) {
        self.init(bytes: bytes, file: file, range: 0..<bytes.count)
    }

    /// A reader over `range` of `bytes` (an embedded message); offsets in errors stay absolute.
    init(bytes: [UInt8], file: String, range: Range<Int>) {
        self.bytes = bytes
        self.file = file
        self.offset = max(0, min(range.lowerBound, bytes.count))
        self.end = max(offset, min(range.upperBound, bytes.count))
    }

    /// Whether every field of the message has been read.
    var isAtEnd: Bool { offset >= end }

    /// The error for a fault at byte `at`.
    func failure(_ reason: String, at position: Int) -> SentencePieceError {
        .malformed(file: file, reason: "at byte \(position): \(reason)")
    }

    /// Reads a base-128 varint of at most 10 bytes (64 bits).
    ///
    /// Non-minimal encodings (`0x80 0x00` for 0) are accepted, as protobuf accepts them; an
    /// 11th byte, or a 10th byte carrying bits beyond the 64th, is refused as overlong.
    mutating func readVarint() throws -> UInt64 {
        let start = offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw failure("truncated varint", at: start) }
            let byte = bytes[offset]
            offset += 1
            if shift == 63 && byte > 1 {
                throw failure("varint longer than 64 bits", at: start)
            }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    /// Reads four little-endian bytes.
    mutating func readFixed32() throws -> UInt32 {
        guard end - offset >= 4 else { throw failure("truncated 32-bit value", at: offset) }
        var value: UInt32 = 0
        for k in 0..<4 { value |= UInt32(bytes[offset + k]) << (8 * UInt32(k)) }
        offset += 4
        return value
    }

    /// Reads eight little-endian bytes.
    mutating func readFixed64() throws -> UInt64 {
        guard end - offset >= 8 else { throw failure("truncated 64-bit value", at: offset) }
        var value: UInt64 = 0
        for k in 0..<8 { value |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
        offset += 8
        return value
    }

    /// Reads a length-delimited value and returns where its bytes lie (absolute), so that an
    /// embedded message can be read in place without copying.
    mutating func readLengthDelimited() throws -> Range<Int> {
        let start = offset
        let length = try readVarint()
        guard length <= UInt64(end - offset) else {
            throw failure("length \(length) runs past the end of the message (\(end - offset) bytes left)",
                          at: start)
        }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        return range
    }

    /// Reads a length-delimited value's bytes.
    mutating func readBytes() throws -> [UInt8] {
        Array(bytes[try readLengthDelimited()])
    }

    /// A reader over the embedded message that follows.
    mutating func readMessage() throws -> ProtobufReader {
        ProtobufReader(bytes: bytes, file: file, range: try readLengthDelimited())
    }

    /// Reads the next field's tag: its number and wire type. Field number 0, numbers past
    /// 2^29 - 1, groups (3, 4) and the undefined wire types 6 and 7 are refused.
    mutating func readTag() throws -> (field: Int, wireType: ProtobufWireType) {
        let start = offset
        let tag = try readVarint()
        let field = tag >> 3
        guard field >= 1 && field <= (1 << 29) - 1 else {
            throw failure("field number \(field) is out of range", at: start)
        }
        let raw = UInt8(tag & 7)
        guard let wireType = ProtobufWireType(rawValue: raw) else {
            let what = raw == 3 || raw == 4 ? "groups (wire type \(raw)) are not supported"
                                            : "wire type \(raw) does not exist"
            throw failure("field \(field): \(what)", at: start)
        }
        return (Int(field), wireType)
    }

    /// Skips a field's value of `wireType` (a field this reader does not use).
    mutating func skip(_ wireType: ProtobufWireType) throws {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .lengthDelimited: _ = try readLengthDelimited()
        case .fixed32: _ = try readFixed32()
        }
    }

    /// Refuses a known field that arrives with the wrong wire type: protobuf would silently
    /// keep it as an unknown field, but in a model file it can only mean damage.
    func expect(_ wireType: ProtobufWireType, _ expected: ProtobufWireType,
                field: Int, of message: String, at position: Int) throws {
        guard wireType == expected else {
            throw failure("\(message) field \(field) has wire type \(wireType), expected \(expected)",
                          at: position)
        }
    }
}
