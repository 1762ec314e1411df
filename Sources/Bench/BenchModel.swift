import DeepFloyd
import Diffusion
import EmojiModel
import NN
import Foundation

/// The IF stage I shapes the benchmark times: diffusers' configs of IF-I-M, IF-I-L and
/// IF-I-XL, which differ only in their widths.
struct BenchModel: Sendable {
    /// "IF-I-M", "IF-I-L" or "IF-I-XL".
    let name: String
    /// block_out_channels.
    let blockOutChannels: [Int]
    /// cross_attention_dim.
    let crossAttentionDim: Int

    static let medium = BenchModel(name: "IF-I-M", blockOutChannels: [192, 384, 576, 768], crossAttentionDim: 768)
    static let large = BenchModel(name: "IF-I-L", blockOutChannels: [320, 640, 960, 1280], crossAttentionDim: 1280)
    static let extraLarge = BenchModel(name: "IF-I-XL", blockOutChannels: [704, 1408, 2112, 2816], crossAttentionDim: 2816)
    static let all = [medium, large, extraLarge]

    /// The model named `name` (case-insensitive, "M", "L", "XL" or the full name).
    static func named(_ name: String) -> BenchModel? {
        all.first { $0.name.lowercased() == name.lowercased() || $0.name.lowercased() == "if-i-" + name.lowercased() }
    }

    /// The config.json diffusers publishes for this size (keys as in the checkpoint).
    var configJSON: Data {
        let channels = blockOutChannels.map(String.init).joined(separator: ", ")
        let text = """
        {
          "_class_name": "UNet2DConditionModel", "act_fn": "gelu", "addition_embed_type": "text",
          "addition_embed_type_num_heads": 64, "attention_head_dim": 64,
          "block_out_channels": [\(channels)], "cross_attention_dim": \(crossAttentionDim),
          "cross_attention_norm": "group_norm",
          "down_block_types": ["ResnetDownsampleBlock2D", "SimpleCrossAttnDownBlock2D", "SimpleCrossAttnDownBlock2D", "SimpleCrossAttnDownBlock2D"],
          "encoder_hid_dim": 4096, "encoder_hid_dim_type": "text_proj", "flip_sin_to_cos": true, "freq_shift": 0,
          "in_channels": 3, "layers_per_block": 3, "mid_block_type": "UNetMidBlock2DSimpleCrossAttn",
          "norm_eps": 1e-05, "norm_num_groups": 32, "out_channels": 6, "resnet_time_scale_shift": "scale_shift",
          "sample_size": 64,
          "up_block_types": ["SimpleCrossAttnUpBlock2D", "SimpleCrossAttnUpBlock2D", "SimpleCrossAttnUpBlock2D", "ResnetUpsampleBlock2D"]
        }
        """
        return Data(text.utf8)
    }

    /// The parsed config.
    func config() throws -> UNetConfig { try UNetConfig(json: configJSON, file: "\(name) config") }
}
