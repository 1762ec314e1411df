/// How attention's work is cut: each head (of each batch item) into blocks of query rows, a
/// block computed whole on one lane (its scores, their softmax and its share of the output),
/// so that a head's products are not split and rejoined three times over the cores, and a
/// block's scores stay in the core's cache between the three steps.
struct AttentionBlocks {
    /// Scores per block at most (256 KB, within a core's L2).
    static let scoresPerBlock = 65_536
    /// Blocks per lane at least, so that lanes finishing early find more.
    static let blocksPerLane = 4

    /// Query rows per block (the last block of a head may have fewer).
    let rows: Int
    /// Chunks the blocks are dealt out in, each a run of consecutive blocks with one scores buffer.
    let chunks: Int
    /// Blocks in all.
    let count: Int
    private let blocksPerHead: Int
    private let queries: Int
    private let perChunk: Int

    init(heads: Int, queries: Int, keys: Int, lanes: Int) {
        self.queries = queries
        let forCache = Self.scoresPerBlock / Swift.max(1, keys)            // rows whose scores fit
        let blocksWanted = (Self.blocksPerLane * lanes + heads - 1) / heads  // per head
        let forLanes = queries / blocksWanted                                // rows, rounded down
        rows = Swift.max(1, Swift.min(queries, forCache, forLanes))
        blocksPerHead = (queries + rows - 1) / rows
        let total = heads * blocksPerHead
        chunks = Swift.max(1, Swift.min(total, Self.blocksPerLane * lanes))
        perChunk = (total + chunks - 1) / chunks
        count = total
    }

    /// The blocks of chunk `chunk`.
    func range(ofChunk chunk: Int) -> Range<Int> {
        Swift.min(count, chunk * perChunk)..<Swift.min(count, (chunk + 1) * perChunk)
    }

    /// Block `index`: its head (batch item x heads + head) and its query rows.
    func block(_ index: Int) -> (head: Int, rows: Range<Int>) {
        let (head, part) = index.quotientAndRemainder(dividingBy: blocksPerHead)
        return (head, part * rows..<Swift.min(queries, (part + 1) * rows))
    }
}
