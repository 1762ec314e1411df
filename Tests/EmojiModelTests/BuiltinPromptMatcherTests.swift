import XCTest
import Diffusion
import EmojiModel

/// Prompt matching: which captions a prompt selects, and what is reported when none.
final class BuiltinPromptMatcherTests: XCTestCase {
    /// A few real CLDR names and keywords (from Models/emoji/captions.json).
    let items: [EmojiSet.Item] = [
        EmojiSet.Item(caption: "dog face", keywords: ["dog", "face", "pet"]),
        EmojiSet.Item(caption: "dog", keywords: ["dog", "pet", "dog2"]),
        EmojiSet.Item(caption: "hot dog", keywords: ["frankfurter", "hot dog", "hotdog", "sausage"]),
        EmojiSet.Item(caption: "old man", keywords: ["adult", "bald", "man", "old"]),
        EmojiSet.Item(caption: "old woman", keywords: ["adult", "old", "woman"]),
        EmojiSet.Item(caption: "man farmer", keywords: ["farmer", "gardener", "man", "rancher"]),
        EmojiSet.Item(caption: "skull", keywords: ["death", "face", "monster", "skull"]),
        EmojiSet.Item(caption: "snow-capped mountain", keywords: ["cold", "mountain", "snow"]),
        EmojiSet.Item(caption: "puppy face", keywords: []),
    ]

    func captions(_ match: PromptMatch) -> [String] { match.indices.map { items[$0].caption } }

    func testAPhotoOfADogMatchesDogCaptions() {
        let match = PromptMatcher(items: items).match("a photo of a dog")
        XCTAssertEqual(captions(match), ["dog face", "dog"])
        XCTAssertEqual(match.matchedWords, ["dog"])
        XCTAssertFalse(match.isUnconditional)
        XCTAssertEqual(match.weights.reduce(0, +), 1, accuracy: 1e-6)
        XCTAssertEqual(match.weights[0], 0.5, accuracy: 1e-6)
        XCTAssertEqual(match.weights[2], 0, "the hot dog has 'dog' in its caption only")
    }

    func testAnOilPaintingOfAnOldManMatchesOldMan() {
        let match = PromptMatcher(items: items).match("an oil painting of an old man")
        XCTAssertEqual(captions(match), ["old man"])
        XCTAssertEqual(match.contentWords, ["old", "man"])
        XCTAssertEqual(match.matchedCount, 1)
    }

    func testNullPromptsAreUniform() {
        let matcher = PromptMatcher(items: items)
        for prompt in ["", "a high quality photo", "A High-Quality Photo!"] {
            let match = matcher.match(prompt)
            XCTAssertTrue(match.isUnconditional, prompt)
            XCTAssertEqual(match.indices.count, items.count, prompt)
            XCTAssertTrue(match.unmatchedWords.isEmpty, prompt)
            for w in match.weights { XCTAssertEqual(w, 1 / Float(items.count), accuracy: 1e-7) }
        }
    }

    func testUnknownWordsAreReportedAndMakeThePromptUnconditional() {
        let matcher = PromptMatcher(items: items)
        let match = matcher.match("a lithograph of the amalfi coast")
        XCTAssertEqual(match.matchedCount, 0)
        XCTAssertTrue(match.isUnconditional)
        XCTAssertEqual(match.unmatchedWords, ["amalfi", "coast"])
        XCTAssertEqual(match.indices.count, items.count)
        XCTAssertTrue(match.summary.contains("\"amalfi\""), match.summary)

        let partly = matcher.match("a skull on the amalfi coast")
        XCTAssertEqual(captions(partly), ["skull"])
        XCTAssertEqual(partly.unmatchedWords, ["amalfi", "coast"], "reported even when another word matched")
    }

    func testPluralsAndAdjectivesMeetTheirSingular() {
        let matcher = PromptMatcher(items: items)
        XCTAssertEqual(captions(matcher.match("a lithograph of skulls")), ["skull"])
        XCTAssertEqual(captions(matcher.match("snowy mountains")), ["snow-capped mountain"])
        XCTAssertEqual(captions(matcher.match("puppies")), ["puppy face"])
        XCTAssertEqual(captions(matcher.match("old men")), ["old man"])
        XCTAssertTrue(PromptMatcher.forms(of: "waterfalls").contains("waterfall"))
        XCTAssertTrue(PromptMatcher.forms(of: "boxes").contains("box"))
        XCTAssertEqual(PromptMatcher.forms(of: "bus"), ["bus"], "short words are left alone")
    }

    func testWordsSplitOnPunctuationAndDropApostrophes() {
        XCTAssertEqual(PromptMatcher.words(in: "Rescue worker’s helmet, snow-capped!"),
                       ["rescue", "workers", "helmet", "snow", "capped"])
        XCTAssertEqual(PromptMatcher.words(in: "keycap: 1"), ["keycap", "1"])
    }
}
