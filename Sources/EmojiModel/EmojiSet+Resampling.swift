import Tensor
import Diffusion

extension EmojiSet {
    /// The images at indices `indices` (in that order), with their items.
    public func subset(_ indices: [Int]) throws -> EmojiSet {
        let plane = 3 * side * side
        var values = [Float]()
        values.reserveCapacity(indices.count * plane)
        for i in indices {
            guard i >= 0 && i < count else {
                throw DiffusionError.invalidInput(what: "emoji subset", reason: "index \(i) is outside 0..<\(count)")
            }
            values.append(contentsOf: images.scalars[(i * plane)..<((i + 1) * plane)])
        }
        return try EmojiSet(images: Tensor(shape: [indices.count, 3, side, side], scalars: values),
                            items: indices.map { items[$0] }, atlasSHA256: atlasSHA256)
    }

    /// The set at `side / factor` pixels, each pixel the mean of a `factor x factor` block
    /// (a cheaper model for quick drafts: 32x32 costs a quarter of 64x64).
    public func downsampled(by factor: Int) throws -> EmojiSet {
        guard factor >= 1, side % factor == 0 else {
            throw DiffusionError.invalidInput(what: "emoji set downsampling",
                                              reason: "factor \(factor) does not divide the side \(side)")
        }
        if factor == 1 { return self }
        let small = side / factor
        let scale = 1 / Float(factor * factor)
        var values = [Float](repeating: 0, count: count * 3 * small * small)
        images.scalars.withUnsafeBufferPointer { src in
            for plane in 0..<(count * 3) {
                for y in 0..<small {
                    for x in 0..<small {
                        var sum: Float = 0
                        for dy in 0..<factor {
                            let row = (plane * side + y * factor + dy) * side + x * factor
                            for dx in 0..<factor { sum += src[row + dx] }
                        }
                        values[(plane * small + y) * small + x] = sum * scale
                    }
                }
            }
        }
        return try EmojiSet(images: Tensor(shape: [count, 3, small, small], scalars: values),
                            items: items, atlasSHA256: atlasSHA256)
    }
}
