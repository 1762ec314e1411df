import Foundation
import Digest
import NN
import SentencePiece
import T5
import Tensor
import Weights

extension ModelLoader {
    /// The tokenizer and T5 encoder of `found`. Half-precision checkpoints stay half
    /// precision (mapped) and are widened a layer at a time.
    public static func loadTextEncoder(_ found: FoundTextEncoder, residency: WeightResidency = .automatic) throws -> LoadedTextEncoder {
        let tokenizer = try T5Tokenizer(contentsOf: found.tokenizerModel)
        guard let configData = FileManager.default.contents(atPath: found.config) else {
            throw WeightsError.io(file: found.config, reason: "cannot read the text encoder's configuration")
        }
        let config = try T5Config(json: configData, file: found.config)
        let model = try T5EncoderModel(config: config, weights: try ShardedCheckpoint(folder: found.encoderFolder), residency: residency)
        return LoadedTextEncoder(tokenize: { text in
            let tokens = tokenizer.encode(text)
            return (tokens.ids, tokens.mask)
        }, run: { ids, mask in
            // Loaded for one pass or a few, beside a UNet: hold one block's pages at a time.
            try model.encode(ids: ids, mask: mask, releasingWeightPages: true)
        })
    }

    /// A cache identity for a text encoder that changes whenever its output can, without
    /// hashing gigabytes: the configuration, the tokenizer model, and each checkpoint file's
    /// name, size, first and last megabyte (a safetensors header or a zip directory lies in those).
    public static func identity(_ found: FoundTextEncoder) -> String {
        var hasher = SHA256()
        hasher.update("t5-encoder/v1")
        for path in [found.config, found.tokenizerModel] {
            hasher.update(path.split(separator: "/").last.map(String.init) ?? path)
            if let data = FileManager.default.contents(atPath: path) { hasher.update([UInt8](data)) }
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: found.encoderFolder)) ?? []
        for name in names.sorted() where name != "config.json" {
            hasher.update(name)
            hashEnds(of: found.encoderFolder + "/" + name, into: &hasher)
        }
        return "t5:" + hasher.hexDigest()
    }
}
