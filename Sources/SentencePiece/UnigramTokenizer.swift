/// SentencePiece's unigram encoder: normalizes text, then picks the segmentation into
/// vocabulary pieces with the highest total score (Viterbi), as
/// `SentencePieceProcessor::Encode` does with its unigram model.
///
/// Details kept identical to `Model::EncodeOptimized` in unigram_model.cc of sentencepiece
/// 0.2.3 (the reference the fixtures come from), since they decide ties and unknowns:
/// - The lattice runs over byte positions of the normalized UTF-8, stepping one character
///   (by the lead byte's length) at a time; pieces are matched on bytes.
/// - Every matching NORMAL piece scores its own score; a USER_DEFINED piece scores
///   `0.1 * (length_in_bytes - 1)`, above any log probability, so it always wins. UNUSED
///   pieces are in the trie but skipped; UNKNOWN and CONTROL pieces are never matched.
/// - Where no piece covers exactly the one character at a position, an unknown node of that
///   character scores `min_score - 10` (min over NORMAL pieces).
/// - Path scores are Floats added in Float. A later candidate replaces the best path ending
///   at a position only when strictly greater, so among equal totals the path whose last
///   piece starts earliest wins (for "000" with pieces "0" and "00": "0", "00").
/// - When the score at a position passes ±100000, every reached score from there to the
///   farthest reached position is rebased by it (long texts keep their Float precision).
/// - Consecutive unknown pieces merge into one unknown id (`PopulateSentencePieceText`).
///
/// Older sentencepiece releases (0.2.1 and before) differ in two ways that can change ids:
/// user-defined pieces scored `length * max_score - 0.1`, and the candidate sum was a
/// double compared with the stored Float, which flips some exact ties (for T5, which has no
/// user-defined pieces, only such ties). There was no rebasing either.
public struct UnigramTokenizer: Sendable {
    /// The model this tokenizer encodes with.
    public let model: SentencePieceModel
    /// The normalization the model describes.
    private let normalizer: Normalizer
    /// The NORMAL, USER_DEFINED and UNUSED pieces, valued by id.
    private let trie: PieceTrie
    /// The unknown node's score: the lowest NORMAL score minus 10.
    private let unknownScore: Float

    /// Path scores beyond this magnitude are rebased (`kScoreResetThreshold`).
    private static let scoreResetThreshold: Float = 100_000

    /// A tokenizer for `model` (validated when it was loaded, so this cannot fail).
    public init(model: SentencePieceModel) {
        self.model = model
        normalizer = Normalizer(model: model)
        trie = PieceTrie(model.pieces.enumerated()
            .filter { [.normal, .userDefined, .unused].contains($0.element.type) && !$0.element.isNullPlaceholder }
            .map { (bytes: $0.element.utf8, value: $0.offset) })
        // With no NORMAL piece SentencePiece's starting value FLT_MAX stays (and the unknown
        // score with it: FLT_MAX - 10 rounds back to FLT_MAX).
        var minScore = Float.greatestFiniteMagnitude
        for piece in model.pieces where piece.type == .normal {
            minScore = min(minScore, piece.score)
        }
        unknownScore = minScore - 10
    }

    /// Reads the model file at `path` and makes a tokenizer for it.
    public init(contentsOf path: String) throws {
        self.init(model: try SentencePieceModel(contentsOf: path))
    }

    /// The normalized text the pieces are taken from, with "▁" for spaces (what
    /// `SentencePieceProcessor.normalize` returns).
    public func normalize(_ text: String) -> String {
        String(decoding: normalizer.normalize(Array(text.utf8)), as: UTF8.self)
    }

    /// The piece ids of `text`, exactly as `SentencePieceProcessor.encode(text)` gives them
    /// (no BOS or EOS).
    public func encode(_ text: String) -> [Int] {
        encode(normalized: normalizer.normalize(Array(text.utf8)))
    }

    /// The pieces' texts for `ids` (an id outside the vocabulary shows as "<invalid id N>").
    public func pieceTexts(_ ids: [Int]) -> [String] {
        ids.map { model.pieces.indices.contains($0) ? model.pieces[$0].piece : "<invalid id \($0)>" }
    }

    /// The best path's last node ending at a byte position.
    private struct BestPath {
        /// The piece id of the last node, or -1 while no path reaches the position.
        var id = -1
        /// The total score of the best path ending here.
        var score: Float = 0
        /// Where the last node starts, or -1 while no path reaches the position.
        var start = -1
    }

    /// The piece ids of already normalized bytes.
    func encode(normalized: [UInt8]) -> [Int] {
        let size = normalized.count
        guard size > 0 else { return [] }
        var best = [BestPath](repeating: BestPath(), count: size + 1)
        var farthest = 0
        var start = 0
        while start < size {
            var scoreSoFar = best[start].score
            if scoreSoFar < -Self.scoreResetThreshold || scoreSoFar > Self.scoreResetThreshold {
                for position in start...max(start, farthest)
                where position == start || best[position].start != -1 {
                    best[position].score -= scoreSoFar
                }
                scoreSoFar = 0
            }
            let characterLength = min(Self.characterLength(lead: normalized[start]), size - start)
            var coversCharacter = false
            var node = PieceTrie.root
            var end = start
            while end < size, let next = trie.child(of: node, byte: normalized[end]) {
                node = next
                end += 1
                guard let id = trie.value(at: node) else { continue }
                let piece = model.pieces[id]
                if piece.type == .unused { continue }
                farthest = max(farthest, end)
                let length = end - start
                let score = piece.type == .userDefined ? Float(0.1 * Double(length - 1)) : piece.score
                let candidate = score + scoreSoFar
                if best[end].start == -1 || candidate > best[end].score {
                    best[end] = BestPath(id: id, score: candidate, start: start)
                }
                if length == characterLength { coversCharacter = true }
            }
            if !coversCharacter {
                let end = start + characterLength
                farthest = max(farthest, end)
                let candidate = unknownScore + scoreSoFar
                if best[end].start == -1 || candidate > best[end].score {
                    best[end] = BestPath(id: model.unkID, score: candidate, start: start)
                }
            }
            start += characterLength
        }

        var ids: [Int] = []
        var end = size
        // Every position a step ends at is reached (the unknown node guarantees it); the
        // `start < end` test only makes termination evident.
        while end > 0, best[end].start >= 0, best[end].start < end {
            ids.append(best[end].id)
            end = best[end].start
        }
        ids.reverse()
        var merged: [Int] = []
        merged.reserveCapacity(ids.count)
        for id in ids where !(id == model.unkID && merged.last == model.unkID) {
            merged.append(id)
        }
        return merged
    }

    /// A UTF-8 character's length from its lead byte alone, as SentencePiece's `OneCharLen`
    /// (a stray continuation byte counts as one).
    static func characterLength(lead: UInt8) -> Int {
        switch lead >> 4 {
        case 0xC, 0xD: return 2
        case 0xE: return 3
        case 0xF: return 4
        default: return 1
        }
    }
}
