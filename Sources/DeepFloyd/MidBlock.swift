import Tensor
import Diffusion
import NN
import JSON

/// `UNetMidBlock2DSimpleCrossAttn`: resnet, attention, resnet at the lowest resolution.
struct MidBlock: Sendable {
    let resnets: [ResnetBlock]
    let attentions: [AddedKVAttention]

    init(_ builder: UNetBuilder) throws {
        let c = builder.config
        guard let channels = c.blockOutChannels.last, let headDim = c.attentionHeadDim.last else {
            throw ConfigError(file: "config.json", key: "block_out_channels", reason: "must not be empty")
        }
        // Construction order fixes the slots: resnets.0, attentions.0, resnets.1.
        let first = try ResnetBlock(builder, "mid_block.resnets.0", inChannels: channels, outChannels: channels,
                                    outputScaleFactor: c.midBlockScaleFactor)
        let attention = try AddedKVAttention(builder, "mid_block.attentions.0", channels: channels, headDim: headDim)
        let second = try ResnetBlock(builder, "mid_block.resnets.1", inChannels: channels, outChannels: channels,
                                     outputScaleFactor: c.midBlockScaleFactor)
        resnets = [first, second]
        attentions = [attention]
    }

    /// `[B, C, h, w]`, same shape out.
    func callAsFunction(_ h: Tensor, _ conditioning: Conditioning) throws -> Tensor {
        var h = try resnets[0](h, timeProjection: conditioning.timeProjections[resnets[0].slot])
        for (attention, resnet) in zip(attentions, resnets.dropFirst()) {
            h = try attention(h, textKeys: conditioning.text.keys[attention.slot],
                              textValues: conditioning.text.values[attention.slot])
            h = try resnet(h, timeProjection: conditioning.timeProjections[resnet.slot])
        }
        return h
    }
}
