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

    /// One request on a fresh connection that asks to be closed; the response.
    private func get(_ target: String, headers: String = "") throws -> (status: Int, head: String, body: [UInt8]) {
        let client = try LoopbackClient(port: server.port, timeout: 15)
        client.send("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\(headers)\r\n")
        let response = try client.readResponse()
        return (response.status, response.head, response.body)
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

    /// 64 clients (the connection cap) at once for certain: every connection is open before
    /// any request is sent, then 64 threads released together each send one and read its
    /// answer. A server that served connections one at a time, or counted the cap wrong,
    /// would leave some unanswered or refused.
    func testSixtyFourClientsConnectedAtOnceAreAllServed() throws {
        let count = PreviewLimits().connections
        XCTAssertEqual(count, 64)
        let clients = try (0..<count).map { _ in try LoopbackClient(port: server.port, timeout: 15) }
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var statuses = [String]()
        }
        /// Each client is used by its own thread only.
        final class Owned: @unchecked Sendable {
            let client: LoopbackClient
            init(_ client: LoopbackClient) { self.client = client }
        }
        let results = Results()
        let ready = DispatchSemaphore(value: 0), go = DispatchSemaphore(value: 0), done = DispatchGroup()
        for owned in clients.map(Owned.init) {
            done.enter()
            let thread = Thread {
                let client = owned.client
                ready.signal()
                go.wait()
                let status: String
                if client.send("GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n") {
                    status = (try? client.readResponse()).map { String($0.status) } ?? "no response"
                } else {
                    status = "send failed"
                }
                results.lock.withLock { results.statuses.append(status) }
                done.leave()
            }
            thread.start()
        }
        for _ in 0..<count { ready.wait() }
        for _ in 0..<count { go.signal() }
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success, "every client finished")
        XCTAssertEqual(results.statuses.count, count)
        XCTAssertEqual(results.statuses.filter { $0 == "200" }.count, count, "\(results.statuses.filter { $0 != "200" })")
    }

    func testFiftyClientsAtOnceAreAllServed() throws {
        final class Statuses: @unchecked Sendable {
            let lock = NSLock()
            var all = [String]()
        }
        let statuses = Statuses()
        DispatchQueue.concurrentPerform(iterations: 50) { _ in
            let status: String
            do { status = String(try get("/index.html").status) } catch { status = "\(error)" }
            statuses.lock.withLock { statuses.all.append(status) }
        }
        XCTAssertEqual(statuses.all.count, 50)
        XCTAssertEqual(statuses.all.filter { $0 == "200" }.count, 50, "\(statuses.all.filter { $0 != "200" })")
    }

    func testASlowClientAndOneThatLeavesDoNotStopTheOthers() throws {
        // A client that sends one byte a second (until the test is done with it).
        final class Stop: @unchecked Sendable {
            let lock = NSLock()
            var requested = false
            var finished = false
        }
        let stop = Stop()
        let slow = try LoopbackClient(port: server.port)
        let slowSocket = slow.socket
        let slowThread = Thread {
            defer { stop.lock.withLock { stop.finished = true } }
            for byte in Array("GET / HTTP/1.1\r\n".utf8) {
                var b = byte
                if Glibc.send(slowSocket, &b, 1, Int32(MSG_NOSIGNAL)) <= 0 { break }
                for _ in 0..<20 where !stop.lock.withLock({ stop.requested }) { Thread.sleep(forTimeInterval: 0.05) }
                if stop.lock.withLock({ stop.requested }) { break }
            }
        }
        slowThread.start()
        // A client that asks for a large file and leaves after the first bytes.
        let leaving = try LoopbackClient(port: server.port)
        leaving.send("GET /images/big.png HTTP/1.1\r\nHost: x\r\n\r\n")
        leaving.receive()
        leaving.close()
        // Meanwhile others are served promptly.
        for _ in 0..<10 {
            let start = Date()
            XCTAssertEqual(try get("/index.html").status, 200)
            XCTAssertLessThan(Date().timeIntervalSince(start), 2, "served while a slow client lingers")
        }
        // Closing only after the sender has stopped, so it never writes to a reused descriptor.
        stop.lock.withLock { stop.requested = true }
        while !stop.lock.withLock({ stop.finished }) { Thread.sleep(forTimeInterval: 0.01) }
        slow.close()
    }

    func testEventsReachTheirPage() throws {
        let client = try LoopbackClient(port: server.port)
        client.send("GET \(PreviewServer.eventsPath)?page=a.html HTTP/1.1\r\nHost: x\r\n\r\n")
        for _ in 0..<100 where server.listeners == 0 { Thread.sleep(forTimeInterval: 0.02) }
        XCTAssertEqual(server.listeners, 1)
        server.send(event: "reload", data: "b.html", page: "b.html")
        server.send(event: "reload", data: "a.html", page: "a.html")
        _ = client.receive(until: "data: a.html")
        let text = String(decoding: client.pending, as: UTF8.self)
        XCTAssertTrue(text.contains("Content-Type: text/event-stream"), text)
        XCTAssertTrue(text.contains("event: reload\ndata: a.html"), text)
        XCTAssertFalse(text.contains("b.html"), "another page's events are not sent")
    }
}
