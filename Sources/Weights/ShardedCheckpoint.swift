import Foundation
import JSON
import Tensor

/// A transformers checkpoint as one provider of named tensors: a single weights file, or
/// an index (`model.safetensors.index.json`, `pytorch_model.bin.index.json`, or their fp16
/// variants) whose `weight_map` sends each tensor name to a shard file beside it. Shards
/// are safetensors files or `torch.save` zip archives (`.bin`), told apart by their bytes.
///
/// Opening reads the index and every shard's header (no tensor data) and checks them
/// against each other: each shard named must exist, each tensor listed must be in its
/// shard, and each tensor in a shard must be listed for it. Errors name the file and the
/// tensor or shard. F16 tensors are served as half-precision views into the mappings.
public final class ShardedCheckpoint: HalfTensorProvider {
    /// The files `init(folder:)` looks for, in order: fp16 before fp32 (half the memory
    /// and the reading; a model kept in Float32 is widened either way), and within each,
    /// safetensors before torch `.bin`, single files before indexes. transformers names
    /// an fp16 index `model.safetensors.index.fp16.json`; `model.fp16.safetensors.index.json`
    /// is accepted as well.
    public static let defaultFileNames = [
        "model.fp16.safetensors", "model.safetensors.index.fp16.json", "model.fp16.safetensors.index.json",
        "pytorch_model.fp16.bin", "pytorch_model.bin.index.fp16.json", "pytorch_model.fp16.bin.index.json",
        "model.safetensors", "model.safetensors.index.json",
        "pytorch_model.bin", "pytorch_model.bin.index.json",
    ]

    /// The index file, or nil for a single weights file.
    public let index: String?
    /// The weights files, in shard-name order.
    public let shards: [String]
    /// Every tensor name, sorted.
    public let names: [String]
    private let providers: [any HalfTensorProvider]
    /// Which of `providers` holds each tensor.
    private let holder: [String: Int]

    /// The first of `fileNames` present in `folder` (an index or a single weights file).
    public convenience init(folder: String, fileNames: [String] = ShardedCheckpoint.defaultFileNames) throws {
        let files = FileManager.default
        // fileExists follows symlinks: a hub-cache link whose blob is still downloading is skipped.
        guard let name = fileNames.first(where: { files.fileExists(atPath: folder + "/" + $0) }) else {
            throw WeightsError.noCheckpoint(folder: folder, tried: fileNames)
        }
        try self.init(path: folder + "/" + name)
    }

    /// The checkpoint at `path`: an index when it ends in `.json`, else one weights file.
    public init(path: String) throws {
        guard path.hasSuffix(".json") else {
            let provider = try ShardedCheckpoint.open(path)
            index = nil
            shards = [path]
            names = provider.names
            providers = [provider]
            holder = Dictionary(uniqueKeysWithValues: provider.names.map { ($0, 0) })
            return
        }
        index = path
        let weightMap = try ShardedCheckpoint.readWeightMap(path)
        let folder = (path as NSString).deletingLastPathComponent
        let shardNames = Set(weightMap.values).sorted()
        func shardPath(_ shard: String) -> String { folder.isEmpty ? shard : folder + "/" + shard }
        // Every shard is looked for before any is opened, so that a partial download names
        // what is missing rather than failing on what is there.
        for shard in shardNames where !FileManager.default.fileExists(atPath: shardPath(shard)) {
            let tensor = weightMap.filter { $0.value == shard }.keys.min() ?? ""
            throw WeightsError.missingShard(index: path, shard: shard, tensor: tensor)
        }
        var providers: [any HalfTensorProvider] = []
        var holder: [String: Int] = [:]
        for (i, shard) in shardNames.enumerated() {
            let provider = try ShardedCheckpoint.open(shardPath(shard))
            let held = Set(provider.names)
            for name in provider.names {
                guard let listed = weightMap[name] else {
                    throw WeightsError.badTensor(file: shardPath(shard), tensor: name,
                                                 reason: "the shard holds it, but \(path)'s weight_map does not list it")
                }
                guard listed == shard else {
                    throw WeightsError.badTensor(file: shardPath(shard), tensor: name,
                                                 reason: "the shard holds it, but \(path)'s weight_map puts it in \(listed)")
                }
                holder[name] = i
            }
            for (name, listed) in weightMap where listed == shard && !held.contains(name) {
                throw WeightsError.badTensor(file: path, tensor: name, reason: "the weight_map puts it in \(shard), which does not hold it")
            }
            providers.append(provider)
        }
        shards = shardNames.map(shardPath)
        names = weightMap.keys.sorted()
        self.providers = providers
        self.holder = holder
    }

    /// The shape of `name`, or nil when absent.
    public func shape(of name: String) -> [Int]? {
        holder[name].flatMap { providers[$0].shape(of: name) }
    }

    /// `name` widened to Float32.
    public func tensor(named name: String) throws -> Tensor {
        try provider(of: name).tensor(named: name)
    }

    /// The F16 bits of `name` (a view into its shard's mapping where possible); nil when
    /// it is stored as another type.
    public func halfStorage(named name: String) throws -> HalfStorage? {
        try provider(of: name).halfStorage(named: name)
    }

    private func provider(of name: String) throws -> any HalfTensorProvider {
        guard let i = holder[name] else { throw WeightsError.missingTensor(file: index ?? shards[0], tensor: name) }
        return providers[i]
    }

    /// A weights file: a torch.save zip archive (recognised by `PK\x03\x04`) or safetensors.
    private static func open(_ path: String) throws -> any HalfTensorProvider {
        let mapping = try MappedFile(path: path)
        if mapping.count >= 4, Array(mapping.bytes[0..<4]) == [0x50, 0x4B, 0x03, 0x04] {
            return try TorchZipFile(path: path)
        }
        return try SafetensorsFile(mapping: mapping)
    }

    /// The index's `weight_map`: tensor name to shard file name (a plain name in the
    /// index's folder; a path elsewhere is refused).
    private static func readWeightMap(_ path: String) throws -> [String: String] {
        let mapping = try MappedFile(path: path)
        let document: JSONValue
        do {
            document = try JSONValue.parse(mapping.bytes)
        } catch let failure as JSONParser.Failure {
            throw WeightsError.malformed(file: path, reason: "not valid JSON (\(failure))")
        }
        guard case let .object(members)? = document["weight_map"] else {
            throw WeightsError.malformed(file: path, reason: "has no \"weight_map\" object mapping tensor names to shard files")
        }
        guard !members.isEmpty else { throw WeightsError.malformed(file: path, reason: "the weight_map is empty") }
        var map: [String: String] = [:]
        for (name, value) in members {
            guard let shard = value.stringValue else {
                throw WeightsError.badTensor(file: path, tensor: name, reason: "the weight_map gives \(value.serialized), not a shard file name")
            }
            guard !shard.isEmpty, !shard.contains("/"), shard != ".", shard != ".." else {
                throw WeightsError.badTensor(file: path, tensor: name, reason: "the weight_map names shard '\(shard)', which is not a file beside the index")
            }
            map[name] = shard
        }
        return map
    }
}
