import Foundation
import XCTest
@testable import Preview

/// Each of the server's limits, reached on purpose with small limits so that every test takes
/// well under a second or two: the connection cap, the separate cap on event streams, the
/// idle and slow-request timeout, a listener that stops reading; and what the protocol
/// promises on one connection (keep-alive, HEAD) and at start (the next free port). All
/// traffic stays on 127.0.0.1.
final class PreviewServerLimitTests: XCTestCase, @unchecked Sendable {
    private let page = "<html><body>hello</body></html>"
    private var root = ""

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("preview-limits-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try page.write(toFile: root + "/index.html", atomically: true, encoding: .utf8)
        addTeardownBlock { [root] in try? FileManager.default.removeItem(atPath: root) }
    }

    /// A started server on `root` (or this test's folder), stopped when the test ends.
    private func startServer(_ limits: PreviewLimits = PreviewLimits(), root: String? = nil,
                             port: UInt16 = UInt16(20000 + Int.random(in: 0..<20000))) throws -> PreviewServer {
        let server = PreviewServer(root: root ?? self.root, limits: limits)
        try server.start(port: port)
        addTeardownBlock { server.stop() }
        return server
    }

    /// Polls `condition` for up to `seconds`; whether it came true.
    private func eventually(_ seconds: Double = 3, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { return false }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return true
    }

