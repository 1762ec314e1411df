import Diffusion
import NN
/// What the layers of a UNet need while they are built: the config, the strict loader, and
/// running counts that give every resnet and attention layer its slot in `Conditioning`.
final class UNetBuilder {
    let config: UNetConfig
    let loader: WeightLoader
    private(set) var resnetCount = 0
    private(set) var attentionCount = 0

    init(config: UNetConfig, loader: WeightLoader) {
        self.config = config
        self.loader = loader
    }

    /// The next resnet's slot.
    func nextResnetSlot() -> Int {
        defer { resnetCount += 1 }
        return resnetCount
    }

    /// The next attention layer's slot.
    func nextAttentionSlot() -> Int {
        defer { attentionCount += 1 }
        return attentionCount
    }
}
