extension Array where Element == Float {
    /// `count` floats, every one of which `body` writes (usually from a parallel loop).
    ///
    /// Not zeroed first: zeroing is a pass over the whole array on the calling lane while
    /// the other lanes wait (a serial pass of every layer that makes its output this way).
    /// `body` gets the first element's address, and must write all `count`.
    init(writtenWhole count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> Void) rethrows {
        self = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress, count > 0 { try body(base) }
            initialized = count
        }
    }
}
