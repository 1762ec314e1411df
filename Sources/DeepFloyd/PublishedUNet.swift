import Foundation

/// DeepFloyd IF's published UNet shapes: diffusers' configs of IF-I-M, IF-I-L and IF-I-XL,
/// which differ only in their widths, and stage II's IF-II-L at 256x256. The benchmark times
/// them and the tests size memory decisions by them, without the weights.
public struct PublishedUNet: Sendable {
    /// "IF-I-M", "IF-I-L", "IF-I-XL" or "IF-II-L".
    public let name: String
    /// block_out_channels.
    public let blockOutChannels: [Int]
    /// cross_attention_dim.
    public let crossAttentionDim: Int
    /// 1 for stage I (64x64, 3 input channels), 2 for stage II (256x256, 6 input channels,
    /// the noise level as class label).
    public var stage = 1

    /// IF-I-M.
    public static let medium = PublishedUNet(name: "IF-I-M", blockOutChannels: [192, 384, 576, 768], crossAttentionDim: 768)
    /// IF-I-L.
    public static let large = PublishedUNet(name: "IF-I-L", blockOutChannels: [320, 640, 960, 1280], crossAttentionDim: 1280)
    /// IF-I-XL.
    public static let extraLarge = PublishedUNet(name: "IF-I-XL", blockOutChannels: [704, 1408, 2112, 2816], crossAttentionDim: 2816)
    /// IF-II-L as the reference describes its config (IF-II-M's is not known, so it is not
    /// guessed at): five levels, attention in the lowest two.
    public static let stageIILarge = PublishedUNet(name: "IF-II-L", blockOutChannels: [160, 320, 640, 960, 1280], crossAttentionDim: 1280, stage: 2)
    /// Every published shape, stage I by width, then stage II.
    public static let all = [medium, large, extraLarge, stageIILarge]

    /// The model named `name` (case-insensitive, "M", "L", "XL", "II-L" or the full name).
    public static func named(_ name: String) -> PublishedUNet? {
        all.first { $0.name.lowercased() == name.lowercased() || $0.name.lowercased() == "if-" + name.lowercased()
            || $0.name.lowercased() == "if-i-" + name.lowercased() }
    }

    /// The config.json diffusers publishes for this size (keys as in the checkpoint).
    public var configJSON: Data {
        let channels = blockOutChannels.map(String.init).joined(separator: ", ")
        if stage == 2 {
            return Data("""
            {
              "_class_name": "UNet2DConditionModel", "act_fn": "gelu", "addition_embed_type": "text",
              "addition_embed_type_num_heads": 64, "attention_head_dim": 64,
              "block_out_channels": [\(channels)], "class_embed_type": "timestep", "cross_attention_dim": \(crossAttentionDim),
              "cross_attention_norm": "group_norm",
              "down_block_types": ["ResnetDownsampleBlock2D", "ResnetDownsampleBlock2D", "ResnetDownsampleBlock2D", "SimpleCrossAttnDownBlock2D", "SimpleCrossAttnDownBlock2D"],
              "encoder_hid_dim": 4096, "encoder_hid_dim_type": "text_proj", "flip_sin_to_cos": true, "freq_shift": 0,
              "in_channels": 6, "layers_per_block": [2, 2, 3, 5, 5], "mid_block_scale_factor": 1.4142271248762552,
              "mid_block_type": "UNetMidBlock2DSimpleCrossAttn", "norm_eps": 1e-05, "norm_num_groups": 32, "out_channels": 6,
              "resnet_out_scale_factor": 1.4142271248762552, "resnet_skip_time_act": true, "resnet_time_scale_shift": "scale_shift",
              "sample_size": 256,
              "up_block_types": ["SimpleCrossAttnUpBlock2D", "SimpleCrossAttnUpBlock2D", "ResnetUpsampleBlock2D", "ResnetUpsampleBlock2D", "ResnetUpsampleBlock2D"]
            }
            """.utf8)
        }
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
    public func config() throws -> UNetConfig { try UNetConfig(json: configJSON, file: "\(name) config") }
}
