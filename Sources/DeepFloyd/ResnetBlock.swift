import Tensor
import Diffusion
import NN

/// diffusers' `ResnetBlock2D` as IF uses it: pre-norm, time embedding as scale and shift
/// (or added, for "default"), optional 2x down/up resampling inside, 1x1 shortcut when
/// the channel count changes.
struct ResnetBlock: Sendable {
    /// Resampling applied to both branches after the first activation.
    enum Resample: Sendable { case none, down, up }

    let norm1: GroupNorm
    let conv1: Conv2D
    let timeEmbProj: Linear
    let norm2: GroupNorm
    let conv2: Conv2D
    let convShortcut: Conv2D?
    let resample: Resample
    let activation: UNetConfig.Activation
    let scaleShift: Bool
    let skipTimeActivation: Bool
    let outputScaleFactor: Float
    let outChannels: Int
    /// This block's index in `Conditioning.timeProjections`.
    let slot: Int

    init(_ builder: UNetBuilder, _ name: String, inChannels: Int, outChannels: Int,
         resample: Resample = .none, outputScaleFactor: Float) throws {
        let c = builder.config, loader = builder.loader
        norm1 = try GroupNorm(loader, name + ".norm1", channels: inChannels, groups: c.normNumGroups, eps: c.normEps)
        conv1 = try Conv2D(loader, name + ".conv1", inChannels: inChannels, outChannels: outChannels, kernel: 3)
        timeEmbProj = try Linear(loader, name + ".time_emb_proj", inFeatures: c.timeEmbedDim,
                                 outFeatures: c.scaleShift ? 2 * outChannels : outChannels)
        norm2 = try GroupNorm(loader, name + ".norm2", channels: outChannels, groups: c.normNumGroups, eps: c.normEps)
        conv2 = try Conv2D(loader, name + ".conv2", inChannels: outChannels, outChannels: outChannels, kernel: 3)
        convShortcut = inChannels == outChannels ? nil
            : try Conv2D(loader, name + ".conv_shortcut", inChannels: inChannels, outChannels: outChannels, kernel: 1)
        self.resample = resample
        activation = c.activation
        scaleShift = c.scaleShift
        skipTimeActivation = c.resnetSkipTimeActivation
        self.outputScaleFactor = outputScaleFactor
        self.outChannels = outChannels
        slot = builder.nextResnetSlot()
    }

    /// time_emb_proj(act(emb)): `[B, E]` -> `[B, 2 Cout]` (scale then shift) or `[B, Cout]`.
    /// Depends only on (text, t), so it is computed once per step in `Conditioning`.
    func timeProjection(_ embedding: Tensor) throws -> Tensor {
        var e = embedding
        if !skipTimeActivation { activation.apply(&e) }
        return try timeEmbProj(e)
    }

    /// `x` `[B, Cin, H, W]` with this block's time projection -> `[B, Cout, H', W']`.
    ///
    /// Each group norm is handed to the convolution after it as a per-channel map, which
    /// Winograd applies while it transforms its input: the normalised tensors are never
    /// written out and read back (except where resampling comes between).
    func callAsFunction(_ x: Tensor, timeProjection: Tensor) throws -> Tensor {
        var input = x
        let act = activation.pointwise
        var h: Tensor
        switch resample {
        case .none:
            h = try conv1(x, inputAffine: norm1.affine(x, scaleShift: nil, activation: act))
        case .down:
            h = try conv1(norm1(x, scaleShift: nil, activation: act).averagePooled2x2())
            input = try input.averagePooled2x2()
        case .up:
            h = try conv1(norm1(x, scaleShift: nil, activation: act).upsampledNearest2x())
            input = try input.upsampledNearest2x()
        }
        if scaleShift {
            // GN, h * (1 + scale) + shift per (batch item, channel), activation: one map.
            h = try conv2(h, inputAffine: norm2.affine(h, scaleShift: timeProjection, activation: act))
        } else {
            ResnetBlock.modulate(&h, by: timeProjection, channels: outChannels, scaleShift: false)
            h = try conv2(h, inputAffine: norm2.affine(h, scaleShift: nil, activation: act))
        }
        if let convShortcut { input = try convShortcut(input) }
        // Into h, the convolution's own buffer: the input's is often still the caller's (a
        // skip it keeps), and adding into it would first copy it on one core. The sum is the
        // same either way round.
        try h.addInPlace(input, thenScale: 1 / outputScaleFactor)
        return h
    }

    /// `h` `[B, C, H, W]` modulated per (b, c): with `scaleShift`, `h (1 + p[b, c]) + p[b, C + c]`
    /// (`p` `[B, 2C]`); otherwise `h + p[b, c]` (`p` `[B, C]`).
    private static func modulate(_ h: inout Tensor, by p: Tensor, channels: Int, scaleShift: Bool) {
        let batch = h.shape[0]
        let spatial = h.count / Swift.max(batch * channels, 1)
        let width = p.shape[1]
        let params = p.scalars
        h.scalars.withUnsafeMutableBufferPointer { buffer in
            for b in 0..<batch {
                for c in 0..<channels {
                    let scale: Float = scaleShift ? 1 + params[b * width + c] : 1
                    let shift = scaleShift ? params[b * width + channels + c] : params[b * width + c]
                    let start = (b * channels + c) * spatial
                    for i in start..<(start + spatial) { buffer[i] = buffer[i] * scale + shift }
                }
            }
        }
    }
}
