import TextDistance
import XCTest

/// The one rule behind every "did you mean" hint.
final class ClosestMatchTests: XCTestCase {
    func testPlausibleTyposAreFound() {
        XCTAssertEqual(ClosestMatch.suggestion(for: "rnu", among: ["run", "bench", "help"]), "run", "a swap is one edit")
        XCTAssertEqual(ClosestMatch.suggestion(for: "IF-I-XXL", among: ["IF-I-M", "IF-I-L", "IF-I-XL"]), "IF-I-XL")
        XCTAssertEqual(ClosestMatch.suggestion(for: "flip", among: ["flipped", "flop"]), "flipped", "a prefix is one edit, and ties go alphabetically")
        XCTAssertEqual(ClosestMatch.suggestion(for: "Seed", among: ["seed", "send"]), "seed", "a case-only difference beats a real edit")
    }

    func testTheLimitGrowsWithTheWord() {
        // Up to 4 characters one edit, up to 7 two, up to 10 three.
        XCTAssertNil(ClosestMatch.suggestion(for: "ab", among: ["xy"]))
        XCTAssertEqual(ClosestMatch.suggestion(for: "rn", among: ["run"]), "run")
        XCTAssertNil(ClosestMatch.suggestion(for: "rxn", among: ["bench"]))
        XCTAssertEqual(ClosestMatch.suggestion(for: "guidnce", among: ["guidance"]), "guidance")
        XCTAssertNil(ClosestMatch.suggestion(for: "gudnc", among: ["guidance"]), "three edits for a 5-letter word")
        XCTAssertEqual(ClosestMatch.suggestion(for: "embedings", among: ["embeddings", "weights"]), "embeddings")
    }

    func testTheWordItselfAndEmptyNamesAreNeverSuggested() {
        XCTAssertNil(ClosestMatch.suggestion(for: "run", among: ["run", ""]))
        XCTAssertNil(ClosestMatch.suggestion(for: "x", among: [String]()))
    }

    /// The one wording of the hint, as a note and as a message's ending.
    func testTheHintIsWordedOnce() {
        XCTAssertEqual(ClosestMatch.question(for: "rnu", among: ["run", "help"]), "did you mean 'run'?")
        XCTAssertEqual(ClosestMatch.hint(for: "rnu", among: ["run", "help"]), "; did you mean 'run'?")
        XCTAssertNil(ClosestMatch.question(for: "zzzz", among: ["run", "help"]))
        XCTAssertEqual(ClosestMatch.hint(for: "zzzz", among: ["run", "help"]), "")
    }
}
