import Diffusion
import Foundation
import Imaging
import Tensor
import TestSupport
import XCTest

/// The page's illusion control agrees with the model: for every view, a test image turned
/// by the model's own view (`ImageView.apply`) and the untouched image shown with its page
/// control switched on look the same in headless Chromium, pixel for pixel. Both come from
/// a real `noisebook run`; the test only ticks the control's checkbox in the written page.
final class ViewControlBrowserTests: CommandTestCase {
    /// Six saturated colours that the page itself never uses, so the images can be found in
    /// a screenshot by colour alone: the four of the test image and what negation makes.
    static let palette: [[Float]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1]]

    /// A 16x16 image of the first four palette colours with no symmetry, so every view
    /// changes it differently.
    private func testImage() -> Tensor {
        var random = SeededRandom(seed: 11)
        let (h, w) = (16, 16)
        var pixels = [Float](repeating: 0, count: 3 * h * w)
        for i in 0..<(h * w) {
            let colour = Self.palette[Int(random.next() % 4)]
            for c in 0..<3 { pixels[c * h * w + i] = colour[c] }
        }
        return Tensor(shape: [3, h, w], scalars: pixels)
    }

    func testEveryViewControlShowsWhatTheModelsViewMakes() throws {
        guard let chromium = Chromium.executable else {
            return XCTFail("headless Chromium is not installed (make test installs Debian's chromium)")
        }
        let project = scratch + "/project"
        try FileManager.default.createDirectory(atPath: project + "/Notebooks", withIntermediateDirectories: true)
        let plain = testImage()
        try PNG.write(plain, to: project + "/Notebooks/plain.png")
        for view in ImageView.allCases {
            // The model's range is [-1, 1]; the view acts there, as in an anagram.
            let viewed = (try view.apply(plain * 2 + (-1)) + 1) * 0.5
            try PNG.write(viewed, to: project + "/Notebooks/viewed-\(view.rawValue).png")
            try """
            ---
            title: view \(view.rawValue)
            ---
            ```swift
            show(loadImage("plain.png"), caption: "control on", view: "\(view.rawValue)")
            ```

            ```swift
            show(loadImage("viewed-\(view.rawValue).png"), caption: "the model's view")
            ```
            """.write(toFile: project + "/Notebooks/view-\(view.rawValue).md", atomically: true, encoding: .utf8)
        }
        let run = try noisebook(["run", "Notebooks", "--out", "Output", "--model", "builtin"], in: project)
        XCTAssertEqual(run.status, 0, run.err)

        for view in ImageView.allCases {
            let page = project + "/Output/view-\(view.rawValue).html"
            var html = try String(contentsOfFile: page, encoding: .utf8)
            XCTAssertTrue(html.contains("class=\"view-toggle\""), "\(view): the page offers a control")
            html = html.replacingOccurrences(of: "class=\"view-toggle\"", with: "class=\"view-toggle\" checked")
            let checked = project + "/Output/checked-\(view.rawValue).html"
            try html.write(toFile: checked, atomically: true, encoding: .utf8)
            let shotPath = scratch + "/shot-\(view.rawValue).png"
            let shot = try screenshot(chromium, page: checked, to: shotPath)
            let regions = Self.imageRegions(in: shot)
            guard regions.count == 2 else {
                XCTFail("\(view): expected the two images in the screenshot, found \(regions.count)")
                continue
            }
            XCTAssertEqual(regions[0].pixels.count, regions[1].pixels.count, "\(view): the two images differ in size")
            // The frame's rounded corners are anti-aliased a level or two differently once
            // the image is transformed; a wrong view differs by whole colours (1.0).
            let worst = zip(regions[0].pixels, regions[1].pixels).map { abs($0 - $1) }.max() ?? 1
            XCTAssertLessThanOrEqual(worst, 4 / 255, "\(view): the control on the page shows the image otherwise than the model's view (screenshot \(shotPath))")
        }
    }

    private func screenshot(_ chromium: String, page: String, to out: String) throws -> Tensor {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                             "--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=1000,1600",
                             "--virtual-time-budget=5000", "--user-data-dir=" + scratch + "/chromium-profile",
                             "--screenshot=" + out, URL(fileURLWithPath: page).absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return try PNG.read(path: out)
    }

    /// The bounding boxes of palette-coloured pixels, one per band of rows that hold them,
    /// top to bottom, each cut out of the screenshot.
    static func imageRegions(in shot: Tensor) -> [(rows: Range<Int>, pixels: [Float])] {
        let (h, w) = (shot.shape[1], shot.shape[2])
        func isPalette(_ r: Int, _ c: Int) -> Bool {
            let rgb = (0..<3).map { shot.scalars[$0 * h * w + r * w + c] }
            return palette.contains { zip($0, rgb).allSatisfy { abs($0 - $1) < 0.5 / 255 } }
        }
        var bands = [(rows: Range<Int>, columns: ClosedRange<Int>)]()
        var current: (start: Int, columns: ClosedRange<Int>)?
        for r in 0..<h {
            let columns = (0..<w).filter { isPalette(r, $0) }
            if let first = columns.first, let last = columns.last {
                let span = current.map { min($0.columns.lowerBound, first)...max($0.columns.upperBound, last) } ?? first...last
                current = (current?.start ?? r, span)
            } else if let band = current {
                bands.append((band.start..<r, band.columns))
                current = nil
            }
        }
        if let band = current { bands.append((band.start..<h, band.columns)) }
        return bands.map { band in
            var pixels = [Float]()
            for c in 0..<3 { for r in band.rows { for x in band.columns { pixels.append(shot.scalars[c * h * w + r * w + x]) } } }
            return (band.rows, pixels)
        }
    }
}
