import NN
import Diffusion
import Digest
import Foundation
import Tensor
import Weights
import DeepFloyd
import EmojiModel

/// Loads DeepFloyd IF stage I from a snapshot folder found by `WeightsLocator`.
public enum ModelLoader {
    /// The schedule of `model`: its `scheduler_config.json`, or IF's own settings when the
    /// snapshot has none. Small enough to read before any weights are loaded.
    public static func schedule(_ model: FoundModel) throws -> NoiseSchedule {
        guard let path = model.schedulerConfig else { return NoiseSchedule.squaredCosine() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WeightsError.io(file: path, reason: "cannot read the scheduler configuration")
        }
        return try NoiseSchedule(schedulerConfig: data, file: path)
    }

    /// The denoiser for `model`.
    public static func loadIF(_ model: FoundModel, residency: WeightResidency = .automatic) throws -> IFDenoiser {
        guard let config = FileManager.default.contents(atPath: model.unetConfig) else {
            throw WeightsError.io(file: model.unetConfig, reason: "cannot read the UNet configuration")
        }
        let weights = try SafetensorsFile(path: model.unetWeights)
        let unet = try IFUNet(configJSON: config, weights: weights, residency: residency)
        return IFDenoiser(unet: unet, schedule: try schedule(model), displayName: displayName(model), identity: identity(model))
    }

    /// The stage II model in `model`'s folder: its UNet and scheduler, and the schedule of
    /// `image_noising_scheduler/` (IF's plain squared cosine when the snapshot has none).
    public static func loadStageII(_ model: FoundModel) throws -> Upsampler {
        let denoiser = try loadIF(model)
        let noising = imageNoisingConfig(model)
        let imageNoising: NoiseSchedule
        if let data = FileManager.default.contents(atPath: noising) {
            imageNoising = try NoiseSchedule(schedulerConfig: data, file: noising)
        } else {
            imageNoising = NoiseSchedule.squaredCosine()
        }
        let stageII = try SuperResolutionDenoiser(unet: denoiser.unet, schedule: denoiser.schedule,
                                                  displayName: denoiser.displayName, identity: denoiser.identity)
        return Upsampler(denoiser: stageII, side: denoiser.unet.config.sampleSize, imageNoising: imageNoising)
    }

    /// Where a stage II snapshot keeps the schedule that noises its upscaled input.
    public static func imageNoisingConfig(_ model: FoundModel) -> String {
        model.folder + "/image_noising_scheduler/scheduler_config.json"
    }

    /// "DeepFloyd IF-I-L v1.0 (fp16)".
    public static func displayName(_ model: FoundModel) -> String {
        let name = model.name.replacingOccurrences(of: "-v1.0", with: " v1.0")
        return "DeepFloyd \(name) (\(model.variant.rawValue))"
    }

    /// A cache identity that changes whenever the weights or the sampler settings do,
    /// without hashing gigabytes: the UNet and scheduler configurations, the safetensors
    /// header, the file's size and its first and last megabyte.
    public static func identity(_ model: FoundModel) -> String {
        var hasher = SHA256()
        hasher.update(model.name)
        if let config = FileManager.default.contents(atPath: model.unetConfig) { hasher.update([UInt8](config)) }
        if let path = model.schedulerConfig, let config = FileManager.default.contents(atPath: path) { hasher.update([UInt8](config)) }
        hashEnds(of: model.unetWeights, into: &hasher)
        return "if:" + hasher.hexDigest()
    }

    /// Adds a file's size and its first and last megabyte to `hasher`.
    static func hashEnds(of path: String, into hasher: inout SHA256) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        hasher.update(String(size))
        try? handle.seek(toOffset: 0)
        if let head = try? handle.read(upToCount: 1 << 20) { hasher.update([UInt8](head)) }
        if size > 1 << 20 {
            try? handle.seek(toOffset: size - (1 << 20))
            if let tail = try? handle.read(upToCount: 1 << 20) { hasher.update([UInt8](tail)) }
        }
    }
}
