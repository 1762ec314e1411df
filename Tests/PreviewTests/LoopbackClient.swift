import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import Preview

/// A test's client socket to a preview server on 127.0.0.1, with just enough HTTP to read
/// responses one after another on one connection.
final class LoopbackClient {
    /// One response as read: status, head (without the blank line) and body.
    struct Response {
        var status: Int
        var head: String
        var body: [UInt8]

        /// The value of header `name`, matched without regard to case.
        func header(_ name: String) -> String? {
            for line in head.components(separatedBy: "\r\n").dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private(set) var socket: Int32
    /// Bytes received and not yet handed out as a response.
    private(set) var pending = [UInt8]()

    /// Connects to `port`; `receiveBuffer` shrinks the socket's buffer (for a client that
    /// stops reading to fill it fast); reads give up after `timeout` seconds.
    init(port: UInt16, receiveBuffer: Int32? = nil, timeout: Double = 5) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        if var size = receiveBuffer {
            setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(socket)
            throw Failure(description: "connect to 127.0.0.1:\(port): \(reason)")
        }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close() }

    /// Closes the connection (once).
    func close() {
        if socket >= 0 { Glibc.close(socket) }
        socket = -1
    }

    /// Sends `text`; false when the server has gone.
    @discardableResult
    func send(_ text: String) -> Bool { PreviewServer.writeAll(socket, Array(text.utf8)) }

    /// Reads more bytes into `pending`; false at the end of the stream, on an error or when
    /// nothing came within the timeout.
    @discardableResult
    func receive() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = read(socket, &chunk, chunk.count)
        guard count > 0 else { return false }
        pending.append(contentsOf: chunk[0..<count])
        return true
    }

    /// Whether the server closed the connection: the next read sees its end (not a timeout).
    func serverClosed() -> Bool {
        var byte: UInt8 = 0
        return read(socket, &byte, 1) == 0
    }

    /// Everything until the server closes the connection.
    func readToEnd() -> [UInt8] {
        while receive() {}
        defer { pending = [] }
        return pending
    }

    /// Reads until `text` has arrived (true) or the stream ends (false).
    func receive(until text: String) -> Bool {
        while !String(decoding: pending, as: UTF8.self).contains(text) {
            guard receive() else { return false }
        }
        return true
    }

    /// The next response: its head, then as many body bytes as Content-Length says, none when
    /// `bodyless` (the answer to HEAD). What follows stays in `pending` for the next call.
    func readResponse(bodyless: Bool = false) throws -> Response {
        var split: Int?
        while split == nil {
            split = pending.indices.first { i in i + 3 < pending.count && pending[i...(i + 3)].elementsEqual([13, 10, 13, 10]) }
            if split == nil, !receive() {
                throw Failure(description: "no whole response head; got \(String(decoding: pending, as: UTF8.self).debugDescription)")
            }
        }
        guard let split else { throw Failure(description: "no response head") }
        let head = String(decoding: pending[..<split], as: UTF8.self)
        pending.removeFirst(split + 4)
        guard head.hasPrefix("HTTP/1.1 "), let status = Int(head.dropFirst(9).prefix(3)) else {
            throw Failure(description: "not a response head: \(head.debugDescription)")
        }
        var response = Response(status: status, head: head, body: [])
        let length = bodyless ? 0 : Int(response.header("content-length") ?? "0") ?? 0
        while pending.count < length {
            guard receive() else { throw Failure(description: "body ended after \(pending.count) of \(length) bytes") }
        }
        response.body = Array(pending[..<length])
        pending.removeFirst(length)
        return response
    }
}
