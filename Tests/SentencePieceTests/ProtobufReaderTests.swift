import XCTest

@testable import SentencePiece

/// The wire-format reader on hand-written bytes.
final class ProtobufReaderTests: XCTestCase {
    private func reader(_ bytes: [UInt8]) -> ProtobufReader { ProtobufReader(bytes: bytes, file: "m.model") }

    func testVarints() throws {
        for (bytes, value) in [([0x00], 0), ([0x01], 1), ([0x7F], 127), ([0xAC, 0x02], 300),
                               ([0x80, 0x00], 0), ([0xFF, 0xFF, 0xFF, 0xFF, 0x0F], 0xFFFF_FFFF)] as [([UInt8], UInt64)] {
            var r = reader(bytes)
            XCTAssertEqual(try r.readVarint(), value, "\(bytes)")
            XCTAssertTrue(r.isAtEnd)
        }
        // Ten bytes: the largest value, and -1 as protobuf writes a negative int32.
        var r = reader([UInt8](repeating: 0xFF, count: 9) + [0x01])
        XCTAssertEqual(try r.readVarint(), UInt64.max)
        r = reader(Proto.varint(UInt64(bitPattern: -1)))
        XCTAssertEqual(Int32(truncatingIfNeeded: try r.readVarint()), -1)
        XCTAssertEqual(r.offset, 10)
        for value in [UInt64(0), 1, 127, 128, 16_383, 16_384, 1 << 35, UInt64.max - 1] {
            var r = reader(Proto.varint(value))
            XCTAssertEqual(try r.readVarint(), value)
        }
    }

    func testBadVarintsAreRefusedWithTheirOffset() {
        var r = reader([0x08, 0x80, 0x80])
        XCTAssertNoThrow(try r.readTag())
        assertSentencePieceError(file: "m.model", containing: "at byte 1: truncated varint") { try r.readVarint() }
        var eleven = reader([UInt8](repeating: 0xFF, count: 10) + [0x01])
        assertSentencePieceError(file: "m.model", containing: "at byte 0: varint longer than 64 bits") { try eleven.readVarint() }
        var overflow = reader([UInt8](repeating: 0xFF, count: 9) + [0x02])
        assertSentencePieceError(file: "m.model", containing: "varint longer than 64 bits") { try overflow.readVarint() }
        var empty = reader([])
        assertSentencePieceError(file: "m.model", containing: "at byte 0: truncated varint") { try empty.readVarint() }
    }

