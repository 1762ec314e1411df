import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// noisebook's own HTTP/1.1 server for `preview`: GET and HEAD of the files in one folder,
/// keep-alive, ETags for content-addressed images, and a Server-Sent Events stream that
/// tells open pages to reload and shows the progress of the running cell.
///
/// Built to stay up whatever a client does: it listens on loopback unless told otherwise,
/// serves at most `limits.connections` page and image clients and, apart from them,
/// `limits.streams` event streams (the next of either is answered 503 and closed), gives each
/// request `limits.requestTimeout` seconds to arrive whole and each idle keep-alive connection
/// as long, reads at most a bounded head (`HTTPRequestParser`), and never waits for an event
/// stream: a page that stops reading its events is dropped instead of holding up the run.
public final class PreviewServer: @unchecked Sendable {
    /// The folder served.
    public let root: String
    /// The port bound.
    public private(set) var port: UInt16 = 0
    /// The address bound ("127.0.0.1" unless the caller chose another).
    public let host: String
    /// What the server lets its clients take.
    public let limits: PreviewLimits
    /// Rewrites an HTML page before it is sent (preview adds its live-reload script).
    public var pageFilter: @Sendable (String, String) -> String = { _, html in html }

    /// The address clients open to receive events.
    public static let eventsPath = "/__noisebook/events"

    private let lock = NSLock()
    // Every client socket is in one of these while its thread owns it. Sockets are shut down
    // (by `stop` and `send`) only under `lock`, and a thread takes its socket out of them under
    // `lock` before closing it, so no one ever shuts down or writes to a descriptor number the
    // system has meanwhile given to a new connection.
    private var connections = Set<Int32>()          // page and image clients
    private var streams = Set<Int32>()              // admitted event streams, counted against the cap
    private var listening: [Int32: String] = [:]    // streams whose head is sent: socket -> page watched
    private var listener: Int32 = -1
    private var stopped = false

    /// A server for `root` on `host` (not yet listening).
    public init(root: String, host: String = "127.0.0.1", limits: PreviewLimits = PreviewLimits()) {
        self.root = root
        self.host = host
        self.limits = limits
    }

    /// Binds the first free port from `port` on (up to 20 tries) and starts accepting.
    public func start(port first: UInt16) throws {
        for candidate in Int(first)..<min(Int(first) + 20, Int(UInt16.max) + 1) {
            let socket: Int32
            do {
                socket = try Self.listen(host: host, port: UInt16(candidate))
            } catch let error as PreviewError {
                if case .badHost = error { throw error }    // no other port will do better
                continue
            }
            lock.withLock { listener = socket }
            port = UInt16(candidate)
            let thread = Thread { [self] in acceptLoop(socket) }
            thread.name = "noisebook-preview-accept"
            thread.start()
            return
        }
        throw PreviewError.noPort(first: first, host: host)
    }

    /// Stops accepting and closes every connection.
    public func stop() {
        lock.withLock {
            stopped = true
            // Shutting down wakes the threads blocked on these sockets; each then closes its own
            // (the accept thread the listener).
            for client in connections.union(streams) { shutdown(client, Int32(SHUT_RDWR)) }
            listening = [:]
            if listener >= 0 { shutdown(listener, Int32(SHUT_RDWR)) }
            listener = -1
        }
    }

    /// Sends an event to every page watching `page` ("*" for all): `event` names it,
    /// `data` is one line of JSON or text.
    ///
    /// Never waits: the notebook run calls this between its steps. A stream whose socket buffer
    /// has no room for the whole event (a page that stopped reading) is dropped at once; the
    /// page's EventSource discards the part that went out and connects again.
    public func send(event: String, data: String, page: String = "*") {
        let message = Array("event: \(event)\ndata: \(data.replacingOccurrences(of: "\n", with: " "))\n\n".utf8)
        lock.withLock {
            // Under the lock, so that a stream's thread cannot close the socket meanwhile; the
            // writes do not block, so the lock is held only as long as copying the bytes takes.
            let targets = listening.filter { page == "*" || $0.value == page || $0.value == "*" }.keys
            for client in targets where !Self.writeAll(client, message, waiting: false) {
                listening[client] = nil
                shutdown(client, Int32(SHUT_RDWR))      // its thread sees the end and closes it
            }
        }
    }

