/// How attention's work is cut: each head (of each batch item) into blocks of queries, a
/// block computed whole on one lane (its scores, their softmax and its share of the output),
/// so that a head's products are not split and rejoined three times over the cores, and a
/// block's scores stay in the core's cache between the three steps.
struct AttentionBlocks {
    /// Scores per block at most (256 KB, within a core's L2).
    static let scoresPerBlock = 65_536
    /// Blocks per lane at least, so that lanes finishing early find more (at 4, loops of eight
    /// chunks on two lanes, attention's among them, left a lane idle for 11% of their wall
    /// time). Each chunk has its own scores buffer (at most 256 KB), so this also bounds the scratch.
    static let blocksPerLane = 8

    /// Queries per block (the last block of a head may have fewer): a multiple of the
    /// `multiple` asked for where there are that many, so that the kernels' panels of query
    /// columns come out full.
    let queries: Int
    /// Chunks the blocks are dealt out in, each a run of consecutive blocks with one scores buffer.
    let chunks: Int
    /// Blocks in all.
    let count: Int
    private let blocksPerHead: Int
    private let queriesPerHead: Int
    private let perChunk: Int

    init(heads: Int, queries: Int, keys: Int, lanes: Int, multiple: Int = 1) {
        queriesPerHead = queries
        let forCache = Self.scoresPerBlock / Swift.max(1, keys)            // queries whose scores fit
        let blocksWanted = (Self.blocksPerLane * lanes + heads - 1) / heads  // per head
        let forLanes = queries / blocksWanted                                // rounded down
        var width = Swift.max(1, Swift.min(queries, forCache, forLanes))
        if multiple > 1 && width >= multiple { width = width / multiple * multiple }
        self.queries = width
        blocksPerHead = (queries + width - 1) / width
        let total = heads * blocksPerHead
        chunks = Swift.max(1, Swift.min(total, Self.blocksPerLane * lanes))
        perChunk = (total + chunks - 1) / chunks
        count = total
    }

    /// The blocks of chunk `chunk`.
    func range(ofChunk chunk: Int) -> Range<Int> {
        Swift.min(count, chunk * perChunk)..<Swift.min(count, (chunk + 1) * perChunk)
    }

    /// Block `index`: its head (batch item x heads + head) and its queries.
    func block(_ index: Int) -> (head: Int, queries: Range<Int>) {
        let (head, part) = index.quotientAndRemainder(dividingBy: blocksPerHead)
        return (head, part * queries..<Swift.min(queriesPerHead, (part + 1) * queries))
    }
}
