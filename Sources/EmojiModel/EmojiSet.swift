import Foundation
import Tensor
import Diffusion
import JSON

/// The built-in model's training set: small square colour images with captions (the Noto
/// colour emoji of `Models/emoji/`, made by `tools/emoji/make_emoji_set.py`).
///
/// The set never reads files: the caller decodes `atlas.png` (with Imaging) and passes the
/// pixels and the bytes of `captions.json`. Images are kept in the model's range [-1, 1].
public struct EmojiSet: Sendable {
    /// The images, `[N, 3, S, S]` in [-1, 1].
    public let images: Tensor
    /// One entry per image, in the images' order.
    public let items: [Item]
    /// The SHA-256 (lower-case hex) of the atlas PNG the images came from, as recorded in
    /// `captions.json`; the caller checks it against the file it decoded.
    public let atlasSHA256: String

    /// The number of images (N).
    public var count: Int { items.count }
    /// The side of each square image in pixels (S).
    public var side: Int { images.shape[3] }

    /// A set from explicit images (`[N, 3, S, S]` in [-1, 1]) and their items.
    public init(images: Tensor, items: [Item], atlasSHA256: String) throws {
        guard images.rank == 4, images.shape[1] == 3, images.shape[2] == images.shape[3],
              images.shape[2] > 0 else {
            throw DiffusionError.invalidInput(what: "emoji set images",
                                              reason: "expected [N, 3, S, S], got \(Tensor.format(images.shape))")
        }
        guard images.shape[0] == items.count, !items.isEmpty else {
            throw DiffusionError.invalidInput(what: "emoji set",
                                              reason: "\(images.shape[0]) images but \(items.count) captions")
        }
        self.images = images
        self.items = items
        self.atlasSHA256 = atlasSHA256
    }

    /// The set held in an atlas and its captions file.
    ///
    /// - Parameters:
    ///   - atlas: the decoded atlas, `[3, H, W]` in [0, 1], tiles laid out row-major.
    ///   - captionsJSON: the bytes of `captions.json` (`tile`, `columns`, `count`,
    ///     `atlasSHA256` and `items` with `index`, `codepoints`, `caption`, `keywords`).
    ///   - file: the captions file's name, for error messages.
    public init(atlas: Tensor, captionsJSON: Data, file: String = "captions.json") throws {
        let manifest = try Manifest(json: [UInt8](captionsJSON), file: file)
        let (tile, columns) = (manifest.tile, manifest.columns)
        guard tile > 0, columns > 0 else {
            throw ConfigError(file: file, key: "tile", reason: "tile \(tile) and columns \(columns) must be positive")
        }
        guard manifest.count == manifest.items.count, manifest.count > 0 else {
            throw ConfigError(file: file, key: "count",
                                               reason: "says \(manifest.count) but lists \(manifest.items.count) items")
        }
        for (position, item) in manifest.items.enumerated() where item.index != position {
            throw ConfigError(file: file, key: "items",
                                               reason: "item at position \(position) has index \(item.index)")
        }
        let rows = (manifest.count + columns - 1) / columns
        guard atlas.rank == 3, atlas.shape[0] == 3,
              atlas.shape[1] >= rows * tile, atlas.shape[2] >= columns * tile else {
            throw DiffusionError.invalidInput(
                what: "emoji atlas",
                reason: "expected [3, >=\(rows * tile), >=\(columns * tile)] for \(manifest.count) tiles of \(tile), got \(Tensor.format(atlas.shape))")
        }
        let images = EmojiSet.cutTiles(atlas, count: manifest.count, tile: tile, columns: columns)
        let items = manifest.items.map {
            Item(codepoints: $0.codepoints, caption: $0.caption, keywords: $0.keywords)
        }
        try self.init(images: images, items: items, atlasSHA256: manifest.atlasSHA256)
    }

    /// The captions listed in a `captions.json`, in item order, without decoding the atlas.
    public static func captions(json: Data, file: String = "captions.json") throws -> [String] {
        try Manifest(json: [UInt8](json), file: file).items.map(\.caption)
    }

    /// Tiles of `atlas` (`[3, H, W]` in [0, 1]) as `[count, 3, tile, tile]` in [-1, 1].
    private static func cutTiles(_ atlas: Tensor, count: Int, tile: Int, columns: Int) -> Tensor {
        let (height, width) = (atlas.shape[1], atlas.shape[2])
        let plane = tile * tile
        var out = [Float](repeating: 0, count: count * 3 * plane)
        atlas.scalars.withUnsafeBufferPointer { src in
            for n in 0..<count {
                let (top, left) = ((n / columns) * tile, (n % columns) * tile)
                for c in 0..<3 {
                    for y in 0..<tile {
                        let from = (c * height + top + y) * width + left
                        let to = ((n * 3 + c) * tile + y) * tile
                        for x in 0..<tile { out[to + x] = src[from + x] * 2 - 1 }
                    }
                }
            }
        }
        return Tensor(shape: [count, 3, tile, tile], scalars: out)
    }

    /// The layout of `captions.json`, read with the project's one JSON reader; a missing or
    /// mistyped key is an error naming the file and key.
    private struct Manifest {
        struct Entry {
            var index: Int
            var codepoints: String
            var caption: String
            var keywords: [String]
        }
        var tile: Int
        var columns: Int
        var count: Int
        var atlasSHA256: String
        var items: [Entry]

        init(json bytes: [UInt8], file: String) throws {
            let keys = try ConfigKeys(json: bytes, file: file)
            tile = try Manifest.required(keys, "tile", keys.int)
            columns = try Manifest.required(keys, "columns", keys.int)
            count = try Manifest.required(keys, "count", keys.int)
            atlasSHA256 = try Manifest.required(keys, "atlasSHA256", keys.string)
            guard case let .array(values)? = keys.value("items") else {
                throw keys.invalid("items", "expected an array of items")
            }
            items = try values.enumerated().map { position, value in
                guard case let .object(pairs) = value else {
                    throw keys.invalid("items", "item at position \(position) is not an object")
                }
                let item = ConfigKeys(Dictionary(pairs, uniquingKeysWith: { first, _ in first }), file: "\(file) items[\(position)]")
                return Entry(index: try Manifest.required(item, "index", item.int),
                             codepoints: try Manifest.required(item, "codepoints", item.string),
                             caption: try Manifest.required(item, "caption", item.string),
                             keywords: try Manifest.required(item, "keywords", item.strings))
            }
        }

        private static func required<T>(_ keys: ConfigKeys, _ key: String, _ read: (String) throws -> T?) throws -> T {
            guard let value = try read(key) else { throw keys.invalid(key, "missing") }
            return value
        }
    }
}
