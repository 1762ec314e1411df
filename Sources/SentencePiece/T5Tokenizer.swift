/// The ids and attention mask T5's encoder takes for one prompt: `maxLength` entries each.
public struct T5Tokens: Sendable, Equatable {
    /// The piece ids, then EOS, then padding.
    public let ids: [Int]
    /// 1 over the real tokens (EOS included), 0 over the padding.
    public let mask: [Int]

    /// Tokens with the given ids and mask (which should have the same length).
    public init(ids: [Int], mask: [Int]) {
        self.ids = ids
        self.mask = mask
    }
}

/// T5's tokenizer as DeepFloyd IF calls it: transformers' `T5Tokenizer` with
/// `padding="max_length", max_length=77, truncation=True, add_special_tokens=True`.
///
/// The pieces of the prompt are truncated to `maxLength - 1`, followed by EOS (the model's
/// `eos_id`, 1 for T5) and padded with the model's `pad_id` (0) to `maxLength`.
/// It does not lowercase or strip the prompt: IF's pipeline does `text.lower().strip()`
/// before tokenizing, and that belongs to the caller. Nor does it look for special tokens
/// spelled out in the prompt ("</s>", "<extra_id_0>"), which transformers would turn into
/// their ids; prompts are plain text here.
public struct T5Tokenizer: Sendable {
    /// The SentencePiece encoder underneath.
    public let unigram: UnigramTokenizer
    /// How many ids every encoding has (77 for IF).
    public let maxLength: Int
    /// The id that ends the real tokens.
    public let eosID: Int
    /// The id that fills the rest.
    public let padID: Int

    /// A tokenizer over `model`. The model must have an EOS and a pad id (T5's do) and
    /// `maxLength` must be at least 1; both are programming errors otherwise (trap).
    /// `init(contentsOf:)` checks the model and throws instead.
    public init(model: SentencePieceModel, maxLength: Int = 77) {
        precondition(maxLength >= 1, "T5Tokenizer: maxLength \(maxLength) leaves no room for EOS")
        precondition(model.eosID >= 0 && model.padID >= 0,
                     "T5Tokenizer: \(model.file) has no EOS or pad id (eos_id \(model.eosID), pad_id \(model.padID))")
        unigram = UnigramTokenizer(model: model)
        self.maxLength = maxLength
        eosID = model.eosID
        padID = model.padID
    }

    /// Reads T5's `spiece.model` at `path`; a model without an EOS or pad id is refused.
    public init(contentsOf path: String, maxLength: Int = 77) throws {
        let model = try SentencePieceModel(contentsOf: path)
        guard model.eosID >= 0, model.padID >= 0 else {
            throw SentencePieceError.unsupported(
                file: path, reason: "a T5 tokenizer needs eos_id and pad_id, but they are \(model.eosID) and \(model.padID)")
        }
        self.init(model: model, maxLength: maxLength)
    }

    /// The padded ids and mask of `text`.
    public func encode(_ text: String) -> T5Tokens {
        var ids = Array(pieces(text).prefix(maxLength - 1))
        ids.append(eosID)
        let real = ids.count
        ids += repeatElement(padID, count: maxLength - real)
        let mask = [Int](repeating: 1, count: real) + [Int](repeating: 0, count: maxLength - real)
        return T5Tokens(ids: ids, mask: mask)
    }

    /// The raw SentencePiece ids of `text`: no truncation, no EOS, no padding.
    public func pieces(_ text: String) -> [Int] {
        unigram.encode(text)
    }
}
