import Foundation
import Imaging
import Tensor
import TestSupport
import XCTest

/// Wrong, damaged and hostile files give messages naming the file. Fixtures (broken/):
/// `tools/make_imaging_fixtures.py`; the other formats' signatures are written inline.
final class PNGErrorTests: XCTestCase {
    func message(decoding bytes: [UInt8], name: String) -> String {
        do {
            _ = try PNG.decode(bytes, name: name)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func testJPEGMessageSaysHowToConvert() throws {
        XCTAssertEqual(message(decoding: try Fixtures.bytes("broken/photo.jpg"), name: "photo.jpg"),
                       "photo.jpg: this is a JPEG image; noisebook reads PNG only — convert it with "
                       + "`convert photo.jpg photo.png` (ImageMagick) or any image editor")
    }

    func testOtherFormatsAreNamed() {
        func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }
        let bmpHeader: [UInt8] = ascii("BM") + [0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0]
        let samples: [(String, [UInt8], String)] = [
            ("anim.gif", ascii("GIF89a") + [1, 0, 1, 0], "a GIF"),
            ("old.gif", ascii("GIF87a"), "a GIF"),
            ("web.webp", ascii("RIFF") + [0x24, 0, 0, 0] + ascii("WEBPVP8 "), "a WebP"),
            ("scan.bmp", bmpHeader, "a BMP"),
            ("scan.tif", ascii("II") + [0x2A, 0, 8, 0, 0, 0], "a TIFF"),
            ("scan.tiff", ascii("MM") + [0, 0x2A, 0, 0, 0, 8], "a TIFF"),
            ("phone.heic", [0, 0, 0, 0x18] + ascii("ftypheic") + [0, 0, 0, 0], "a HEIC"),
            ("new.avif", [0, 0, 0, 0x1C] + ascii("ftypavif") + [0, 0, 0, 0], "an AVIF"),
        ]
        for (name, bytes, kind) in samples {
            let stem = name.split(separator: ".")[0]
            XCTAssertEqual(message(decoding: bytes, name: name),
                           "\(name): this is \(kind) image; noisebook reads PNG only — convert it with "
                           + "`convert \(name) \(stem).png` (ImageMagick) or any image editor")
        }
    }

    func testFolderInNameKeepsItsPathInTheSuggestion() {
        XCTAssertEqual(message(decoding: [0xFF, 0xD8, 0xFF, 0xDB], name: "images/v1.2/rocket"),
                       "images/v1.2/rocket: this is a JPEG image; noisebook reads PNG only — convert it with "
                       + "`convert images/v1.2/rocket images/v1.2/rocket.png` (ImageMagick) or any image editor")
    }

    func testTextAndEmptyFilesAreNotImages() {
        XCTAssertEqual(message(decoding: Array("# Notes\n".utf8), name: "notes.md"),
                       "notes.md: this is not an image (it does not start with any known image signature); "
                       + "noisebook reads PNG images only")
        XCTAssertEqual(message(decoding: [], name: "empty.png"),
                       "empty.png: the file is empty; noisebook reads PNG images only")
        XCTAssertEqual(ImageFormat.detect(Array("BMx".utf8)), .unknown, "two letters alone are not a BMP")
    }

    func testTruncatedAndDamagedPNGsNameTheFileAndLibpngsReason() throws {
        for file in ["truncated.png", "bad_crc.png"] {
            XCTAssertThrowsError(try PNG.decode(Fixtures.bytes("broken/" + file), name: file)) { error in
                guard case let ImagingError.damagedPNG(name, reason) = error else {
                    return XCTFail("\(file): unexpected \(error)")
                }
                XCTAssertEqual(name, file)
                XCTAssertFalse(reason.isEmpty)
                XCTAssertTrue("\(error)".hasPrefix("\(file): this PNG file is damaged or truncated (libpng: "), "\(error)")
            }
        }
        // Only the signature: libpng has nothing to read.
        XCTAssertThrowsError(try PNG.decode([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], name: "sig.png")) { error in
            XCTAssertTrue("\(error)".hasPrefix("sig.png: this PNG file is damaged or truncated"), "\(error)")
        }
    }

    func testHugeHeaderIsRefusedBeforeAllocating() throws {
        XCTAssertEqual(message(decoding: try Fixtures.bytes("broken/huge_header.png"), name: "huge.png"),
                       "huge.png: the image is 100000x100000 pixels, larger than noisebook accepts "
                       + "(at most 16384 pixels a side)")
    }

    func testMissingFileAndFolderAreNamed() {
        let missing = "/nonexistent-\(UUID().uuidString)/a.png"
        XCTAssertThrowsError(try PNG.read(path: missing)) { error in
            XCTAssertEqual("\(error)", "\(missing): cannot read the file: no such file")
        }
        let folder = FileManager.default.temporaryDirectory.path
        XCTAssertThrowsError(try PNG.read(path: folder)) { error in
            XCTAssertEqual("\(error)", "\(folder): cannot read the file: it is a folder, not a file")
        }
        XCTAssertThrowsError(try PNG.write(Tensor(zeros: [1, 2, 2]), to: missing)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(missing): cannot write the file"), "\(error)")
        }
    }
}
