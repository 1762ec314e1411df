import Diffusion
import Tensor
import EmojiModel

/// Small synthetic sets for the built-in model's tests: 8x8 images, so debug builds stay fast.
enum BuiltinTestSets {
    /// `count` random images of `side` x `side` in [-1, 1], captioned "item 0", "item 1", ...
    static func random(count: Int, side: Int = 8, seed: UInt64 = 1) throws -> EmojiSet {
        var random = SeededRandom(seed: seed)
        let values = (0..<(count * 3 * side * side)).map { _ in Float(random.nextUniform() * 2 - 1) }
        let items = (0..<count).map { EmojiSet.Item(caption: "item \($0)") }
        return try EmojiSet(images: Tensor(shape: [count, 3, side, side], scalars: values),
                            items: items, atlasSHA256: "test")
    }

    /// A set whose items carry `captions` (and optional keywords), with random pixels.
    static func captioned(_ captions: [(String, [String])], side: Int = 8) throws -> EmojiSet {
        let base = try random(count: captions.count, side: side)
        let items = captions.map { EmojiSet.Item(caption: $0.0, keywords: $0.1) }
        return try EmojiSet(images: base.images, items: items, atlasSHA256: "test")
    }

    /// Image `i` of `set` as a `[1, 3, S, S]` batch.
    static func image(_ i: Int, of set: EmojiSet) -> Tensor {
        let plane = 3 * set.side * set.side
        return Tensor(shape: [1, 3, set.side, set.side],
                      scalars: Array(set.images.scalars[(i * plane)..<((i + 1) * plane)]))
    }

    /// The clean estimate a denoiser's noise prediction implies: `(x_t - sqrt(1 - abar) eps) / sqrt(abar)`.
    static func clean(_ x: Tensor, noise: Tensor, alphaBar: Float) -> Tensor {
        Tensor.linearCombination(1 / alphaBar.squareRoot(), x, -((1 - alphaBar) / alphaBar).squareRoot(), noise)
    }
}
