/// Spatial resampling of `[B, C, H, W]` batches by a factor of two.
extension Tensor {
    /// 2x2 average pooling with stride 2 (odd trailing rows/columns dropped, like
    /// PyTorch's `avg_pool2d`): `[B, C, H, W]` -> `[B, C, H/2, W/2]`.
    public func averagePooled2x2() throws -> Tensor {
        guard rank == 4 else { throw TensorError.invalidArgument("averagePooled2x2 needs [B, C, H, W], got \(Tensor.format(shape))") }
        let (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3])
        let (ho, wo) = (h / 2, w / 2)
        let out = [Float](writtenWhole: planes * ho * wo) { dst in
            scalars.withUnsafeBufferPointer { ip in
                guard let src = ip.baseAddress else { return }
                let s = SharedPointer(base: src), d = SharedMutablePointer(base: dst)
                Parallel.forEach(planes, costPerItem: h * w) { p in
                    let plane = s.base + p * h * w
                    let target = d.base + p * ho * wo
                    for y in 0..<ho {
                        let r0 = plane + 2 * y * w, r1 = r0 + w
                        for x in 0..<wo {
                            target[y * wo + x] = (r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1]) * 0.25
                        }
                    }
                }
            }
        }
        return Tensor(shape: [shape[0], shape[1], ho, wo], scalars: out)
    }

    /// Nearest-neighbour upsampling by two: `[B, C, H, W]` -> `[B, C, 2H, 2W]`.
    public func upsampledNearest2x() throws -> Tensor {
        guard rank == 4 else { throw TensorError.invalidArgument("upsampledNearest2x needs [B, C, H, W], got \(Tensor.format(shape))") }
        let (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3])
        let (ho, wo) = (2 * h, 2 * w)
        let out = [Float](writtenWhole: planes * ho * wo) { dst in
            scalars.withUnsafeBufferPointer { ip in
                guard let src = ip.baseAddress else { return }
                let s = SharedPointer(base: src), d = SharedMutablePointer(base: dst)
                Parallel.forEach(planes, costPerItem: ho * wo) { p in
                    let plane = s.base + p * h * w
                    let target = d.base + p * ho * wo
                    for y in 0..<h {
                        let row = target + 2 * y * wo
                        for x in 0..<w {
                            let v = plane[y * w + x]
                            row[2 * x] = v
                            row[2 * x + 1] = v
                        }
                        (row + wo).update(from: row, count: wo)
                    }
                }
            }
        }
        return Tensor(shape: [shape[0], shape[1], ho, wo], scalars: out)
    }
}