    /// How many pages are listening for events (for tests and logs).
    public var listeners: Int { lock.withLock { listening.count } }

    /// How many page and image connections are open (event streams not included).
    var openConnections: Int { lock.withLock { connections.count } }

    // MARK: Connections

    private func acceptLoop(_ socket: Int32) {
        defer {
            lock.withLock {
                if listener == socket { listener = -1 }
                close(socket)
            }
        }
        while true {
            let client = accept(socket, nil, nil)
            if client < 0 {
                let error = errno
                if lock.withLock({ stopped }) { return }
                switch error {
                case EINTR, ECONNABORTED, EPROTO:
                    continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors or memory for now: wait for some to be freed rather
                    // than stop serving for good.
                    Thread.sleep(forTimeInterval: 0.05)
                    continue
                default:
                    return                              // the listener itself is gone
                }
            }
            let admitted = lock.withLock { () -> Bool in
                guard !stopped, connections.count < limits.connections else { return false }
                connections.insert(client)
                return true
            }
            guard admitted else {
                // The accept thread must never block on a client: the busy answer is small
                // enough for any fresh socket's buffer, and is dropped if it does not fit.
                Self.refuse(client, waiting: false)
                continue
            }
            let thread = Thread { [self] in
                let events = serve(client)
                let isStream = lock.withLock { () -> Bool in
                    connections.remove(client)
                    guard events != nil, !stopped, streams.count < limits.streams else { return false }
                    streams.insert(client)
                    return true
                }
                // Out of both sets now: closing cannot race with `stop`.
                if let events, isStream {
                    stream(client, events)
                } else if events != nil {
                    Self.refuse(client, waiting: true)
                } else {
                    close(client)
                }
            }
            thread.start()
        }
    }

