import DeepFloyd
import Diffusion
import EmojiModel
import NN

/// The arithmetic of one UNet forward as direct convolution and plain matrix products
/// would do it (FLOPs = 2 x multiply-adds), walked from the config the way the UNet runs.
/// This is the yardstick for "achieved GFLOP/s", whatever algorithm actually runs.
struct ForwardCost {
    let config: UNetConfig
    let side: Int
    let tokens: Int

    /// Total FLOPs at batch 1; everything in the pass scales linearly with the batch.
    var flopsPerItem: Double {
        let c = config
        var total = 0.0
        var hw = Double(side * side)
        func conv(_ cin: Int, _ cout: Int, _ k: Int, _ positions: Double) -> Double { 2 * Double(cout * cin * k * k) * positions }
        func linear(_ rows: Double, _ inWidth: Int, _ outWidth: Int) -> Double { 2 * rows * Double(inWidth * outWidth) }
        func resnet(_ cin: Int, _ cout: Int, _ positions: Double) -> Double {
            conv(cin, cout, 3, positions) + conv(cout, cout, 3, positions) + (cin == cout ? 0 : conv(cin, cout, 1, positions))
                + linear(1, c.timeEmbedDim, 2 * cout)
        }
        func attention(_ ch: Int, _ positions: Double) -> Double {
            let l = Double(tokens)
            return 4 * linear(positions, ch, ch) + 2 * linear(l, c.crossAttentionDim, ch)
                + 2 * 2 * positions * (l + positions) * Double(ch)            // q k^T and weights x v
        }
        let c0 = c.blockOutChannels[0], e = c.timeEmbedDim, text = c.textEmbedDim
        total += linear(1, c0, e) + linear(1, e, e)                          // time embedding
        if c.textPoolingHeads != nil {                                       // add_embedding pooling
            total += linear(1, text, text) + 2 * linear(Double(tokens + 1), text, text) + linear(1, text, e)
        }
        if let hid = c.encoderHidDim { total += linear(Double(tokens), hid, c.crossAttentionDim) }
        total += conv(c.inChannels, c0, c.convInKernel, hw)
        var channels = c0
        var skips = [c0]
        let levels = c.blockOutChannels.count
        for (i, out) in c.blockOutChannels.enumerated() {
            for _ in 0..<c.layersPerBlock[i] {
                total += resnet(channels, out, hw)
                channels = out
                if c.downBlockTypes[i] == .simpleCrossAttention { total += attention(out, hw) }
                skips.append(out)
            }
            if i < levels - 1 {
                hw /= 4
                total += resnet(out, out, hw)
                skips.append(out)
            }
        }
        total += 2 * resnet(channels, channels, hw) + attention(channels, hw)
        for (i, out) in c.blockOutChannels.reversed().enumerated() {
            for _ in 0...c.layersPerBlock.reversed()[i] {
                let skip = skips.removeLast()
                total += resnet(channels + skip, out, hw)
                channels = out
                if c.upBlockTypes[i] == .simpleCrossAttention { total += attention(out, hw) }
            }
            if i < levels - 1 {
                hw *= 4
                total += resnet(out, out, hw)
            }
        }
        total += conv(c0, c.outChannels, c.convOutKernel, hw)
        return total
    }
}
