import Tensor
import Diffusion
import NN

/// One level of the down path (`ResnetDownsampleBlock2D` or `SimpleCrossAttnDownBlock2D`):
/// resnets, each followed by attention in the attention variant, then a downsampling
/// resnet except at the last level. Every output is pushed on the skip stack.
struct DownBlock: Sendable {
    let resnets: [ResnetBlock]
    /// Empty for the resnet-only variant.
    let attentions: [AddedKVAttention]
    let downsampler: ResnetBlock?

    init(_ builder: UNetBuilder, index i: Int, inChannels: Int) throws {
        let c = builder.config
        let name = "down_blocks.\(i)"
        let channels = c.blockOutChannels[i]
        var resnets = [ResnetBlock](), attentions = [AddedKVAttention]()
        for j in 0..<c.layersPerBlock[i] {
            resnets.append(try ResnetBlock(builder, "\(name).resnets.\(j)", inChannels: j == 0 ? inChannels : channels,
                                           outChannels: channels, outputScaleFactor: c.resnetOutScaleFactor))
            if c.downBlockTypes[i] == .simpleCrossAttention {
                attentions.append(try AddedKVAttention(builder, "\(name).attentions.\(j)", channels: channels,
                                                       headDim: c.attentionHeadDim[i]))
            }
        }
        self.resnets = resnets
        self.attentions = attentions
        downsampler = i == c.blockOutChannels.count - 1 ? nil
            : try ResnetBlock(builder, "\(name).downsamplers.0", inChannels: channels, outChannels: channels,
                              resample: .down, outputScaleFactor: c.resnetOutScaleFactor)
    }

    /// All resnets, in order.
    var allResnets: [ResnetBlock] { resnets + (downsampler.map { [$0] } ?? []) }

    /// `h` `[B, Cin, H, W]` -> `[B, C, H/2, W/2]` (or `[B, C, H, W]` at the last level),
    /// pushing each intermediate output on `skips`.
    func callAsFunction(_ h: Tensor, _ conditioning: Conditioning, skips: inout [Tensor]) throws -> Tensor {
        var h = h
        for (j, resnet) in resnets.enumerated() {
            h = try resnet(h, timeProjection: conditioning.timeProjections[resnet.slot])
            if j < attentions.count {
                let attention = attentions[j]
                h = try attention(h, textKeys: conditioning.text.keys[attention.slot],
                                  textValues: conditioning.text.values[attention.slot])
            }
            skips.append(h)
        }
        if let downsampler {
            h = try downsampler(h, timeProjection: conditioning.timeProjections[downsampler.slot])
            skips.append(h)
        }
        return h
    }
}
