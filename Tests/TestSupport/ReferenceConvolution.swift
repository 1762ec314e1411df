import Tensor

/// The 3x3 convolution with padding 1 by its definition, summed in Double: the reference the
/// convolution algorithms and kernels are measured against. `x` `[B, Cin, H, W]`,
/// `w` `[Cout, Cin, 3, 3]`, `bias` `[Cout]` or none; the result is `[B, Cout, H, W]` flattened.
public func referenceConvolution3x3(_ x: Tensor, _ w: Tensor, bias: Tensor? = nil) -> [Double] {
    let (batch, cin, h, wd, cout) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[0])
    let xs = x.scalars.map(Double.init), ws = w.scalars.map(Double.init)
    var out = [Double](repeating: 0, count: batch * cout * h * wd)
    for b in 0..<batch {
        for co in 0..<cout {
            let first = (b * cout + co) * h * wd
            if let bias {
                for i in 0..<(h * wd) { out[first + i] = Double(bias.scalars[co]) }
            }
            // Channel by channel, so each 3x3 kernel is read once per plane.
            for ci in 0..<cin {
                let plane = (b * cin + ci) * h * wd, kernel = (co * cin + ci) * 9
                for y in 0..<h {
                    for xx in 0..<wd {
                        var s = 0.0
                        for ky in 0..<3 {
                            let iy = y + ky - 1
                            guard iy >= 0, iy < h else { continue }
                            for kx in 0..<3 {
                                let ix = xx + kx - 1
                                guard ix >= 0, ix < wd else { continue }
                                s += xs[plane + iy * wd + ix] * ws[kernel + ky * 3 + kx]
                            }
                        }
                        out[first + y * wd + xx] += s
                    }
                }
            }
        }
    }
    return out
}