    /// Serves requests on `client` until it closes, times out or asks for events; returns that
    /// events request, or nil when the connection is done. Leaves closing to the caller, which
    /// first takes the socket out of `connections`.
    private func serve(_ client: Int32) -> HTTPRequest? {
        Self.setTimeout(client, SO_SNDTIMEO, seconds: limits.requestTimeout)
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        var deadline = Date().addingTimeInterval(limits.requestTimeout)
        while true {
            switch HTTPRequestParser.parse(buffer) {
            case .incomplete:
                // One deadline for the whole request, not one per read: a client trickling a
                // byte at a time must not keep its connection past it.
                let left = deadline.timeIntervalSinceNow
                guard left > 0 else { return nil }
                Self.setTimeout(client, SO_RCVTIMEO, seconds: left)
                let count = read(client, &chunk, chunk.count)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return nil }        // closed, or nothing in time
                buffer.append(contentsOf: chunk[0..<count])
            case let .refused(status, reason):
                _ = Self.writeAll(client, Self.response(status: status, headers: ["Connection": "close"], body: Array("\(reason)\n".utf8)))
                return nil
            case let .request(request, consumed):
                buffer.removeFirst(consumed)
                if request.target == Self.eventsPath || request.target.hasPrefix(Self.eventsPath + "?") { return request }
                guard Self.writeAll(client, respond(to: request)), request.keepsAlive else { return nil }
                deadline = Date().addingTimeInterval(limits.requestTimeout)
            }
        }
    }

    /// Keeps an admitted event stream open until its page goes away (or `send` or `stop`
    /// drops it), then closes it.
    private func stream(_ client: Int32, _ request: HTTPRequest) {
        var page = "*"
        if let query = request.target.split(separator: "?", maxSplits: 1).dropFirst().first {
            for pair in query.split(separator: "&") where pair.hasPrefix("page=") {
                page = SitePath.percentDecoded(String(pair.dropFirst(5))) ?? "*"
            }
        }
        // No receive timeout from now on: the stream is open until the page goes away.
        Self.setTimeout(client, SO_RCVTIMEO, seconds: nil)
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n: noisebook preview\n\n"
        if Self.writeAll(client, Array(head.utf8)) {
            // Registered only once the head is out, so that no event can go before it.
            lock.withLock { if !stopped { listening[client] = page } }
            // A page sends nothing after its request: reading ends when it goes away.
            var scratch = [UInt8](repeating: 0, count: 64)
            while true {
                let count = read(client, &scratch, scratch.count)
                if count > 0 || (count < 0 && errno == EINTR) { continue }
                break
            }
        }
        lock.withLock {
            listening[client] = nil
            streams.remove(client)
        }
        close(client)
    }

    /// The response to a GET or HEAD of a file.
    func respond(to request: HTTPRequest) -> [UInt8] {
        let keep = request.keepsAlive ? "keep-alive" : "close"
        guard let path = SitePath.resolve(request.target, root: root),
              var body = FileManager.default.contents(atPath: path).map({ [UInt8]($0) }) else {
            return Self.response(status: 404, headers: ["Connection": keep, "Content-Type": "text/plain; charset=utf-8"],
                                 body: request.method == "HEAD" ? [] : Array("not found\n".utf8), length: 10)
        }
        var headers = ["Connection": keep, "Content-Type": SitePath.contentType(path), "Cache-Control": "no-cache"]
        // Images are named by their content's hash: the name is the ETag.
        let name = URL(fileURLWithPath: path).lastPathComponent
        if URL(fileURLWithPath: path).deletingLastPathComponent().lastPathComponent == "images" {
            let tag = "\"" + name + "\""
            headers["ETag"] = tag
            if request.header("if-none-match")?.contains(tag) == true {
                return Self.response(status: 304, headers: headers, body: [], length: nil)
            }
        }
        if path.hasSuffix(".html") {
            body = Array(pageFilter(request.target, String(decoding: body, as: UTF8.self)).utf8)
        }
        let length = body.count
        return Self.response(status: 200, headers: headers, body: request.method == "HEAD" ? [] : body, length: length)
    }

    static func response(status: Int, headers: [String: String], body: [UInt8], length: Int? = -1) -> [UInt8] {
        let reasons = [200: "OK", 304: "Not Modified", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
                       414: "URI Too Long", 431: "Request Header Fields Too Large", 503: "Service Unavailable",
                       505: "HTTP Version Not Supported"]
        var head = "HTTP/1.1 \(status) \(reasons[status] ?? "Error")\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        if status == 405 { head += "Allow: GET, HEAD\r\n" }
        if let length { head += "Content-Length: \(length < 0 ? body.count : length)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    /// Writes all of `bytes`; false when the client has gone, or, when not `waiting`, as soon
    /// as its socket buffer is full (some of the bytes may then have gone out).
    static func writeAll(_ socket: Int32, _ bytes: [UInt8], waiting: Bool = true) -> Bool {
        let flags = Int32(MSG_NOSIGNAL) | (waiting ? 0 : Int32(MSG_DONTWAIT))
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, flags) }
            if written <= 0 {
                if written < 0, errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Answers 503 and closes `client`.
    private static func refuse(_ client: Int32, waiting: Bool) {
        _ = writeAll(client, response(status: 503, headers: ["Connection": "close", "Retry-After": "1"], body: Array("busy\n".utf8)),
                     waiting: waiting)
        close(client)
    }

    /// Sets a socket's receive or send timeout; nil waits for ever.
    private static func setTimeout(_ socket: Int32, _ option: Int32, seconds: Double?) {
        var value = timeval(tv_sec: 0, tv_usec: 0)
        if let seconds {
            // At least a millisecond: a zero timeval would mean no timeout at all.
            let clamped = max(seconds, 0.001)
            value = timeval(tv_sec: Int(clamped), tv_usec: Int((clamped - clamped.rounded(.down)) * 1_000_000))
        }
        setsockopt(socket, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    private static func listen(host: String, port: UInt16) throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw PreviewError.socket(String(cString: strerror(errno))) }
        var on: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(socket)
            throw PreviewError.badHost(host)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(socket, 128) == 0 else {
            let reason = String(cString: strerror(errno))
            close(socket)
            throw PreviewError.socket("\(host):\(port): \(reason)")
        }
        return socket
    }
}
