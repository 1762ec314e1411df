import Synchronization
import XCTest
@testable import Tensor

/// `SharedPanels`' plan (which products take it, the blocks and slices it cuts) and its run
/// (every row of C over every slice of k exactly once, in order); the values it computes are
/// checked bit for bit against one call in `Float32KernelTests` and `Float32KernelHalfTests`.
final class SharedPanelsTests: XCTestCase {
    /// noisebook's kernels this CPU runs (OpenBLAS packs for itself).
    private let kernels = Float32Kernel.allCases.filter { $0.isRunnable && $0 != .openblas }

    func testBlocksCutNoTileAndSlicesAreWholeKBlocksThatFitTheCache() throws {
        let kBlock = SharedPanels.kBlock
        for kernel in kernels {
            let height = kernel.tileHeight, width = kernel.panelWidth
            // An IF-I-L 8x8 convolution, a time projection, ragged rows and k, a thin product.
            for (m, n, k) in [(1280, 128, 11520), (1536, 1, 768), (301, 40, 2100), (576, 16, 576)] {
                for lanes in [2, 16] {
                    let plan = try XCTUnwrap(SharedPanels(m: m, n: n, k: k, kernel: kernel, lanes: lanes), "\(kernel) \(m)x\(n)x\(k)")
                    let columns = (n + width - 1) / width * width
                    XCTAssertEqual(plan.blockRows % height, 0, "\(kernel) \(m)x\(n)x\(k): blocks of whole tiles")
                    XCTAssertEqual(plan.sliceDepth % kBlock, 0, "\(kernel) \(m)x\(n)x\(k): slices of whole k blocks")
                    XCTAssertTrue(plan.sliceDepth == kBlock || plan.sliceDepth * columns <= SharedPanels.slicePanels,
                                  "\(kernel) \(m)x\(n)x\(k): a slice's panels within the cache budget")
                    // Enough blocks for every lane to take several, where there are that many tiles.
                    let tiles = (m + height - 1) / height, blocks = (m + plan.blockRows - 1) / plan.blockRows
                    XCTAssertGreaterThanOrEqual(blocks, Swift.min(tiles, lanes * SharedPanels.blocksPerLane),
                                                "\(kernel) \(m)x\(n)x\(k) on \(lanes) lanes")
                }
            }
        }
    }

    func testOnlyRowSplitsWhosePanelsFitTakeThePlan() {
        for kernel in kernels {
            XCTAssertNotNil(SharedPanels(m: 300, n: 40, k: 400, kernel: kernel, lanes: 2))
            XCTAssertNil(SharedPanels(m: 300, n: 40, k: 400, kernel: .openblas, lanes: 2), "OpenBLAS packs for itself")
            XCTAssertNil(SharedPanels(m: 300, n: 40, k: 400, kernel: kernel, lanes: 1), "one lane: one call")
            XCTAssertNil(SharedPanels(m: 40, n: 300, k: 400, kernel: kernel, lanes: 2), "more columns than rows: split by columns")
            XCTAssertNil(SharedPanels(m: 20, n: 10, k: 30, kernel: kernel, lanes: 2), "too small to split")
            XCTAssertFalse(GEMMSplit.splits(m: 20, n: 10, k: 30))
            let k = SharedPanels.largestPanels / 1000 + 1
            XCTAssertNil(SharedPanels(m: 2000, n: 1000, k: k, kernel: kernel, lanes: 2), "panels beyond the largest shared copy")
        }
    }

    func testEveryRowRunsOnceInEverySliceAndOnlyLaterSlicesAdd() throws {
        let (m, n, k) = (301, 40, 2100)
        let b = [Float](repeating: 1, count: k * n)
        for kernel in kernels {
            let plan = try XCTUnwrap(SharedPanels(m: m, n: n, k: k, kernel: kernel, lanes: 2))
            let slices = (k + plan.sliceDepth - 1) / plan.sliceDepth
            XCTAssertGreaterThan(slices, 1, "the case must cross slices")
            // Per slice, how often each row ran; and each block's slice and add flag.
            let seen = Mutex([[Int]](repeating: [Int](repeating: 0, count: m), count: slices))
            let order = Mutex([Int]())
            b.withUnsafeBufferPointer { bp in
                plan.run(b: bp.baseAddress!, ldb: n) { block in
                    let slice = block.depth.lowerBound / plan.sliceDepth
                    XCTAssertEqual(block.depth.lowerBound % plan.sliceDepth, 0)
                    XCTAssertEqual(block.add, slice > 0 ? 1 : 0)
                    // The block's panels start at its slice's first row of k.
                    XCTAssertEqual(block.panels[0], 1)
                    seen.withLock { for row in block.rows { $0[slice][row] += 1 } }
                    order.withLock { $0.append(slice) }
                }
            }
            XCTAssertEqual(seen.withLock { $0 }, [[Int]](repeating: [Int](repeating: 1, count: m), count: slices), "\(kernel)")
            // Slices one after another: no block of a slice starts before the last one's ended.
            XCTAssertEqual(order.withLock { $0 }, order.withLock { $0 }.sorted(), "\(kernel)")
        }
    }
}
