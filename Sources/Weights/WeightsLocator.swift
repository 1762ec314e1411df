import Foundation

/// Finds DeepFloyd IF stage I weights: an explicitly named snapshot folder, or the
/// Hugging Face hub cache (`models--DeepFloyd--IF-I-{M,L,XL}-v1.0/snapshots/<rev>/`).
///
/// The environment is a parameter, not read from the process, so tests can point it at a
/// temporary folder and so that the result is a function of its inputs.
public struct WeightsLocator: Sendable {
    /// The environment variables consulted (`HF_HUB_CACHE`, `HF_HOME`, `XDG_CACHE_HOME`, `HOME`).
    public let environment: [String: String]

    /// Model names in the order tried when none is preferred: L is what the course loads,
    /// M is the smaller option, XL is slowest on a CPU.
    public static let defaultOrder = ["IF-I-L-v1.0", "IF-I-M-v1.0", "IF-I-XL-v1.0"]

    /// A locator reading `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Hub cache folders in priority order, as huggingface_hub resolves them: `HF_HUB_CACHE`,
    /// else `$HF_HOME/hub`, else `$XDG_CACHE_HOME/huggingface/hub`, else
    /// `~/.cache/huggingface/hub`. The lower-priority defaults follow as fallbacks, so weights
    /// downloaded before a variable was set are still found.
    public func searchPaths() -> [String] {
        var paths: [String] = []
        func add(_ path: String?) {
            guard let path, !path.isEmpty else { return }
            let clean = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            if !paths.contains(clean) { paths.append(clean) }
        }
        add(environment["HF_HUB_CACHE"])
        add(environment["HF_HOME"].map { $0 + "/hub" })
        add(environment["XDG_CACHE_HOME"].map { $0 + "/huggingface/hub" })
        add(environment["HOME"].map { $0 + "/.cache/huggingface/hub" })
        return paths
    }

    /// Stage II models in the order tried: L is what the course loads.
    public static let stageIIOrder = ["IF-II-L-v1.0", "IF-II-M-v1.0"]

    /// The stage II (super-resolution) model: `explicit` when given, else the first of
    /// `stageIIOrder` in the cache; nil when there is none.
    public func resolveStageII(explicit: String?) throws -> FoundModel? {
        if let explicit {
            let folder = explicit.count > 1 && explicit.hasSuffix("/") ? String(explicit.dropLast()) : explicit
            return try inspect(folder: folder, name: WeightsLocator.modelName(snapshot: folder))
        }
        let all = findAll(stage: "II")
        return WeightsLocator.stageIIOrder.lazy.compactMap { name in all.first { $0.name == name } }.first ?? all.first
    }

    /// Every usable IF snapshot of `stage` ("I" or "II") in the cache folders, in search-path
    /// order, then by name.
    public func findAll(stage: String = "I") -> [FoundModel] {
        let files = FileManager.default
        var found: [FoundModel] = []
        for root in searchPaths() {
            guard let children = try? files.contentsOfDirectory(atPath: root) else { continue }
            for child in children.sorted() where child.hasPrefix("models--DeepFloyd--IF-\(stage)-") {
                let name = String(child.dropFirst("models--DeepFloyd--".count))
                guard let snapshot = chooseSnapshot(repository: root + "/" + child),
                      let model = try? inspect(folder: snapshot, name: name) else { continue }
                found.append(model)
            }
        }
        return found
    }

    /// The model to run: `explicit` (a snapshot folder, or a `models--...` cache folder) when
    /// given, else the cached model named like `preferred` ("IF-I-M-v1.0", "IF-I-M" or "M"),
    /// else the first of `defaultOrder` found; nil when no weights are on disk at all.
    public func resolve(explicit: String?, preferred: String?) throws -> FoundModel? {
        if let explicit {
            let folder = explicit.count > 1 && explicit.hasSuffix("/") ? String(explicit.dropLast()) : explicit
            let last = (folder as NSString).lastPathComponent
            if last.hasPrefix("models--") {
                guard let snapshot = chooseSnapshot(repository: folder) else {
                    throw WeightsError.notASnapshot(folder: folder, reason: "no usable folder under snapshots/")
                }
                return try inspect(folder: snapshot, name: WeightsLocator.modelName(repositoryFolder: last))
            }
            return try inspect(folder: folder, name: WeightsLocator.modelName(snapshot: folder))
        }
        let all = findAll()
        if let preferred {
            if let match = all.first(where: { WeightsLocator.matches($0.name, preferred) }) { return match }
            throw WeightsError.modelNotFound(name: preferred, searched: searchPaths(), found: all.map(\.name))
        }
        for name in WeightsLocator.defaultOrder {
            if let match = all.first(where: { $0.name == name }) { return match }
        }
        return all.first
    }

