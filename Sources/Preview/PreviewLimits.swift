/// How much the preview server lets its clients take at once, and how long it waits for them.
/// The defaults suit a preview with a few pages open; tests shrink them to reach each limit
/// quickly.
public struct PreviewLimits: Equatable, Sendable {
    /// Page and image connections served at once; the next is answered 503 and closed.
    public var connections: Int
    /// Event streams open at once. They are counted apart from `connections` (a stream stays
    /// open as long as its page), so that open pages can never leave page and image requests
    /// without room; the next is answered 503 and closed.
    public var streams: Int
    /// Seconds a request has to arrive whole, and an idle keep-alive connection stays open.
    public var requestTimeout: Double

    /// Limits with the given values; the defaults are the ones `noisebook preview` uses.
    public init(connections: Int = 64, streams: Int = 16, requestTimeout: Double = 10) {
        self.connections = connections
        self.streams = streams
        self.requestTimeout = requestTimeout
    }
}
