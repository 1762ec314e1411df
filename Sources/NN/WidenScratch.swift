import Foundation

/// One Float32 buffer that half-precision layers of a model take turns to widen into.
///
/// A model kept in fp16 needs Float32 weights only for the layer that is running, so the
/// whole model shares this buffer, grown to its largest layer. A second thread arriving
/// while the buffer is in use gets a fresh allocation instead of waiting.
package final class WidenScratch: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer: UnsafeMutablePointer<Float>?
    private var capacity = 0

    deinit { buffer?.deallocate() }

    /// Fills the first `count` floats of the buffer with `fill`, then calls `body` on them.
    package func withBuffer<R>(count: Int, fill: (UnsafeMutablePointer<Float>) -> Void,
                       _ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        guard lock.try() else { return try WidenScratch.withFreshBuffer(count: count, fill: fill, body) }
        defer { lock.unlock() }
        if capacity < count || buffer == nil {
            buffer?.deallocate()
            buffer = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(count, 1))
            capacity = Swift.max(count, 1)
        }
        guard let buffer else { return try WidenScratch.withFreshBuffer(count: count, fill: fill, body) }
        fill(buffer)
        return try body(UnsafePointer(buffer))
    }

    /// The same with a buffer allocated for this call only.
    package static func withFreshBuffer<R>(count: Int, fill: (UnsafeMutablePointer<Float>) -> Void,
                                   _ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        let fresh = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(count, 1))
        defer { fresh.deallocate() }
        fill(fresh)
        return try body(UnsafePointer(fresh))
    }
}
