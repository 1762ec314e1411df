import Foundation
import XCTest
@testable import Preview

/// The request parser: what it accepts, and how it refuses what it must not serve.
final class HTTPRequestParserTests: XCTestCase {
    private func parse(_ text: String) -> HTTPParse { HTTPRequestParser.parse(Array(text.utf8)) }

    func testAWholeRequestAndWhatItConsumed() {
        let text = "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: \"a\"\r\n\r\nGET /next"
        guard case let .request(request, consumed) = parse(text) else { return XCTFail("\(parse(text))") }
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(request.target, "/index.html")
        XCTAssertEqual(request.header("if-none-match"), "\"a\"")
        XCTAssertEqual(request.header("HOST"), "127.0.0.1")
        XCTAssertTrue(request.keepsAlive)
        XCTAssertEqual(consumed, text.utf8.count - "GET /next".utf8.count, "a pipelined request stays for the next read")
        XCTAssertEqual(parse("GET / HTTP/1.1\r\nHost: x\r\n"), .incomplete)
        guard case let .request(old, _) = parse("HEAD / HTTP/1.0\n\n") else { return XCTFail() }
        XCTAssertFalse(old.keepsAlive, "HTTP/1.0 closes unless asked")
    }

    func testRefusals() {
        XCTAssertEqual(parse("POST / HTTP/1.1\r\nHost: x\r\n\r\n"), .refused(status: 405, reason: "only GET and HEAD are served"))
        XCTAssertEqual(parse("GET / HTTP/2.0\r\n\r\n"), .refused(status: 505, reason: "HTTP version not supported"))
        XCTAssertEqual(parse("GET / HTTP/1.1\r\n\r\n"), .refused(status: 400, reason: "missing Host header"))
        XCTAssertEqual(parse("GET nothing HTTP/1.1\r\nHost: x\r\n\r\n"), .refused(status: 400, reason: "malformed request target"))
        XCTAssertEqual(parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"), .refused(status: 400, reason: "requests with a body are not served"))
        XCTAssertEqual(parse("GET / HTTP/1.1\r\nBad Header: x\r\n\r\n"), .refused(status: 400, reason: "malformed header field"))
    }

    func testOversizedHeadsAreRefusedWithoutWaitingForTheirEnd() {
        let longLine = "GET /" + String(repeating: "a", count: HTTPRequestParser.maximumLineLength + 10)
        XCTAssertEqual(parse(longLine), .refused(status: 414, reason: "request line too long"))
        var manyHeaders = "GET / HTTP/1.1\r\nHost: x\r\n"
        for i in 0..<100 { manyHeaders += "X-\(i): y\r\n" }
        XCTAssertEqual(parse(manyHeaders + "\r\n"), .refused(status: 431, reason: "too many header fields"))
        let huge = "GET / HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "b", count: HTTPRequestParser.maximumHeadLength)
        XCTAssertEqual(parse(huge), .refused(status: 431, reason: "request header fields too large"))
    }
}

/// Only regular files inside the served folder are reachable.
final class SitePathTests: XCTestCase {
    var root = ""
    var outside = ""

    override func setUpWithError() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("sitepath-\(UUID().uuidString)").path
        root = base + "/site"
        outside = base + "/secret"
        try FileManager.default.createDirectory(atPath: root + "/images", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try "page".write(toFile: root + "/index.html", atomically: true, encoding: .utf8)
        try "png".write(toFile: root + "/images/a b.png", atomically: true, encoding: .utf8)
        try "secret".write(toFile: outside + "/key.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root + "/escape", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: root + "/inside.html", withDestinationPath: root + "/index.html")
        addTeardownBlock { try? FileManager.default.removeItem(atPath: base) }
    }

    func testFilesInsideAreServed() {
        let real = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        XCTAssertEqual(SitePath.resolve("/", root: root), real + "/index.html")
        XCTAssertEqual(SitePath.resolve("/index.html?x=1#top", root: root), real + "/index.html")
        XCTAssertEqual(SitePath.resolve("/images/a%20b.png", root: root), real + "/images/a b.png")
        XCTAssertEqual(SitePath.resolve("/inside.html", root: root), real + "/index.html", "a link within the folder is fine")
    }

    func testHostilePathsAreRefused() {
        for target in ["/../secret/key.txt", "/images/../../secret/key.txt", "/%2e%2e/secret/key.txt", "/%2E%2E%2fsecret",
                       "/images/%2e%2e/%2e%2e/secret/key.txt", "/escape/key.txt", "/index.html%00.png", "/images",
                       "/missing.html", "/%zz", "/..", "/./index.html", "/images/..%5c..%5csecret"] {
            XCTAssertNil(SitePath.resolve(target, root: root), target)
        }
    }
}
