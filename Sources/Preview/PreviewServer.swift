import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// noisebook's own HTTP/1.1 server for `preview`: GET and HEAD of the files in one folder,
/// keep-alive, ETags for content-addressed images, and a Server-Sent Events stream that
/// tells open pages to reload and shows the progress of the running cell.
///
/// Built to stay up whatever a client does: it listens on loopback unless told otherwise,
/// serves at most `maximumConnections` clients at once (the next is answered 503 and
/// closed), gives each request `requestTimeout` seconds to arrive whole and each idle
/// keep-alive connection as long, and reads at most a bounded head (`HTTPRequestParser`).
public final class PreviewServer: @unchecked Sendable {
    /// The folder served.
    public let root: String
    /// The port bound.
    public private(set) var port: UInt16 = 0
    /// The address bound ("127.0.0.1" unless the caller chose another).
    public let host: String
    /// Rewrites an HTML page before it is sent (preview adds its live-reload script).
    public var pageFilter: @Sendable (String, String) -> String = { _, html in html }

    public static let maximumConnections = 64
    public static let requestTimeout: Double = 10
    /// The address clients open to receive events.
    public static let eventsPath = "/__noisebook/events"

    private var listener: Int32 = -1
    private let lock = NSLock()
    private var connections = 0
    private var streams: [Int32: String] = [:]     // SSE clients: socket -> page path they watch
    private var stopped = false

    /// A server for `root` on `host` (not yet listening).
    public init(root: String, host: String = "127.0.0.1") {
        self.root = root
        self.host = host
    }

    /// Binds the first free port from `port` on (up to 20 tries) and starts accepting.
    public func start(port first: UInt16) throws {
        for candidate in first..<(first &+ 20) {
            if let socket = try? Self.listen(host: host, port: candidate) {
                listener = socket
                port = candidate
                let thread = Thread { [self] in acceptLoop() }
                thread.name = "noisebook-preview-accept"
                thread.start()
                return
            }
        }
        throw PreviewError.noPort(first: first, host: host)
    }

    /// Stops accepting and closes every connection.
    public func stop() {
        let (socket, open) = lock.withLock { () -> (Int32, [Int32]) in
            stopped = true
            defer { streams = [:] }
            return (listener, Array(streams.keys))
        }
        for client in open { shutdown(client, Int32(SHUT_RDWR)) }
        if socket >= 0 {
            shutdown(socket, Int32(SHUT_RDWR))
            close(socket)
        }
    }

    /// Sends an event to every page watching `page` ("*" for all): `event` names it,
    /// `data` is one line of JSON or text.
    public func send(event: String, data: String, page: String = "*") {
        let message = Array("event: \(event)\ndata: \(data.replacingOccurrences(of: "\n", with: " "))\n\n".utf8)
        let targets = lock.withLock { streams.filter { page == "*" || $0.value == page || $0.value == "*" }.map(\.key) }
        for client in targets where !Self.writeAll(client, message) {
            lock.withLock { streams[client] = nil }
            shutdown(client, Int32(SHUT_RDWR))
        }
    }

    /// How many pages are listening for events (for tests and logs).
    public var listeners: Int { lock.withLock { streams.count } }

    // MARK: Connections

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if lock.withLock({ stopped }) { return }
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            let admitted = lock.withLock { () -> Bool in
                guard connections < Self.maximumConnections else { return false }
                connections += 1
                return true
            }
            guard admitted else {
                _ = Self.writeAll(client, Self.response(status: 503, headers: ["Connection": "close", "Retry-After": "1"], body: Array("busy\n".utf8)))
                close(client)
                continue
            }
            let thread = Thread { [self] in
                serve(client)
                lock.withLock { connections -= 1 }
            }
            thread.start()
        }
    }

    private func serve(_ client: Int32) {
        var timeout = timeval(tv_sec: Int(Self.requestTimeout), tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        var deadline = Date().addingTimeInterval(Self.requestTimeout)
        while true {
            switch HTTPRequestParser.parse(buffer) {
            case .incomplete:
                guard Date() < deadline else { close(client); return }      // too slow: drop it
                let count = read(client, &chunk, chunk.count)
                guard count > 0 else { close(client); return }            // closed, or idle too long
                buffer.append(contentsOf: chunk[0..<count])
            case let .refused(status, reason):
                _ = Self.writeAll(client, Self.response(status: status, headers: ["Connection": "close"], body: Array("\(reason)\n".utf8)))
                close(client)
                return
            case let .request(request, consumed):
                buffer.removeFirst(consumed)
                if request.target.hasPrefix(Self.eventsPath) {
                    openStream(client, request)
                    return                                                  // the stream keeps the socket
                }
                guard Self.writeAll(client, respond(to: request)), request.keepsAlive else { close(client); return }
                deadline = Date().addingTimeInterval(Self.requestTimeout)
            }
        }
    }

    private func openStream(_ client: Int32, _ request: HTTPRequest) {
        var page = "*"
        if let query = request.target.split(separator: "?", maxSplits: 1).dropFirst().first {
            for pair in query.split(separator: "&") where pair.hasPrefix("page=") {
                page = SitePath.percentDecoded(String(pair.dropFirst(5))) ?? "*"
            }
        }
        // No receive timeout from now on: the stream is open until the page goes away.
        var none = timeval(tv_sec: 0, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &none, socklen_t(MemoryLayout<timeval>.size))
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n: noisebook preview\n\n"
        guard Self.writeAll(client, Array(head.utf8)) else { close(client); return }
        lock.withLock { streams[client] = page }
        // Wait for the client to go away, then forget it.
        var byte = [UInt8](repeating: 0, count: 64)
        while read(client, &byte, byte.count) > 0 {}
        lock.withLock { streams[client] = nil }
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

    /// Writes all of `bytes`; false when the client has gone.
    static func writeAll(_ socket: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 {
                if written < 0, errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
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
            close(socket)
            throw PreviewError.socket(String(cString: strerror(errno)))
        }
        return socket
    }
}

/// Why the preview server could not start.
public enum PreviewError: Error, CustomStringConvertible, Sendable {
    case noPort(first: UInt16, host: String)
    case socket(String)
    case badHost(String)

    public var description: String {
        switch self {
        case let .noPort(first, host): return "no free port on \(host) from \(first) to \(first &+ 19)"
        case let .socket(reason): return "cannot listen: \(reason)"
        case let .badHost(host): return "--host must be an IPv4 address, got '\(host)'"
        }
    }
}
