/// The fields of SentencePiece's `ModelProto` (src/sentencepiece_model.proto) that a unigram
/// encoder needs, exactly as the file holds them, before any validation.
///
/// Only the fields read here are kept; every other field is skipped by wire type, so models
/// written by newer SentencePiece versions (with fields added since) still load. Defaults are
/// the proto2 defaults of the `.proto` file, which matter: a file omits a field that has its
/// default value.
struct ModelProto: Sendable {
    /// One `ModelProto.SentencePiece` entry.
    struct Piece: Sendable {
        /// `piece` (field 1), raw bytes: matching is done on bytes, and a file is not
        /// guaranteed to hold valid UTF-8.
        var bytes: [UInt8] = []
        /// `score` (field 2, float).
        var score: Float = 0
        /// `type` (field 3), the raw enum value; default NORMAL (1).
        var type: UInt64 = 1
    }

    /// The `TrainerSpec` fields (message field 2) that change encoding.
    struct TrainerSpec: Sendable {
        /// `model_type` (field 3): UNIGRAM 1, BPE 2, WORD 3, CHAR 4; default UNIGRAM.
        var modelType: UInt64 = 1
        /// `treat_whitespace_as_suffix` (field 24).
        var treatWhitespaceAsSuffix = false
        /// `byte_fallback` (field 35).
        var byteFallback = false
        /// `unk_id` (field 40), default 0.
        var unkID: Int32 = 0
        /// `bos_id` (field 41), default 1.
        var bosID: Int32 = 1
        /// `eos_id` (field 42), default 2.
        var eosID: Int32 = 2
        /// `pad_id` (field 43), default -1 (none).
        var padID: Int32 = -1
    }

    /// The `NormalizerSpec` fields (message field 3).
    struct NormalizerSpec: Sendable {
        /// `name` (field 1): the rule set's name, e.g. "nmt_nfkc"; informational only.
        var name: [UInt8] = []
        /// `precompiled_charsmap` (field 2): the compiled rules (see `PrecompiledCharsMap`).
        var precompiledCharsMap: [UInt8] = []
        /// `add_dummy_prefix` (field 3), default true.
        var addDummyPrefix = true
        /// `remove_extra_whitespaces` (field 4), default true.
        var removeExtraWhitespaces = true
        /// `escape_whitespaces` (field 5), default true.
        var escapeWhitespaces = true
    }

    /// `pieces` (field 1), in id order.
    var pieces: [Piece] = []
    /// `trainer_spec` (field 2).
    var trainerSpec = TrainerSpec()
    /// `normalizer_spec` (field 3).
    var normalizerSpec = NormalizerSpec()

    /// Parses a serialized `ModelProto`. A message field that occurs twice is merged, and a
    /// scalar field that occurs twice keeps its last value, as protobuf does.
    init(bytes: [UInt8], file: String) throws {
        var reader = ProtobufReader(bytes: bytes, file: file)
        while !reader.isAtEnd {
            let position = reader.offset
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1, 2, 3:
                try reader.expect(wireType, .lengthDelimited, field: field, of: "ModelProto", at: position)
                var message = try reader.readMessage()
                switch field {
                case 1: pieces.append(try Self.readPiece(&message))
                case 2: try Self.readTrainerSpec(&message, into: &trainerSpec)
                default: try Self.readNormalizerSpec(&message, into: &normalizerSpec)
                }
            default:
                // self_test_data (4), denormalizer_spec (5) and extensions: not used to encode.
                try reader.skip(wireType)
            }
        }
    }

    /// Reads one `SentencePiece` message.
    private static func readPiece(_ reader: inout ProtobufReader) throws -> Piece {
        var piece = Piece()
        while !reader.isAtEnd {
            let position = reader.offset
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1:
                try reader.expect(wireType, .lengthDelimited, field: field, of: "SentencePiece", at: position)
                piece.bytes = try reader.readBytes()
            case 2:
                try reader.expect(wireType, .fixed32, field: field, of: "SentencePiece", at: position)
                piece.score = Float(bitPattern: try reader.readFixed32())
            case 3:
                try reader.expect(wireType, .varint, field: field, of: "SentencePiece", at: position)
                piece.type = try reader.readVarint()
            default:
                try reader.skip(wireType)
            }
        }
        return piece
    }

    /// Reads a `TrainerSpec` message into `spec`.
    private static func readTrainerSpec(_ reader: inout ProtobufReader, into spec: inout TrainerSpec) throws {
        while !reader.isAtEnd {
            let position = reader.offset
            let (field, wireType) = try reader.readTag()
            guard [3, 24, 35, 40, 41, 42, 43].contains(field) else {
                try reader.skip(wireType)
                continue
            }
            try reader.expect(wireType, .varint, field: field, of: "TrainerSpec", at: position)
            let value = try reader.readVarint()
            // int32 fields hold negative values as 10-byte sign-extended varints; protobuf
            // keeps the low 32 bits.
            let int32 = Int32(truncatingIfNeeded: value)
            switch field {
            case 3: spec.modelType = value
            case 24: spec.treatWhitespaceAsSuffix = value != 0
            case 35: spec.byteFallback = value != 0
            case 40: spec.unkID = int32
            case 41: spec.bosID = int32
            case 42: spec.eosID = int32
            default: spec.padID = int32
            }
        }
    }

    /// Reads a `NormalizerSpec` message into `spec`.
    private static func readNormalizerSpec(_ reader: inout ProtobufReader,
                                           into spec: inout NormalizerSpec) throws {
        while !reader.isAtEnd {
            let position = reader.offset
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1, 2:
                try reader.expect(wireType, .lengthDelimited, field: field, of: "NormalizerSpec", at: position)
                let bytes = try reader.readBytes()
                if field == 1 { spec.name = bytes } else { spec.precompiledCharsMap = bytes }
            case 3, 4, 5:
                try reader.expect(wireType, .varint, field: field, of: "NormalizerSpec", at: position)
                let flag = try reader.readVarint() != 0
                switch field {
                case 3: spec.addDummyPrefix = flag
                case 4: spec.removeExtraWhitespaces = flag
                default: spec.escapeWhitespaces = flag
                }
            default:
                try reader.skip(wireType)
            }
        }
    }
}
