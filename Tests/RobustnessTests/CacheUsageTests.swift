import Foundation
import XCTest

/// `noisebook cache size`, `noisebook cache clean --keep-latest`, and a cache that does
/// not grow on reruns of unchanged notebooks.
final class CacheUsageTests: RobustnessTestCase {
    private func size() throws -> String {
        let (status, out, err) = try noisebook(["cache", "size"])
        XCTAssertEqual(status, 0, err)
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func notebook(caption: String) -> String {
        """
        ---
        seed: 5
        ---
        ```swift
        let mask = rectangleMask(size: 32, x: 4, y: 4, width: 10, height: 12)
        show(mask, caption: "\(caption)")
        ```

        ```swift
        let blurred = gaussianBlur(mask.rgb(), kernelSize: 5, sigma: 1)
        show(blurred, caption: "blurred")
        ```
        """
    }

    func testRerunsOfUnchangedNotebooksDoNotGrowTheCache() throws {
        try write("Notebooks/a.md", notebook(caption: "one"))
        XCTAssertEqual(try noisebook(["run", "Notebooks", "--out", "Output"]).status, 0)
        let first = try size()
        XCTAssertTrue(first.hasPrefix(".noisebook/cache: 2 entries, "), first)
        let outputBefore = files(under: "Output")
        for _ in 0..<2 { XCTAssertEqual(try noisebook(["run", "Notebooks", "--out", "Output"]).status, 0) }
        XCTAssertEqual(try size(), first)
        XCTAssertEqual(files(under: "Output"), outputBefore)
    }

    func testCleanKeepsOnlyWhatTheLatestRunUsed() throws {
        try write("Notebooks/a.md", notebook(caption: "one"))
        XCTAssertEqual(try noisebook(["run", "Notebooks", "--out", "Output"]).status, 0)
        let before = Set(cacheEntries)
        // Edit cell 1's caption: cell 1 gets a new key; cell 2 reads the same mask value, so
        // its entry serves both runs.
        try write("Notebooks/a.md", notebook(caption: "two"))
        XCTAssertEqual(try noisebook(["run", "Notebooks", "--out", "Output"]).status, 0)
        XCTAssertTrue(try size().hasPrefix(".noisebook/cache: 3 entries, "))
        let latest = Set(cacheEntries)

        let (status, out, err) = try noisebook(["cache", "clean", "--keep-latest"])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("removed 1 entry"), out)
        XCTAssertTrue(try size().hasPrefix(".noisebook/cache: 2 entries, "))
        let kept = Set(cacheEntries)
        XCTAssertTrue(kept.isSubset(of: latest))
        let removed = before.subtracting(kept).filter { !$0.contains("/blobs/") }
        XCTAssertEqual(removed.count, 1, "only the old version of the edited cell goes: \(removed)")
        // Everything the latest run used is still there: a rerun is all hits.
        let rerun = try noisebook(["run", "Notebooks", "--out", "Output"])
        XCTAssertTrue(rerun.err.contains("2 cached, 0 ran"), rerun.err)
        // Cleaning again removes nothing.
        XCTAssertTrue(try noisebook(["cache", "clean", "--keep-latest"]).out.contains("removed 0 entries, 0 call entries, 0 blobs"))
    }

    func testCacheCommandUsageErrors() throws {
        let bare = try noisebook(["cache"])
        XCTAssertEqual(bare.status, 64)
        XCTAssertTrue(bare.err.contains("noisebook cache needs 'size' or 'clean --keep-latest'"), bare.err)
        let clean = try noisebook(["cache", "clean"])
        XCTAssertEqual(clean.status, 64)
        XCTAssertTrue(clean.err.contains("needs --keep-latest"), clean.err)
        let empty = try noisebook(["cache", "size"])
        XCTAssertEqual(empty.out, ".noisebook/cache: 0 entries, 0 call entries, 0 blobs, 0 B\n")
    }
}
