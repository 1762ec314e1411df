#if canImport(Glibc)
import Glibc
#endif

/// Allocator settings for long numeric runs.
///
/// A UNet pass allocates and frees tens of megabytes per layer. glibc serves large blocks
/// with fresh mappings and returns them on free, so every layer faulted in (and zeroed)
/// new pages: page faults took a sixth of an IF-I-M pass. Serving every block from the
/// heap, and trimming the heap only when `trim` bytes are free at its top, lets the next
/// layer reuse the pages. Call once at start-up; it changes only how memory is recycled.
public enum MemoryRuntime {
    /// Serves all allocations from the heap and keeps up to `trim` bytes (default 1 GiB)
    /// of freed memory for reuse; returns whether the allocator accepted the settings
    /// (always false off glibc).
    @discardableResult
    public static func keepFreedBlocks(trim: Int = 1 << 30) -> Bool {
        #if canImport(Glibc)
        // mallopt is in <malloc.h>, which the Glibc module does not export: look it up.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1, mmapMax: Int32 = -4    // M_TRIM_THRESHOLD, M_MMAP_MAX
        return mallopt(mmapMax, 0) == 1 && mallopt(trimThreshold, Int32(clamping: trim)) == 1
        #else
        return false
        #endif
    }
}
