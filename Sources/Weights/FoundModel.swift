/// A DeepFloyd IF stage I snapshot found on disk.
public struct FoundModel: Sendable, Equatable {
    /// Which copy of the UNet weights the snapshot holds.
    public enum Variant: String, Sendable {
        /// `diffusion_pytorch_model.fp16.safetensors` (the variant the course loads).
        case fp16
        /// `diffusion_pytorch_model.safetensors`.
        case fp32
    }

    /// The model's name, e.g. "IF-I-L-v1.0" (from the cache folder; the folder's own name
    /// for an explicitly given snapshot outside the cache).
    public let name: String
    /// The snapshot folder holding `unet/` and `scheduler/`.
    public let folder: String
    /// The weights variant chosen (fp16 when both are present).
    public let variant: Variant
    /// `unet/config.json`.
    public let unetConfig: String
    /// The UNet safetensors file.
    public let unetWeights: String
    /// `scheduler/scheduler_config.json`, when present.
    public let schedulerConfig: String?
    /// Size of the UNet weights file in bytes.
    public let sizeBytes: Int64
}
