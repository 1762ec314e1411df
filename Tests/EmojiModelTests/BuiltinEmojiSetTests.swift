import XCTest
import Foundation
import Diffusion
import Tensor
import EmojiModel

/// Reading the set from an atlas and captions, and the committed data's integrity.
final class BuiltinEmojiSetTests: XCTestCase {
    /// A 2-column atlas of three 2x2 tiles whose pixel values encode (tile, channel, y, x).
    func syntheticAtlas() -> Tensor {
        Tensor(shape: [3, 4, 4]) { flat in
            let (c, y, x) = (flat / 16, (flat / 4) % 4, flat % 4)
            let tile = (y / 2) * 2 + x / 2
            return Float(tile * 16 + c * 4 + (y % 2) * 2 + x % 2) / 64
        }
    }

    func captionsJSON(count: Int = 3, tile: Int = 2) -> Data {
        let items = (0..<count).map {
            "{\"index\": \($0), \"codepoints\": \"1F4\(30 + $0)\", \"caption\": \"thing \($0)\", \"keywords\": [\"k\($0)\"]}"
        }
        return Data("""
        {"tile": \(tile), "columns": 2, "count": \(count), "atlasSHA256": "abc",
         "items": [\(items.joined(separator: ","))]}
        """.utf8)
    }

    func testCutsTilesInRowMajorOrderAndRescalesToModelRange() throws {
        let set = try EmojiSet(atlas: syntheticAtlas(), captionsJSON: captionsJSON())
        XCTAssertEqual(set.images.shape, [3, 3, 2, 2])
        XCTAssertEqual(set.count, 3)
        XCTAssertEqual(set.atlasSHA256, "abc")
        XCTAssertEqual(set.items[2].caption, "thing 2")
        XCTAssertEqual(set.items[2].keywords, ["k2"])
        for n in 0..<3 {
            for c in 0..<3 {
                for y in 0..<2 {
                    for x in 0..<2 {
                        let expected = Float(n * 16 + c * 4 + y * 2 + x) / 64 * 2 - 1
                        XCTAssertEqual(set.images[n, c, y, x], expected, accuracy: 1e-6)
                    }
                }
            }
        }
    }

    func testRejectsInconsistentCaptionsAndAtlas() {
        XCTAssertThrowsError(try EmojiSet(atlas: syntheticAtlas(), captionsJSON: Data("{}".utf8)))
        XCTAssertThrowsError(try EmojiSet(atlas: syntheticAtlas(), captionsJSON: captionsJSON(count: 5))) { error in
            XCTAssertTrue("\(error)".contains("emoji atlas"), "\(error)")
        }
        XCTAssertThrowsError(try EmojiSet(atlas: syntheticAtlas(), captionsJSON: captionsJSON(tile: 3)))
    }

    func testDownsamplingAveragesBlocksAndSubsetKeepsOrder() throws {
        let set = try EmojiSet(atlas: syntheticAtlas(), captionsJSON: captionsJSON())
        let small = try set.downsampled(by: 2)
        XCTAssertEqual(small.images.shape, [3, 3, 1, 1])
        // The mean of the four pixels of tile 1, channel 2.
        let pixels: [Float] = [0, 1, 2, 3].map { (Float(16 + 8) + Float($0)) / 64 * 2 - 1 }
        let mean = pixels.reduce(0, +) / 4
        XCTAssertEqual(small.images[1, 2, 0, 0], mean, accuracy: 1e-6)
        XCTAssertThrowsError(try set.downsampled(by: 3))
        let subset = try set.subset([2, 0])
        XCTAssertEqual(subset.items.map(\.caption), ["thing 2", "thing 0"])
        XCTAssertEqual(subset.images[0, 1, 1, 1], set.images[2, 1, 1, 1])
    }

    func testItemSpellsItsCharacter() {
        XCTAssertEqual(EmojiSet.Item(codepoints: "1F436", caption: "dog face").character, "\u{1F436}")
        XCTAssertEqual(EmojiSet.Item(codepoints: "1F3F3 FE0F 200D 1F308", caption: "rainbow flag").character,
                       "\u{1F3F3}\u{FE0F}\u{200D}\u{1F308}")
    }

    /// The committed captions file (made by tools/emoji/make_emoji_set.py) parses, lists
    /// as many items as it says, and matches the course's prompts.
    func testCommittedCaptionsMatchTheCoursePrompts() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let url = root.appendingPathComponent("Models/emoji/captions.json")
        guard let data = try? Data(contentsOf: url) else { throw XCTSkip("no \(url.path)") }
        struct Manifest: Decodable {
            struct Entry: Decodable { var caption: String; var keywords: [String] }
            var count: Int
            var items: [Entry]
            var atlasSHA256: String
        }
        let manifest = try JSONDecoder().decode(Manifest.self, from: data)
        XCTAssertEqual(manifest.items.count, manifest.count)
        XCTAssertGreaterThan(manifest.count, 1500)
        XCTAssertEqual(manifest.atlasSHA256.count, 64)
        let items = manifest.items.map { EmojiSet.Item(caption: $0.caption, keywords: $0.keywords) }
        let matcher = PromptMatcher(items: items)
        let dog = matcher.match("a photo of a dog").indices.map { items[$0].caption }
        XCTAssertTrue(dog.contains("dog face"), "\(dog)")
        XCTAssertFalse(dog.contains("hot dog"), "\(dog)")
        XCTAssertEqual(matcher.match("an oil painting of an old man").indices.map { items[$0].caption }, ["old man"])
        XCTAssertTrue(matcher.match("a lithograph of a skull").indices.map { items[$0].caption }.contains("skull"))
        XCTAssertTrue(matcher.match("a high quality photo").isUnconditional)
    }
}