    func testFixedWidthValues() throws {
        var r = reader([0x78, 0x56, 0x34, 0x12] + [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(try r.readFixed32(), 0x1234_5678)
        XCTAssertEqual(try r.readFixed64(), 0x0807_0605_0403_0201)
        var short = reader([1, 2, 3])
        assertSentencePieceError(file: "m.model", containing: "at byte 0: truncated 32-bit value") { try short.readFixed32() }
        var short64 = reader([1, 2, 3, 4, 5, 6, 7])
        assertSentencePieceError(file: "m.model", containing: "at byte 0: truncated 64-bit value") { try short64.readFixed64() }
    }

    func testLengthDelimited() throws {
        var r = reader([0x03, 0x61, 0x62, 0x63, 0x01])
        XCTAssertEqual(try r.readBytes(), Array("abc".utf8))
        XCTAssertEqual(r.offset, 4)
        var past = reader([0x0A, 0x05, 0x61, 0x62])
        _ = try past.readTag()
        assertSentencePieceError(file: "m.model", containing: "at byte 1: length 5 runs past the end of the message (2 bytes left)") {
            try past.readBytes()
        }
        var huge = reader(Proto.varint(UInt64.max) + [0x00])
        assertSentencePieceError(file: "m.model", containing: "runs past the end") { try huge.readLengthDelimited() }
    }

    func testEmbeddedMessagesReportAbsoluteOffsets() throws {
        // Field 1 holds 3 bytes; inside, a truncated varint at absolute byte 4.
        var r = reader([0x0A, 0x03, 0x08, 0x96, 0x81, 0x01])
        _ = try r.readTag()
        var inner = try r.readMessage()
        XCTAssertEqual(inner.offset, 2)
        XCTAssertEqual(inner.end, 5)
        _ = try inner.readTag()
        assertSentencePieceError(file: "m.model", containing: "at byte 3: truncated varint") { try inner.readVarint() }
        XCTAssertEqual(r.offset, 5, "the outer reader continues after the message")
    }

    func testTagsAndRefusedWireTypes() throws {
        var r = reader(Proto.tag(42, 0) + Proto.tag(1, 5) + Proto.tag(536_870_911, 2))
        XCTAssertTrue(try r.readTag() == (42, .varint))
        XCTAssertTrue(try r.readTag() == (1, .fixed32))
        XCTAssertTrue(try r.readTag() == (536_870_911, .lengthDelimited))
        for (raw, message) in [(3, "groups (wire type 3) are not supported"), (4, "groups (wire type 4) are not supported"),
                               (6, "wire type 6 does not exist"), (7, "wire type 7 does not exist")] {
            var bad = reader(Proto.tag(7, UInt8(raw)))
            assertSentencePieceError(file: "m.model", containing: "at byte 0: field 7: \(message)") { try bad.readTag() }
        }
        var zero = reader([0x00])
        assertSentencePieceError(file: "m.model", containing: "field number 0 is out of range") { try zero.readTag() }
        var tooLarge = reader(Proto.varint(UInt64(1) << 32 | 0))
        assertSentencePieceError(file: "m.model", containing: "field number 536870912 is out of range") { try tooLarge.readTag() }
    }

    func testSkipsEveryWireType() throws {
        let bytes = Proto.varint(5, UInt64.max) + Proto.fixed64(6, 7) + Proto.bytes(7, [1, 2, 3]) + Proto.fixed32(8, 9)
            + Proto.varint(1, 99)
        var r = reader(bytes)
        for expected in [ProtobufWireType.varint, .fixed64, .lengthDelimited, .fixed32] {
            let (_, wireType) = try r.readTag()
            XCTAssertEqual(wireType, expected)
            try r.skip(wireType)
        }
        XCTAssertTrue(try r.readTag() == (1, .varint))
        XCTAssertEqual(try r.readVarint(), 99)
        XCTAssertTrue(r.isAtEnd)
        // Every cut inside a field throws; cuts between fields (11, 20, 25) are shorter messages.
        for cut in 1..<bytes.count - 2 where ![11, 20, 25].contains(cut) {
            var truncated = reader(Array(bytes.prefix(cut)))
            XCTAssertThrowsError(try {
                while !truncated.isAtEnd { try truncated.skip(try truncated.readTag().wireType) }
            }(), "cut at \(cut)") { error in XCTAssertEqual((error as? SentencePieceError)?.file, "m.model") }
        }
    }

    func testUnknownFieldsOfEveryWireTypeAreSkippedInAModel() throws {
        let extra = Proto.varint(900, 1) + Proto.fixed64(901, 2) + Proto.bytes(902, [9, 9]) + Proto.fixed32(903, 3)
        var bytes = extra
        for piece in tinyPieces {
            bytes += Proto.bytes(1, extra + Proto.string(1, piece.text) + extra + Proto.fixed32(2, piece.score.bitPattern)
                                 + Proto.varint(3, piece.type) + extra)
        }
        bytes += Proto.bytes(2, extra + Proto.varint(3, 1) + Proto.int32(40, 2) + extra + Proto.int32(41, -1)
                             + Proto.int32(42, 1) + Proto.int32(43, 0) + extra)
        bytes += Proto.bytes(3, extra + Proto.string(1, "identity") + Proto.varint(3, 0) + extra)
        bytes += Proto.bytes(4, [0x0A, 0x00]) + Proto.bytes(5, Proto.string(1, "x")) + extra
        let model = try SentencePieceModel(bytes: bytes, file: "m.model")
        let plain = try SentencePieceModel(bytes: modelBytes(normalizer: Proto.varint(3, 0)), file: "m.model")
        XCTAssertEqual(model.pieces, plain.pieces)
        XCTAssertEqual(model.normalizerName, "identity")
        XCTAssertFalse(model.addDummyPrefix)
        XCTAssertEqual([model.unkID, model.bosID, model.eosID, model.padID], [2, -1, 1, 0])
    }
}
