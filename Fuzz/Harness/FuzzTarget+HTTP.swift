import Preview

extension FuzzTarget {
    /// The request parser never throws: it answers every input with a request, a refusal or
    /// "more bytes needed"; these are the invariants the server relies on.
    func runHTTP(_ bytes: [UInt8]) {
        switch HTTPRequestParser.parse(bytes) {
        case .incomplete:
            if bytes.count > HTTPRequestParser.maximumHeadLength {
                fatalError("http: \(bytes.count) bytes still incomplete, past the head limit")
            }
        case let .request(request, consumed):
            guard consumed > 0, consumed <= bytes.count else { fatalError("http: consumed \(consumed) of \(bytes.count)") }
            guard request.method == "GET" || request.method == "HEAD", request.target.hasPrefix("/") else {
                fatalError("http: accepted \(request.method) \(request.target)")
            }
            // The path mapping never escapes its folder: a root that does not exist serves nothing.
            if SitePath.resolve(request.target, root: "/nonexistent-fuzz-root") != nil { fatalError("http: served \(request.target)") }
        case let .refused(status, _):
            guard [400, 405, 414, 431, 505].contains(status) else { fatalError("http: unexpected status \(status)") }
        }
    }
}
