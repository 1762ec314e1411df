import Foundation
import TestSupport
import XCTest

@testable import SentencePiece

/// T5's real 32,000-piece tokenizer (DeepFloyd IF's) against the reference `sentencepiece` on
/// 222 prompts: the course's, styles by subjects, Unicode stress and long texts. Fixture
/// Tests/SentencePieceTests/Fixtures/t5, made by tools/make_t5_tokenizer_fixture.py.
final class RealT5TokenizerTests: XCTestCase {
    struct Cases: Decodable {
        struct Case: Decodable { let text: String; let ids: [Int] }
        let model_sha256: String
        let sentencepiece_version: String
        let cases: [Case]
    }

    func testEveryPromptGivesTheReferenceIds() throws {
        let t5 = FixtureFolder(bundle: .module, script: "tools/make_t5_tokenizer_fixture.py")
        let cases = try t5.decode(Cases.self, "t5", "cases.json")
        let started = Date()
        let tokenizer = try T5Tokenizer(contentsOf: try t5.path("t5", "spiece.model"))
        let loaded = Date()
        var mismatches = 0
        for item in cases.cases {
            let ids = tokenizer.pieces(item.text)
            if ids != item.ids {
                mismatches += 1
                XCTAssertEqual(ids, item.ids, "prompt \(item.text.debugDescription) (sentencepiece \(cases.sentencepiece_version))")
            }
        }
        let done = Date()
        XCTAssertEqual(mismatches, 0)
        XCTAssertEqual(cases.cases.count, 222)
        print(String(format: "T5 spiece.model: loaded in %.1f ms, %d prompts tokenized in %.1f ms",
                     loaded.timeIntervalSince(started) * 1000, cases.cases.count, done.timeIntervalSince(loaded) * 1000))
    }
}
