import DeepFloyd
import Diffusion
import Foundation
import JSON
import SentencePiece
import T5
import Tensor
import Weights

extension FuzzTarget {
    /// Prompts every accepted SentencePiece model tokenizes: plain words, IF's kind of prompt,
    /// whitespace runs, and characters that normalization rewrites or no piece covers.
    static let tokenizerProbes = [
        "a photo of a dog",
        "  an oil painting\tof a snowy   mountain village  ",
        "Ｆｕｌｌｗｉｄｔｈ ① ﬁ café naïve 🚀 日本語",
        "",
    ]

    func runSentencePiece(_ bytes: [UInt8]) throws {
        let model = try SentencePieceModel(bytes: bytes, file: "fuzz.model")
        let unigram = UnigramTokenizer(model: model)
        for probe in Self.tokenizerProbes {
            let ids = unigram.encode(probe)
            guard ids.allSatisfy({ model.pieces.indices.contains($0) }) else {
                fatalError("spiece: encoding \"\(probe)\" gave ids outside 0..<\(model.vocabularySize): \(ids)")
            }
            _ = unigram.pieceTexts(ids)
        }
        if model.eosID >= 0, model.padID >= 0 {
            let tokens = T5Tokenizer(model: model).encode(Self.tokenizerProbes[0])
            guard tokens.ids.count == 77, tokens.mask.count == 77 else {
                fatalError("spiece: T5 encoding has \(tokens.ids.count) ids and \(tokens.mask.count) mask entries, not 77")
            }
        }
    }

    /// The shards every `shardindex` input is read against: two small safetensors files
    /// beside the index, holding `a`, `b` and `c` (the seeds' weight_map lists them so).
    /// Encoded once per process; each input only writes their bytes (the reader maps files),
    /// since the writer's fsync on every input cut the target's speed about tenfold.
    static let shardFiles: [(name: String, bytes: [UInt8])] = {
        let shards: [(String, [String: Tensor])] = [
            ("model-00001-of-00002.safetensors", ["a": Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]),
                                                  "b": Tensor(shape: [4], scalars: [0.5, -1, 2, 8])]),
            ("model-00002-of-00002.safetensors", ["c": Tensor(shape: [1, 1, 2], scalars: [7, -7])]),
        ]
        do {
            return try shards.map { name, tensors in
                try ScratchFile.withFolder { folder in
                    try SafetensorsWriter.write(tensors, to: folder + "/" + name, dtype: .f16)
                    return (name, [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))))
                }
            }
        } catch {
            fatalError("shardindex: cannot make the fixed shards: \(error)")
        }
    }()

    func runShardIndex(_ bytes: [UInt8]) throws {
        let shards = Self.shardFiles   // made (once) before the scratch folder, which making them uses too
        try ScratchFile.withFolder { folder in
            for shard in shards {
                try ScratchFile.store(shard.bytes, to: folder + "/" + shard.name)
            }
            let index = folder + "/model.safetensors.index.json"
            try ScratchFile.store(bytes, to: index)
            let checkpoint = try ShardedCheckpoint(path: index)
            for name in checkpoint.names {
                guard checkpoint.shape(of: name) != nil else {
                    fatalError("shardindex: \(name) is listed but has no shape")
                }
                _ = try checkpoint.tensor(named: name)
            }
        }
    }

    func runNPY(_ bytes: [UInt8]) throws {
        try ScratchFile.withFile(holding: bytes, suffix: "npy") { path in
            let tensor = try NPYFile.read(path)
            guard tensor.count == tensor.shape.reduce(1, *) else {
                fatalError("npy: \(tensor.count) values for shape \(tensor.shape)")
            }
        }
    }

    /// One JSON document through the three config readers of a downloaded snapshot (the
    /// UNet's, T5's and the scheduler's). Each accepts it or throws `ConfigError`; the input
    /// counts as refused when all three refuse it (a real file suits one of them).
    func runConfig(_ bytes: [UInt8]) throws {
        let data = Data(bytes)
        let readers: [() throws -> Void] = [{ _ = try UNetConfig(json: data) },
                                            { _ = try T5Config(json: data) },
                                            { _ = try NoiseSchedule(schedulerConfig: data) }]
        var refusals: [ConfigError] = []
        for read in readers {
            // Any other error type leaves this loop and is reported as a finding.
            do { try read() } catch let error as ConfigError { refusals.append(error) }
        }
        if refusals.count == readers.count { throw refusals[0] }
    }
}
