import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif
@testable import Preview

/// The server keeps serving whatever its clients do: many at once, a slow one, one that
/// leaves mid-response. All traffic stays on 127.0.0.1.
final class PreviewServerTests: XCTestCase, @unchecked Sendable {
    var root = ""
    var server: PreviewServer!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("preview-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/images", withIntermediateDirectories: true)
        try "<html><body>hello</body></html>".write(toFile: root + "/index.html", atomically: true, encoding: .utf8)
        try Data(repeating: 7, count: 4 << 20).write(to: URL(fileURLWithPath: root + "/images/big.png"))
        server = PreviewServer(root: root)
        try server.start(port: UInt16(20000 + Int.random(in: 0..<20000)))
        addTeardownBlock { [root, server] in
            server?.stop()
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    /// A connected socket to the server.
    private func connectClient() throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = server.port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw PreviewError.socket("connect failed") }
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return socket
    }

    /// One request on a fresh connection; the response head and body.
    private func get(_ target: String, headers: String = "") throws -> (status: Int, head: String, body: [UInt8]) {
        let socket = try connectClient()
        defer { close(socket) }
        let request = Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\(headers)\r\n".utf8)
        _ = request.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(socket, &chunk, chunk.count)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        guard let split = bytes.indices.first(where: { i in i + 3 < bytes.count && bytes[i...(i + 3)].elementsEqual([13, 10, 13, 10]) }) else {
            return (0, String(decoding: bytes, as: UTF8.self), [])
        }
        let head = String(decoding: bytes[..<split], as: UTF8.self)
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, head, Array(bytes[(split + 4)...]))
    }

    func testFilesTypesETagsAndRefusals() throws {
        let page = try get("/")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.head.contains("Content-Type: text/html; charset=utf-8"), page.head)
        XCTAssertEqual(String(decoding: page.body, as: UTF8.self), "<html><body>hello</body></html>")
        let image = try get("/images/big.png")
        XCTAssertTrue(image.head.contains("ETag: \"big.png\""), image.head)
        XCTAssertEqual(image.body.count, 4 << 20)
        XCTAssertEqual(try get("/images/big.png", headers: "If-None-Match: \"big.png\"\r\n").status, 304)
        XCTAssertEqual(try get("/../../etc/passwd").status, 404)
        XCTAssertEqual(try get("/%2e%2e/%2e%2e/etc/passwd").status, 404)
    }

    func testFiftyClientsAtOnceAreAllServed() throws {
        final class Statuses: @unchecked Sendable {
            let lock = NSLock()
            var all = [Int]()
        }
        let statuses = Statuses()
        DispatchQueue.concurrentPerform(iterations: 50) { _ in
            let status = (try? get("/index.html").status) ?? -1
            statuses.lock.withLock { statuses.all.append(status) }
        }
        XCTAssertEqual(statuses.all.count, 50)
        XCTAssertEqual(statuses.all.filter { $0 == 200 }.count, 50, "\(statuses.all)")
    }

    func testASlowClientAndOneThatLeavesDoNotStopTheOthers() throws {
        // A client that sends one byte a second.
        let slow = try connectClient()
        let slowThread = Thread {
            for byte in Array("GET / HTTP/1.1\r\n".utf8) {
                var b = byte
                if Glibc.send(slow, &b, 1, Int32(MSG_NOSIGNAL)) <= 0 { break }
                Thread.sleep(forTimeInterval: 1)
            }
        }
        slowThread.start()
        // A client that asks for a large file and leaves after the first bytes.
        let leaving = try connectClient()
        let request = Array("GET /images/big.png HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { Glibc.send(leaving, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var few = [UInt8](repeating: 0, count: 100)
        _ = read(leaving, &few, few.count)
        close(leaving)
        // Meanwhile others are served promptly.
        for _ in 0..<10 {
            let start = Date()
            XCTAssertEqual(try get("/index.html").status, 200)
            XCTAssertLessThan(Date().timeIntervalSince(start), 2, "served while a slow client lingers")
        }
        close(slow)
    }

    func testEventsReachTheirPage() throws {
        let socket = try connectClient()
        defer { close(socket) }
        let request = Array("GET \(PreviewServer.eventsPath)?page=a.html HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        for _ in 0..<100 where server.listeners == 0 { Thread.sleep(forTimeInterval: 0.02) }
        XCTAssertEqual(server.listeners, 1)
        server.send(event: "reload", data: "b.html", page: "b.html")
        server.send(event: "reload", data: "a.html", page: "a.html")
        var received = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: received, as: UTF8.self).contains("data: a.html") {
            let count = read(socket, &chunk, chunk.count)
            guard count > 0 else { break }
            received.append(contentsOf: chunk[0..<count])
        }
        let text = String(decoding: received, as: UTF8.self)
        XCTAssertTrue(text.contains("Content-Type: text/event-stream"), text)
        XCTAssertTrue(text.contains("event: reload\ndata: a.html"), text)
        XCTAssertFalse(text.contains("b.html"), "another page's events are not sent")
    }
}