    /// Checks that `folder` is a usable snapshot and describes it.
    public func inspect(folder: String, name: String) throws -> FoundModel {
        let files = FileManager.default
        var isFolder: ObjCBool = false
        guard files.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw WeightsError.notASnapshot(folder: folder, reason: "no such folder")
        }
        let config = folder + "/unet/config.json"
        guard files.fileExists(atPath: config) else {
            throw WeightsError.notASnapshot(folder: folder, reason: "unet/config.json is missing")
        }
        let candidates: [(String, FoundModel.Variant)] = [
            (folder + "/unet/diffusion_pytorch_model.fp16.safetensors", .fp16),
            (folder + "/unet/diffusion_pytorch_model.safetensors", .fp32),
        ]
        // fileExists follows symlinks, so a cache entry whose blob is still downloading
        // (a dangling link) is skipped rather than chosen.
        guard let (weights, variant) = candidates.first(where: { files.fileExists(atPath: $0.0) }) else {
            throw WeightsError.notASnapshot(folder: folder,
                reason: "neither unet/diffusion_pytorch_model.fp16.safetensors nor unet/diffusion_pytorch_model.safetensors is present")
        }
        let size = ((try? files.attributesOfItem(atPath: weights))?[.size] as? NSNumber)?.int64Value ?? 0
        let scheduler = folder + "/scheduler/scheduler_config.json"
        return FoundModel(name: name, folder: folder, variant: variant, unetConfig: config, unetWeights: weights,
                          schedulerConfig: files.fileExists(atPath: scheduler) ? scheduler : nil, sizeBytes: size)
    }

    /// The snapshot `refs/main` names when it exists, else the most recently modified one.
    func chooseSnapshot(repository: String) -> String? {
        let files = FileManager.default
        let snapshots = repository + "/snapshots"
        if let ref = try? String(contentsOfFile: repository + "/refs/main", encoding: .utf8) {
            let revision = ref.trimmingCharacters(in: .whitespacesAndNewlines)
            let folder = snapshots + "/" + revision
            if !revision.isEmpty, !revision.contains("/"), files.fileExists(atPath: folder + "/unet/config.json") {
                return folder
            }
        }
        guard let revisions = try? files.contentsOfDirectory(atPath: snapshots) else { return nil }
        let dated = revisions.compactMap { revision -> (String, Date)? in
            let folder = snapshots + "/" + revision
            guard files.fileExists(atPath: folder + "/unet/config.json") else { return nil }
            let date = (try? files.attributesOfItem(atPath: folder))?[.modificationDate] as? Date ?? .distantPast
            return (folder, date)
        }
        return dated.sorted { ($0.1, $0.0) > ($1.1, $1.0) }.first?.0
    }

    /// "IF-I-L-v1.0" from "models--DeepFloyd--IF-I-L-v1.0".
    static func modelName(repositoryFolder: String) -> String {
        repositoryFolder.components(separatedBy: "--").last ?? repositoryFolder
    }

    /// The model name for an explicit snapshot: from an enclosing cache folder when there
    /// is one (`.../models--DeepFloyd--IF-I-M-v1.0/snapshots/<rev>`), else the folder's name.
    public static func modelName(snapshot: String) -> String {
        let parts = snapshot.split(separator: "/").map(String.init)
        if parts.count >= 3, parts[parts.count - 2] == "snapshots", parts[parts.count - 3].hasPrefix("models--") {
            return modelName(repositoryFolder: parts[parts.count - 3])
        }
        return parts.last ?? snapshot
    }

    /// Whether `name` ("IF-I-M-v1.0") is what a user meant by `wanted` ("IF-I-M-v1.0",
    /// "IF-I-M", "M", any case).
    static func matches(_ name: String, _ wanted: String) -> Bool {
        let n = name.lowercased(), w = wanted.lowercased()
        return n == w || n == w + "-v1.0" || n == "if-i-" + w + "-v1.0"
    }
}
