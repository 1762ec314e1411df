import Foundation

/// Maps a request target to a file inside the served folder, or to nothing: the only files
/// served are regular files whose real path (every symbolic link resolved) lies inside the
/// folder's real path. `..` and `.` segments, also percent-encoded (`%2e%2e`), encoded
/// slashes and NUL are refused outright.
public enum SitePath {
    /// The file `target` names under `root`, or nil (answered with 404).
    public static func resolve(_ target: String, root: String) -> String? {
        var path = target
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<cut]) }
        guard path.hasPrefix("/"), let decoded = percentDecoded(path) else { return nil }
        var segments = [String]()
        for segment in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            guard segment != "..", segment != ".", !segment.contains("\0"), !segment.contains("\\") else { return nil }
            segments.append(String(segment))
        }
        // A folder's address serves its index page.
        if segments.isEmpty || decoded.hasSuffix("/") { segments.append("index.html") }
        let rootReal = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        let candidate = URL(fileURLWithPath: rootReal).appendingPathComponent(segments.joined(separator: "/"))
        let real = candidate.resolvingSymlinksInPath().path
        guard real.hasPrefix(rootReal + "/") else { return nil }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isFolder), !isFolder.boolValue else { return nil }
        return real
    }

    /// `%XX` escapes decoded; nil for a malformed escape, an encoded slash or NUL, or bytes
    /// that are not UTF-8.
    static func percentDecoded(_ text: String) -> String? {
        var bytes = [UInt8]()
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            let decoded = high << 4 | low
            guard decoded != 0, decoded != UInt8(ascii: "/") else { return nil }
            bytes.append(decoded)
        }
        return String(bytes: bytes, encoding: .utf8)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The content type of a served file, by extension.
    public static func contentType(_ path: String) -> String {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "html", "htm": return "text/html; charset=utf-8"
        case "png": return "image/png"
        case "json": return "application/json"
        case "svg": return "image/svg+xml"
        case "css": return "text/css; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "txt", "md": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }
}
