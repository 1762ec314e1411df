import Foundation
import XCTest

/// The bad-input corpus (`Corpus/<case>/`): malformed notebooks, every kind of cell error,
/// damaged PNGs, safetensors and .pth files. Each case runs the real executable in a fresh
/// project and must give exactly the golden error text (`Corpus/<case>.expected`: the exit
/// status, then stderr and stdout with timings and the project path normalized), exit 64
/// or 65, and write no cache entry, blob, site image or temporary file.
///
/// A case folder is copied into the project as it is; its `arguments` file, when present,
/// holds noisebook's arguments one per line (default: `run Notebooks --out Output`).
/// Re-record the golden texts with `NOISEBOOK_RECORD_GOLDEN=1` (`make golden`) and review
/// them with git diff.
final class CorpusGoldenTests: RobustnessTestCase {
    static let corpus = testsFolder + "/Corpus"

    private var recording: Bool { ProcessInfo.processInfo.environment["NOISEBOOK_RECORD_GOLDEN"] == "1" }

    func testEveryCorpusCase() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpus).filter {
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: Self.corpus + "/" + $0, isDirectory: &isFolder) && isFolder.boolValue
        }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 40, "the corpus went missing")
        for name in names {
            try tearDownWithError()
            try setUpWithError()
            try runCase(name)
        }
    }

    /// A notebook with a 10 MB line of prose, generated rather than committed: it renders
    /// (the prose is text like any other) or fails clearly, and never crashes.
    func testTenMegabyteLine() throws {
        let line = String(repeating: "0123456789abcdef", count: 10 << 16)        // 10 MiB
        try write("Notebooks/long.md", "---\nseed: 1\n---\n\(line)\n\n```swift\nlet x = \(line.prefix(1 << 20))\n```\n")
        let (status, _, err) = try noisebook(["run", "Notebooks", "--out", "Output"])
        XCTAssertEqual(status, 65, err)
        XCTAssertTrue(err.contains("Notebooks/long.md:7:9: error: invalid number literal"), String(err.prefix(2000)))
        XCTAssertLessThan(err.utf8.count, 10 << 20, "the error quotes the 10 MB prose line")
        XCTAssertTrue(try page("long.html").contains(String(line.prefix(4096))), "the prose is on the page")
        XCTAssertEqual(cacheEntries, [])
        XCTAssertEqual(temporaryFiles, [])
    }

    /// A symbolic link inside the project that leads out is refused like a `../` path.
    func testSymlinkLeadingOutOfTheProjectIsRefused() throws {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("noisebook-outside-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try FileManager.default.copyItem(atPath: Self.corpus + "/png-truncated/Notebooks/images/truncated.png", toPath: outside + "/secret.png")
        try FileManager.default.createSymbolicLink(atPath: project + "/Notebooks/link", withDestinationPath: outside)
        try write("Notebooks/a.md", """
        ---
        seed: 1
        ---
        ```swift
        show(loadImage("link/secret.png"))
        ```

        ```swift
        saveImage(rectangleMask(size: 8, x: 0, y: 0, width: 2, height: 2), to: "link/new.png")
        ```
        """)
        let (status, _, err) = try noisebook(["run", "Notebooks", "--out", "Output"])
        XCTAssertEqual(status, 65, err)
        XCTAssertTrue(err.contains("Notebooks/a.md:5:6: error: 'link/secret.png' is outside the project folder"), err)
        XCTAssertTrue(err.contains("'link/new.png' is outside the project folder"), err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: outside + "/new.png"), "a write went through the link")
        XCTAssertEqual(cacheEntries, [])
    }

    private func runCase(_ name: String) throws {
        let folder = Self.corpus + "/" + name
        for item in try FileManager.default.contentsOfDirectory(atPath: folder) where item != "arguments" {
            try FileManager.default.copyItem(atPath: folder + "/" + item, toPath: project + "/" + item)
        }
        var arguments = ["run", "Notebooks", "--out", "Output"]
        if let text = try? String(contentsOfFile: folder + "/arguments", encoding: .utf8) {
            arguments = text.split(separator: "\n").map(String.init)
        }
        let (status, out, err) = try noisebook(arguments)
        var text = "exit \(status)\n" + normalize(err)
        if !out.isEmpty { text += "--- stdout\n" + normalize(out) }

        XCTAssertTrue(status == 64 || status == 65, "\(name): exit \(status)\n\(err)")
        XCTAssertEqual(cacheEntries, [], "\(name): a failing cell left a cache entry")
        XCTAssertEqual(siteImages, [], "\(name): a failing cell left an image on the site")
        XCTAssertEqual(temporaryFiles, [], "\(name): temporary files left behind")
        XCTAssertFalse(FileManager.default.fileExists(atPath: project + "/../escaped.png"), "\(name): a write escaped the project")

        let expectedPath = Self.corpus + "/" + name + ".expected"
        if recording {
            try Data(text.utf8).write(to: URL(fileURLWithPath: expectedPath))
            return
        }
        guard let expected = try? String(contentsOfFile: expectedPath, encoding: .utf8) else {
            return XCTFail("missing Corpus/\(name).expected; record it with NOISEBOOK_RECORD_GOLDEN=1 (make golden)")
        }
        if text != expected {
            let got = text.split(separator: "\n", omittingEmptySubsequences: false)
            let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
            XCTFail("""
            \(name).expected differs at line \(first + 1):
              got:  \(first < got.count ? String(got[first]) : "<end>")
              want: \(first < want.count ? String(want[first]) : "<end>")
            """)
        }
    }

    /// Output with what changes from run to run replaced: the project's path and timings.
    private func normalize(_ text: String) -> String {
        var result = text.replacingOccurrences(of: physicalProject, with: "$PROJECT")
            .replacingOccurrences(of: project, with: "$PROJECT")
        let timing = try? NSRegularExpression(pattern: "[0-9]+\\.[0-9]+ s\\b")
        result = timing.map {
            $0.stringByReplacingMatches(in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "#.## s")
        } ?? result
        return result
    }
}
