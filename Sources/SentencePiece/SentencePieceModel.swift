import Foundation

/// A SentencePiece unigram model read from a `.model` file (T5's `spiece.model`): the
/// vocabulary with scores and types, the special ids, and the normalization rules.
///
/// Loading validates everything encoding relies on, so that a model that loads can always
/// encode: the piece types, one UNKNOWN piece that `unk_id` names, no duplicate or empty
/// pieces, special ids inside the vocabulary, and a sound normalization trie. Models this
/// tokenizer does not implement (BPE, WORD, CHAR, byte fallback, whitespace as suffix) are
/// refused with `SentencePieceError.unsupported` rather than encoded differently.
public struct SentencePieceModel: Sendable {
    /// What a vocabulary entry is for (`ModelProto.SentencePiece.Type`).
    public enum PieceType: Int, Sendable, CaseIterable {
        /// An ordinary piece, matched in text and scored by its log probability.
        case normal = 1
        /// The unknown piece (`<unk>`); never matched in text.
        case unknown = 2
        /// A control symbol (`<pad>`, `</s>`); never matched in text.
        case control = 3
        /// A user-defined symbol: kept whole by the normalizer and always preferred.
        case userDefined = 4
        /// A piece kept in the vocabulary but never produced.
        case unused = 5
        /// A byte piece (`<0x41>`), used only with byte fallback.
        case byte = 6
    }

    /// One vocabulary entry; its id is its index in `pieces`.
    public struct Piece: Sendable, Equatable {
        /// The piece's text, with U+2581 ("▁") standing for a space.
        public let piece: String
        /// Its score: the log probability for normal pieces, 0 for the special ones.
        public let score: Float
        /// What the piece is for.
        public let type: PieceType
        /// The piece's bytes as stored, which matching uses (a file may hold invalid UTF-8,
        /// which `piece` shows with U+FFFD).
        let utf8: [UInt8]

        /// An UNUSED piece "\0", which some conversion scripts insert: SentencePiece skips it
        /// (it is never matched and takes no part in duplicate checks).
        var isNullPlaceholder: Bool { type == .unused && utf8 == [0] }
    }

    /// The file the model was read from, as the caller spelled it (used in messages).
    public let file: String
    /// The vocabulary, in id order.
    public let pieces: [Piece]
    /// The id of the unknown piece (`trainer_spec.unk_id`; 2 for T5).
    public let unkID: Int
    /// The id of the beginning-of-sentence piece, or -1 when there is none (T5 has none).
    public let bosID: Int
    /// The id of the end-of-sentence piece, or -1 when there is none (1 for T5).
    public let eosID: Int
    /// The id of the padding piece, or -1 when there is none (0 for T5).
    public let padID: Int
    /// The normalization rules' name (`normalizer_spec.name`, e.g. "nmt_nfkc"); informational.
    public let normalizerName: String
    /// Whether "▁" is put in front of the text (`normalizer_spec.add_dummy_prefix`).
    public let addDummyPrefix: Bool
    /// Whether leading, trailing and repeated spaces are dropped
    /// (`normalizer_spec.remove_extra_whitespaces`).
    public let removeExtraWhitespaces: Bool
    /// Whether spaces become "▁" (`normalizer_spec.escape_whitespaces`).
    public let escapeWhitespaces: Bool
    /// The compiled normalization rules, or nil when the model has none (identity).
    let charsMap: PrecompiledCharsMap?

    /// SentencePiece refuses pieces of this many bytes or more (`kMaxPieceSize`).
    static let maxPieceBytes = 8000

    /// The number of pieces.
    public var vocabularySize: Int { pieces.count }

    /// Reads and validates the model file at `path`.
    public init(contentsOf path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SentencePieceError.unreadable(file: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw SentencePieceError.unreadable(file: path, reason: "it is a directory")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SentencePieceError.unreadable(file: path, reason: "the file cannot be read")
        }
        try self.init(bytes: [UInt8](data), file: path)
    }