    /// A client that has asked for the events of `page`.
    private func openStream(_ server: PreviewServer, page: String, receiveBuffer: Int32? = nil) throws -> LoopbackClient {
        let client = try LoopbackClient(port: server.port, receiveBuffer: receiveBuffer)
        client.send("GET \(PreviewServer.eventsPath)?page=\(page) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        return client
    }

    private func get(_ server: PreviewServer, _ target: String) throws -> LoopbackClient.Response {
        let client = try LoopbackClient(port: server.port)
        client.send("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        return try client.readResponse()
    }

    func testOneClientOverTheConnectionCapIsAnswered503AndRoomReturnsWhenClientsLeave() throws {
        let server = try startServer(PreviewLimits(connections: 3))
        let held = try (0..<3).map { _ in try LoopbackClient(port: server.port) }
        XCTAssertTrue(eventually { server.openConnections == 3 }, "three idle clients are admitted")

        let extra = try LoopbackClient(port: server.port)
        let busy = try extra.readResponse()
        XCTAssertEqual(busy.status, 503, busy.head)
        XCTAssertEqual(busy.header("connection"), "close")
        XCTAssertEqual(busy.header("retry-after"), "1")
        XCTAssertTrue(extra.serverClosed(), "the refused client is disconnected")
        XCTAssertEqual(server.openConnections, 3, "the refused client took no slot")

        for client in held { client.close() }
        XCTAssertTrue(eventually { server.openConnections == 0 }, "slots are freed when clients leave")
        let served = try get(server, "/index.html")
        XCTAssertEqual(served.status, 200)
        XCTAssertEqual(String(decoding: served.body, as: UTF8.self), page)
    }

    func testEventStreamsHaveTheirOwnCapAndLeaveRoomForPages() throws {
        let server = try startServer(PreviewLimits(connections: 2, streams: 2))
        let streams = try [openStream(server, page: "a.html"), openStream(server, page: "b.html")]
        XCTAssertTrue(eventually { server.listeners == 2 })
        for stream in streams { XCTAssertEqual(try stream.readResponse(bodyless: true).status, 200) }

        let third = try openStream(server, page: "c.html")
        let refused = try third.readResponse()
        XCTAssertEqual(refused.status, 503, "a stream over the cap is refused")
        XCTAssertTrue(third.serverClosed())
        XCTAssertEqual(server.listeners, 2)

        // The streams hold no connection slot: both page slots are still free.
        let idle = try LoopbackClient(port: server.port)
        XCTAssertTrue(eventually { server.openConnections == 1 })
        XCTAssertEqual(try get(server, "/index.html").status, 200, "pages are served beside full streams")
        idle.close()

        streams[0].close()
        XCTAssertTrue(eventually { server.listeners == 1 }, "a closed stream frees its slot; \(server.listeners) listening")
        let again = try openStream(server, page: "c.html")
        let head = try again.readResponse(bodyless: true)
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("content-type"), "text/event-stream")
        // Swift may release an object after its last use: the open stream must stay open
        // until here, or its slot would be freed early.
        withExtendedLifetime(streams) {}
    }

    func testAnIdleClientIsDisconnectedAfterTheTimeout() throws {
        let server = try startServer(PreviewLimits(requestTimeout: 0.3))
        let silent = try LoopbackClient(port: server.port)
        var start = Date()
        XCTAssertTrue(silent.serverClosed(), "a client that sends nothing is dropped")
        var waited = Date().timeIntervalSince(start)
        XCTAssertGreaterThan(waited, 0.2, "not before the timeout")
        XCTAssertLessThan(waited, 1.5)

        // After a response, an idle keep-alive connection is given as long.
        let done = try LoopbackClient(port: server.port)
        done.send("GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        XCTAssertEqual(try done.readResponse().status, 200)
        start = Date()
        XCTAssertTrue(done.serverClosed(), "an idle keep-alive connection is dropped")
        waited = Date().timeIntervalSince(start)
        XCTAssertGreaterThan(waited, 0.2)
        XCTAssertLessThan(waited, 1.5)
        XCTAssertTrue(eventually { server.openConnections == 0 })
    }

    func testARequestTrickledInIsCutOffAtItsDeadline() throws {
        let server = try startServer(PreviewLimits(requestTimeout: 0.5))
        let slow = try LoopbackClient(port: server.port)
        let start = Date()
        // One byte every 0.1 s: each read would come in time, the whole request does not. The
        // server closes at its deadline, 0.5 s after the request began; a deadline that reset
        // on every read would keep the connection open for as long as bytes trickle in (here
        // until the 1.5 s the loop gives up, then 0.5 s more).
        var closedAfter: Double?
        for byte in "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8 {
            guard slow.send(String(UnicodeScalar(byte))) else { closedAfter = Date().timeIntervalSince(start); break }
            Thread.sleep(forTimeInterval: 0.1)
            if Date().timeIntervalSince(start) > 1.5 { break }
        }
        if closedAfter == nil, slow.serverClosed() { closedAfter = Date().timeIntervalSince(start) }
        let after = try XCTUnwrap(closedAfter, "the trickling client is dropped")
        // A failed send shows the close within two sends (0.2 s); 0.3 s more for a loaded machine.
        XCTAssertLessThan(after, 1.0, "closed \(after) s after the request began: the deadline is not one per request")
        XCTAssertEqual(slow.pending.count, 0, "and sent no response")
    }

    func testKeepAliveServesSeveralRequestsOnOneConnection() throws {
        let server = try startServer()
        let client = try LoopbackClient(port: server.port)
        for target in ["/index.html", "/", "/missing.html"] {
            client.send("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.status, target == "/missing.html" ? 404 : 200, target)
            XCTAssertEqual(response.header("connection"), "keep-alive")
        }
        // Two pipelined requests in one write get two answers, in order.
        client.send("GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let first = try client.readResponse()
        XCTAssertEqual(first.status, 200)
        XCTAssertEqual(String(decoding: first.body, as: UTF8.self), page)
        let last = try client.readResponse()
        XCTAssertEqual(last.status, 404)
        XCTAssertEqual(last.header("connection"), "close")
        XCTAssertTrue(client.serverClosed(), "closed when the client asked")
        XCTAssertTrue(eventually { server.openConnections == 0 })
    }

    func testHeadSendsTheHeadersOfGetAndNoBody() throws {
        let server = try startServer()
        let client = try LoopbackClient(port: server.port)
        client.send("HEAD /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let head = try client.readResponse(bodyless: true)
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("content-length"), String(page.utf8.count), "the length GET would send")
        XCTAssertEqual(head.header("content-type"), "text/html; charset=utf-8")
        client.send("HEAD /missing.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        XCTAssertEqual(try client.readResponse(bodyless: true).status, 404)
        // Had either HEAD sent a body, its bytes would come before this response's status line.
        client.send("GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let get = try client.readResponse()
        XCTAssertEqual(get.status, 200)
        XCTAssertEqual(String(decoding: get.body, as: UTF8.self), page)
        XCTAssertEqual(client.readToEnd(), [], "nothing after the last response")
    }

    func testATakenPortMovesTheServerToTheNextFreeOne() throws {
        let first = try startServer()
        let otherRoot = root + "/other"
        try FileManager.default.createDirectory(atPath: otherRoot, withIntermediateDirectories: true)
        try "other".write(toFile: otherRoot + "/index.html", atomically: true, encoding: .utf8)
        let second = try startServer(root: otherRoot, port: first.port)
        XCTAssertGreaterThan(second.port, first.port, "the taken port is skipped")
        XCTAssertLessThan(second.port, first.port + 20)
        XCTAssertEqual(String(decoding: try get(first, "/index.html").body, as: UTF8.self), page)
        XCTAssertEqual(String(decoding: try get(second, "/index.html").body, as: UTF8.self), "other")
    }

    func testAListenerThatStopsReadingIsDroppedWithoutHoldingUpTheSender() throws {
        let server = try startServer()
        let healthy = try openStream(server, page: "healthy.html")
        // A small receive buffer, never read: the server's sends soon find no room.
        let stalled = try openStream(server, page: "stalled.html", receiveBuffer: 4096)
        XCTAssertTrue(eventually { server.listeners == 2 })

        let event = String(repeating: "x", count: 64 * 1024)
        let start = Date()
        var slowest = 0.0
        var sent = 0
        while server.listeners == 2, sent < 2000 {
            let before = Date()
            server.send(event: "progress", data: event, page: "stalled.html")
            slowest = max(slowest, Date().timeIntervalSince(before))
            sent += 1
        }
        XCTAssertEqual(server.listeners, 1, "the stalled listener is dropped after \(sent) events")
        XCTAssertLessThan(slowest, 0.5, "no send waits for the stalled listener")
        XCTAssertLessThan(Date().timeIntervalSince(start), 3)
        // What was queued before the drop still arrives, then the end of the stream.
        let received = stalled.readToEnd()
        XCTAssertTrue(String(decoding: received.prefix(15), as: UTF8.self).hasPrefix("HTTP/1.1 200 OK"))
        XCTAssertTrue(stalled.serverClosed(), "the stalled stream is closed")

        // The other page still gets its events.
        server.send(event: "reload", data: "healthy.html", page: "healthy.html")
        XCTAssertTrue(healthy.receive(until: "event: reload\ndata: healthy.html"), String(decoding: healthy.pending, as: UTF8.self))
    }

    func testStopClosesIdleConnectionsAndStreams() throws {
        let server = try startServer()
        let idle = try LoopbackClient(port: server.port)
        let stream = try openStream(server, page: "a.html")
        XCTAssertTrue(eventually { server.openConnections == 1 && server.listeners == 1 })
        let start = Date()
        server.stop()
        XCTAssertTrue(idle.serverClosed())
        XCTAssertTrue(stream.receive(until: "never sent") == false, "the stream ends")
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, "at once, not after the idle timeout")
        XCTAssertEqual(server.listeners, 0)
    }
}
