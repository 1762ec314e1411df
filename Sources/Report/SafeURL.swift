/// Decides which addresses from a notebook may appear in `href` and `src` attributes.
///
/// Links may point anywhere a reader can choose to follow (relative, `#`, http(s), mailto)
/// but never at script (`javascript:` and other schemes). Images must be local: a remote
/// `src` would make the page fetch from another host when opened.
enum SafeURL {
    /// The address for an `href`, or nil when it must not be linked.
    static func link(_ raw: String) -> String? {
        let url = trimmed(raw)
        guard let scheme = scheme(of: url) else { return relative(url) }
        return ["http", "https", "mailto"].contains(scheme) ? url : nil
    }

    /// The address for an image `src`, or nil when it is remote or has a scheme other than
    /// an inline `data:image/` one.
    static func localImage(_ raw: String) -> String? {
        let url = trimmed(raw)
        if url.hasPrefix("//") || url.hasPrefix("\\\\") { return nil }
        guard let scheme = scheme(of: url) else { return relative(url) }
        return scheme == "data" && url.lowercased().hasPrefix("data:image/") ? url : nil
    }

    /// Whether an image address is remote (so it can be offered as a link instead).
    static func isRemote(_ raw: String) -> Bool {
        let url = trimmed(raw)
        let scheme = scheme(of: url)
        return url.hasPrefix("//") || scheme == "http" || scheme == "https"
    }

    /// The lowercased scheme when `url` starts with one (`letters+digits+.-` then `:`,
    /// before any `/`, `?` or `#`).
    static func scheme(of url: String) -> String? {
        var name = ""
        for scalar in url.unicodeScalars {
            if scalar == ":" { break }
            if scalar == "/" || scalar == "?" || scalar == "#" { return nil }
            name.unicodeScalars.append(scalar)
        }
        guard name.count < url.unicodeScalars.count, let first = name.unicodeScalars.first,
              first.isASCII, first.properties.isAlphabetic,
              name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0)) })
        else { return nil }
        return name.lowercased()
    }

    /// A relative address; one whose first segment holds a `:` gets `./` so that no browser
    /// reads that part as a scheme.
    private static func relative(_ url: String) -> String {
        let firstSegment = url.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return firstSegment.contains(":") ? "./" + url : url
    }

    /// Browsers ignore surrounding whitespace and control characters in addresses, so they
    /// are removed before the scheme is judged.
    private static func trimmed(_ url: String) -> String {
        let scalars = url.unicodeScalars.filter { $0.value > 0x20 || $0 == " " }
        let text = String(String.UnicodeScalarView(scalars))
        return String(text.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