    /// Parses and validates a serialized model; `file` names it in errors.
    public init(bytes: [UInt8], file: String) throws {
        guard !bytes.isEmpty else {
            throw SentencePieceError.malformed(file: file, reason: "the file is empty")
        }
        let proto = try ModelProto(bytes: bytes, file: file)
        let trainer = proto.trainerSpec
        func malformed(_ reason: String) -> SentencePieceError { .malformed(file: file, reason: reason) }
        func unsupported(_ reason: String) -> SentencePieceError { .unsupported(file: file, reason: reason) }

        let modelTypes: [UInt64: String] = [1: "UNIGRAM", 2: "BPE", 3: "WORD", 4: "CHAR"]
        guard trainer.modelType == 1 else {
            let name = modelTypes[trainer.modelType].map { "a \($0) model" } ?? "model_type \(trainer.modelType)"
            throw unsupported("it is \(name); only UNIGRAM models (T5's) are supported")
        }
        guard !trainer.byteFallback else {
            throw unsupported("byte_fallback is not supported (T5's vocabulary has no byte pieces)")
        }
        guard !trainer.treatWhitespaceAsSuffix else {
            throw unsupported("treat_whitespace_as_suffix is not supported")
        }
        guard !proto.pieces.isEmpty else { throw malformed("the model has no pieces") }

        var pieces: [Piece] = []
        pieces.reserveCapacity(proto.pieces.count)
        // SentencePiece keeps matchable pieces and special ones in two maps, so the same text
        // may be both (a NORMAL "<s>" beside the CONTROL "<s>"), but not twice in one.
        var matchable: [[UInt8]: Int] = [:]
        var reserved: [[UInt8]: Int] = [:]
        var unknownIDs: [Int] = []
        for (id, raw) in proto.pieces.enumerated() {
            let text = String(decoding: raw.bytes, as: UTF8.self)
            guard raw.bytes.count > 0 else { throw malformed("piece \(id) is empty") }
            guard let type = PieceType(rawValue: Int(clamping: raw.type)) else {
                throw malformed("piece \(id) ('\(text)') has the unknown type \(raw.type)")
            }
            if type == .byte {
                throw unsupported("piece \(id) ('\(text)') is a BYTE piece; byte fallback is not supported")
            }
            guard raw.score.isFinite else { throw malformed("piece \(id) ('\(text)') has the score \(raw.score)") }
            guard raw.bytes.count < Self.maxPieceBytes else {
                throw malformed("piece \(id) is \(raw.bytes.count) bytes long; at most \(Self.maxPieceBytes - 1) are allowed")
            }
            let piece = Piece(piece: text, score: raw.score, type: type, utf8: raw.bytes)
            pieces.append(piece)
            if piece.isNullPlaceholder { continue }
            // Trie keys are C strings in SentencePiece, which refuses any other NUL.
            if raw.bytes.contains(0) { throw malformed("piece \(id) contains a NUL byte") }
            let isMatchable = type == .normal || type == .userDefined || type == .unused
            if let first = isMatchable ? matchable[raw.bytes] : reserved[raw.bytes] {
                throw malformed("piece \(id) ('\(text)') repeats piece \(first)")
            }
            if isMatchable { matchable[raw.bytes] = id } else { reserved[raw.bytes] = id }
            if type == .unknown { unknownIDs.append(id) }
        }

        let unkID = Int(trainer.unkID)
        guard pieces.indices.contains(unkID) else {
            throw malformed("unk_id \(unkID) is outside the vocabulary of \(pieces.count) pieces")
        }
        guard pieces[unkID].type == .unknown else {
            throw malformed("unk_id \(unkID) names '\(pieces[unkID].piece)', which is not of type UNKNOWN")
        }
        // The encoder takes the unknown piece from the types, the rest of the world from
        // unk_id: they must agree, so there must be exactly one.
        guard unknownIDs.count == 1 else {
            throw malformed("there are \(unknownIDs.count) UNKNOWN pieces (ids \(unknownIDs.map(String.init).joined(separator: ", "))); there must be one")
        }
        for (name, value) in [("bos_id", trainer.bosID), ("eos_id", trainer.eosID), ("pad_id", trainer.padID)] {
            guard value == -1 || pieces.indices.contains(Int(value)) else {
                throw malformed("\(name) \(value) is outside the vocabulary of \(pieces.count) pieces")
            }
        }

        let spec = proto.normalizerSpec
        self.file = file
        self.pieces = pieces
        self.unkID = unkID
        self.bosID = Int(trainer.bosID)
        self.eosID = Int(trainer.eosID)
        self.padID = Int(trainer.padID)
        self.normalizerName = String(decoding: spec.name, as: UTF8.self)
        self.addDummyPrefix = spec.addDummyPrefix
        self.removeExtraWhitespaces = spec.removeExtraWhitespaces
        self.escapeWhitespaces = spec.escapeWhitespaces
        self.charsMap = spec.precompiledCharsMap.isEmpty
            ? nil : try PrecompiledCharsMap(blob: spec.precompiledCharsMap, file: file)
    }
}
