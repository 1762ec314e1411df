import CSGEMM

/// A product that `GEMMSplit` would cut by rows, run on noisebook's kernels as many small row
/// blocks over one shared copy of B in the kernel's panels.
///
/// Cut in two, each half of a row split packs all of B for itself, and the lanes end apart by
/// whatever made one half slower (a helper that woke late, a core shared with another
/// process): timed half against half in a forward, about 9% of a product. Here the lanes
/// first pack B once together, then take blocks of a few micro-tiles' rows from the pool's
/// counter, so they finish within about a block of each other and nothing is packed twice.
///
/// The blocks run one slice of k at a time (a loop per slice), each slice's panels small
/// enough to stay in a core's L2 while every block passes over them: a block that ran all of
/// k would stream the whole of B from memory again (an 8x8 convolution's B is megabytes).
/// Every value is the one a single call computes: a row's sums do not depend on the block it
/// falls in, and the slices are whole k blocks added to C in order (`nb_sgemm_panels`' `add`).
struct SharedPanels {
    /// Floats of packed B above which a product keeps the halves (which pack one k block at
    /// a time): a shared copy of B this large would be a pass over memory of its own.
    static let largestPanels = 1 << 23
    /// Floats of one k slice's panels (256 KB): within the L2 of every CPU noisebook targets,
    /// beside the rows of A a block reads.
    static let slicePanels = 1 << 16
    /// Row blocks per lane in each slice: enough that the last blocks even out the lanes'
    /// ends, few enough that each still reuses its panels over a few micro-tiles.
    static let blocksPerLane = 16

    /// Rows of k the kernels sum in one chain before adding to C: slices are whole ones.
    static let kBlock = Int(NB_SGEMM_K_BLOCK)

    let m, n, k: Int
    /// The kernel's `CSGEMM` code.
    let kernel: Int32
    /// The kernel's panel width, and the floats from one panel to the next.
    let panelWidth, panelStride: Int
    /// Rows of C per block: a multiple of the micro-tile's height.
    let blockRows: Int
    /// Rows of k per slice: a multiple of the kernels' k block.
    let sliceDepth: Int

    /// One block's share of the product: C's `rows` over k's `depth`, whose panels start at
    /// `panels` (row `depth.lowerBound` of the first panel), `panelStride` floats apart.
    struct Block {
        let rows: Range<Int>
        let depth: Range<Int>
        let panels: UnsafePointer<Float>
        let panelStride: Int
        /// The `CSGEMM` code of the kernel the panels were packed for.
        let kernel: Int32
        /// 1 when the block adds to C (a slice after the first), as `nb_sgemm_panels` takes it.
        var add: Int32 { depth.lowerBound > 0 ? 1 : 0 }
    }

    /// The shared-panel plan for an `[m, n]` product over `k` on `kernel`, or nil when that is
    /// OpenBLAS, when `GEMMSplit` would not cut the product by rows (one core, a small product,
    /// more columns than rows), or when its panels would exceed `largestPanels`.
    init?(m: Int, n: Int, k: Int, kernel: Float32Kernel, lanes: Int = Parallel.workers) {
        guard let code = kernel.code, lanes > 1, m > n, n > 0, k > 0, GEMMSplit.splits(m: m, n: n, k: k) else { return nil }
        let width = kernel.panelWidth, height = kernel.tileHeight
        let columns = (n + width - 1) / width * width
        guard columns * k <= SharedPanels.largestPanels else { return nil }
        let tiles = (m + height - 1) / height
        let tilesPerBlock = Swift.max(1, tiles / (lanes * SharedPanels.blocksPerLane))
        (self.m, self.n, self.k, self.kernel) = (m, n, k, code)
        (panelWidth, panelStride, blockRows) = (width, width * k, tilesPerBlock * height)
        sliceDepth = Swift.max(1, SharedPanels.slicePanels / columns / SharedPanels.kBlock) * SharedPanels.kBlock
    }

    /// Packs B (`[k, n]`, rows `ldb` apart) into panels on every lane, then, slice by slice
    /// of k, calls `body` for each block of C's rows on whichever lane is free.
    func run(b: UnsafePointer<Float>, ldb: Int, _ body: @Sendable (Block) -> Void) {
        let panels = (n + panelWidth - 1) / panelWidth
        let storage = UnsafeMutableRawPointer.allocate(byteCount: panels * panelStride * MemoryLayout<Float>.stride,
                                                       alignment: 64)
        defer { storage.deallocate() }
        let packed = SharedMutablePointer(base: storage.bindMemory(to: Float.self, capacity: panels * panelStride))
        let source = SharedPointer(base: b)
        let (m, n, k, width, panelStride, kernel) = (self.m, self.n, self.k, panelWidth, self.panelStride, self.kernel)
        let pieceRows = SharedPanels.kBlock, pieces = (k + pieceRows - 1) / pieceRows
        // [panels][k][width]: panel j's row p at j * panelStride + p * width.
        Parallel.perform(iterations: panels * pieces) { chunk in
            let (j, p0) = (chunk / pieces, (chunk % pieces) * pieceRows)
            nb_sgemm_pack(Swift.min(pieceRows, k - p0), n - j * width, source.base + p0 * ldb + j * width, ldb,
                          packed.base + j * panelStride + p0 * width, kernel)
        }
        let rows = blockRows, blocks = (m + blockRows - 1) / blockRows
        for k0 in stride(from: 0, to: k, by: sliceDepth) {
            let depth = k0..<Swift.min(k, k0 + sliceDepth)
            let slice = UnsafePointer(packed.base + k0 * width)
            Parallel.perform(iterations: blocks) { index in
                let start = index * rows
                body(Block(rows: start..<Swift.min(m, start + rows), depth: depth, panels: slice, panelStride: panelStride,
                           kernel: kernel))
            }
        }
    }
}
