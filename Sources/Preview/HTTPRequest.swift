/// One HTTP/1.x request as the preview server reads it: GET or HEAD only.
public struct HTTPRequest: Equatable, Sendable {
    /// "GET" or "HEAD".
    public var method: String
    /// The request target as sent, e.g. "/images/abc.png?x=1".
    public var target: String
    /// "HTTP/1.1" or "HTTP/1.0".
    public var version: String
    /// Header fields, names lowercased, in order.
    public var headers: [(name: String, value: String)]

    public static func == (a: HTTPRequest, b: HTTPRequest) -> Bool {
        a.method == b.method && a.target == b.target && a.version == b.version
            && a.headers.count == b.headers.count && zip(a.headers, b.headers).allSatisfy { $0 == $1 }
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }

    /// Whether the connection stays open after the response (HTTP/1.1 unless "close";
    /// HTTP/1.0 only with "keep-alive").
    public var keepsAlive: Bool {
        let connection = header("connection")?.lowercased() ?? ""
        return version == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
    }
}

/// What reading a request from the bytes received so far gives.
public enum HTTPParse: Equatable, Sendable {
    /// More bytes are needed.
    case incomplete
    /// A whole request, and how many bytes it took.
    case request(HTTPRequest, consumed: Int)
    /// A request the server refuses: the status to answer with, and why.
    case refused(status: Int, reason: String)
}

/// Reads HTTP/1.x requests from raw bytes, strictly and within bounds, so a misbehaving
/// client gets an error status instead of holding memory: the request line may be at most
/// `maximumLineLength` bytes, the whole head `maximumHeadLength`, with `maximumHeaders`
/// fields; only GET and HEAD are served, and a request with a body is refused.
public enum HTTPRequestParser {
    public static let maximumLineLength = 8 * 1024
    public static let maximumHeadLength = 16 * 1024
    public static let maximumHeaders = 64

    /// The first request in `bytes`.
    public static func parse(_ bytes: [UInt8]) -> HTTPParse {
        // The head ends at the first empty line (CRLF CRLF, or LF LF from lax clients).
        guard let end = headEnd(bytes) else {
            if let firstLine = bytes.firstIndex(of: 10), firstLine > maximumLineLength { return .refused(status: 414, reason: "request line too long") }
            if bytes.firstIndex(of: 10) == nil, bytes.count > maximumLineLength { return .refused(status: 414, reason: "request line too long") }
            return bytes.count > maximumHeadLength ? .refused(status: 431, reason: "request header fields too large") : .incomplete
        }
        guard end.headLength <= maximumHeadLength else { return .refused(status: 431, reason: "request header fields too large") }
        // Lines are split on bytes: in Swift "\r\n" is one Character, so splitting the text on
        // "\n" would not find them.
        var lines = [Substring]()
        for raw in bytes[0..<end.headLength].split(separator: 10, omittingEmptySubsequences: false) {
            let trimmed = raw.last == 13 ? raw.dropLast() : raw
            guard let line = String(bytes: trimmed, encoding: .utf8) else { return .refused(status: 400, reason: "request head is not UTF-8") }
            lines.append(Substring(line))
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let requestLine = lines.first else { return .refused(status: 400, reason: "empty request") }
        guard requestLine.utf8.count <= maximumLineLength else { return .refused(status: 414, reason: "request line too long") }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[1].isEmpty else { return .refused(status: 400, reason: "malformed request line") }
        let (method, target, version) = (String(parts[0]), String(parts[1]), String(parts[2]))
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { return .refused(status: 505, reason: "HTTP version not supported") }
        guard method == "GET" || method == "HEAD" else { return .refused(status: 405, reason: "only GET and HEAD are served") }
        guard target.hasPrefix("/"), target.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            return .refused(status: 400, reason: "malformed request target")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard headers.count < maximumHeaders else { return .refused(status: 431, reason: "too many header fields") }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  !line[..<colon].contains(where: { $0 == " " || $0 == "\t" }) else {
                return .refused(status: 400, reason: "malformed header field")
            }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            headers.append((name, value))
        }
        let request = HTTPRequest(method: method, target: target, version: version, headers: headers)
        if let length = request.header("content-length"), length != "0" {
            return .refused(status: 400, reason: "requests with a body are not served")
        }
        if request.header("transfer-encoding") != nil { return .refused(status: 400, reason: "requests with a body are not served") }
        if version == "HTTP/1.1", request.header("host") == nil { return .refused(status: 400, reason: "missing Host header") }
        return .request(request, consumed: end.total)
    }

    /// Where the head ends: its length without the blank line, and with it.
    private static func headEnd(_ bytes: [UInt8]) -> (headLength: Int, total: Int)? {
        var i = 0
        while i < bytes.count {
            if bytes[i] == 10 {
                if i + 1 < bytes.count, bytes[i + 1] == 10 { return (i + 1, i + 2) }
                if i + 2 < bytes.count, bytes[i + 1] == 13, bytes[i + 2] == 10 { return (i + 1, i + 3) }
            }
            i += 1
        }
        return nil
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
