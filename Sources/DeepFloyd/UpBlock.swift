import Tensor
import Diffusion
import NN

/// One level of the up path (`SimpleCrossAttnUpBlock2D` or `ResnetUpsampleBlock2D`):
/// `layers + 1` resnets, each taking the running features concatenated with a popped skip
/// (features first), followed by attention in the attention variant; then an upsampling
/// resnet except at the last level.
struct UpBlock: Sendable {
    let resnets: [ResnetBlock]
    /// Empty for the resnet-only variant.
    let attentions: [AddedKVAttention]
    let upsampler: ResnetBlock?

    /// Up block `i` (0 = lowest resolution), fed `previousChannels` from below.
    init(_ builder: UNetBuilder, index i: Int, previousChannels: Int) throws {
        let c = builder.config
        let name = "up_blocks.\(i)"
        let levels = c.blockOutChannels.count
        let reversed = Array(c.blockOutChannels.reversed())
        let channels = reversed[i]
        let inputChannels = reversed[Swift.min(i + 1, levels - 1)]
        let layers = c.layersPerBlock.reversed()[i] + 1
        var resnets = [ResnetBlock](), attentions = [AddedKVAttention]()
        for j in 0..<layers {
            let skipChannels = j == layers - 1 ? inputChannels : channels
            let runningChannels = j == 0 ? previousChannels : channels
            resnets.append(try ResnetBlock(builder, "\(name).resnets.\(j)", inChannels: runningChannels + skipChannels,
                                           outChannels: channels, outputScaleFactor: c.resnetOutScaleFactor))
            if c.upBlockTypes[i] == .simpleCrossAttention {
                // diffusers takes attention_head_dim[i] here, by position, not reversed.
                attentions.append(try AddedKVAttention(builder, "\(name).attentions.\(j)", channels: channels,
                                                       headDim: c.attentionHeadDim[i]))
            }
        }
        self.resnets = resnets
        self.attentions = attentions
        upsampler = i == levels - 1 ? nil
            : try ResnetBlock(builder, "\(name).upsamplers.0", inChannels: channels, outChannels: channels,
                              resample: .up, outputScaleFactor: c.resnetOutScaleFactor)
    }

    /// All resnets, in order.
    var allResnets: [ResnetBlock] { resnets + (upsampler.map { [$0] } ?? []) }

    /// `h` `[B, Cprev, h, w]` -> `[B, C, 2h, 2w]` (or `[B, C, h, w]` at the last level),
    /// popping one skip per resnet.
    func callAsFunction(_ h: Tensor, _ conditioning: Conditioning, skips: inout [Tensor]) throws -> Tensor {
        var h = h
        for (j, resnet) in resnets.enumerated() {
            guard let skip = skips.popLast() else {
                throw DiffusionError.invalidInput(what: "UNet forward", reason: "skip stack exhausted at \(resnet.slot)")
            }
            h = try Tensor.concatenate([h, skip], axis: 1)
            h = try resnet(h, timeProjection: conditioning.timeProjections[resnet.slot])
            if j < attentions.count {
                let attention = attentions[j]
                h = try attention(h, textKeys: conditioning.text.keys[attention.slot],
                                  textValues: conditioning.text.values[attention.slot])
            }
        }
        if let upsampler {
            h = try upsampler(h, timeProjection: conditioning.timeProjections[upsampler.slot])
        }
        return h
    }
}
