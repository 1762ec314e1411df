import Tensor

/// Reads a `torch.save`d dict of tensors (such as the course's `prompt_embeds_dict.pth`)
/// whole, without executing anything; `TorchZipFile` does the reading (restricted pickle,
/// tensors gathered from their storages by offset and strides).
public enum TorchCheckpoint {
    /// The dict's entries in saved order, every tensor widened to Float32 in its saved shape.
    public static func read(_ path: String) throws -> [(String, Tensor)] {
        let file = try TorchZipFile(path: path)
        return try file.saved.map { ($0.name, try file.gather($0.entry, name: $0.name)) }
    }
}
