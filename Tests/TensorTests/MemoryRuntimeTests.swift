#if canImport(Glibc)
import Glibc
#endif
import XCTest
@testable import Tensor

/// `MemoryRuntime.keepFreedBlocks`: a large block, freed, is served again without faulting its
/// pages back in (glibc alone unmaps such a block on free, and the next one faults every page).
final class MemoryRuntimeTests: XCTestCase {
    #if canImport(Glibc)
    /// Minor page faults of this process so far.
    private func minorFaults() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_minflt
    }

    /// Faults taken while allocating `bytes` (with malloc, as Swift's arrays are), writing
    /// every page and freeing the block.
    private func faultsToFill(_ bytes: Int) throws -> Int {
        let before = minorFaults()
        let block = try XCTUnwrap(malloc(bytes))
        touchEveryPage(block, bytes)
        free(block)
        return minorFaults() - before
    }

    /// Writes one byte a page; kept out of the optimizer's sight, which would otherwise drop
    /// the writes and the allocation as unused.
    @inline(never) @_optimize(none)
    private func touchEveryPage(_ block: UnsafeMutableRawPointer, _ bytes: Int) {
        for offset in stride(from: 0, to: bytes, by: Int(getpagesize())) { block.storeBytes(of: 1, toByteOffset: offset, as: UInt8.self) }
    }
    #endif

    func testAFreedLargeBlockIsReusedWithoutFaults() throws {
        #if canImport(Glibc)
        XCTAssertTrue(MemoryRuntime.keepFreedBlocks())
        // 256 MiB, eight times the largest block glibc ever serves from the heap by default.
        let bytes = 1 << 28, pages = bytes / Int(getpagesize())
        _ = try faultsToFill(bytes)
        let second = try faultsToFill(bytes)
        // An unmapped block would fault every page again (65,536 of 4 KiB).
        XCTAssertLessThan(second, pages / 100, "the second fill reuses the first's pages: \(second) faults for \(pages) pages")
        #else
        throw XCTSkip("glibc only")
        #endif
    }
}
