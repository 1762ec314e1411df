/// A byte trie of vocabulary pieces: from any position of a normalized string it yields each
/// piece that starts there, shortest first, in time proportional to the longest match rather
/// than to the vocabulary's size.
///
/// SentencePiece uses a Darts double array built from the pieces at load; any trie gives the
/// same matches. This one keeps one dictionary of edges keyed by (node, byte), compact enough
/// for T5's 32,000 pieces and cheap to build.
struct PieceTrie: Sendable {
    /// Edges: `node << 8 | byte` to the child node.
    private var edges: [Int: Int32] = [:]
    /// Per node, the value of the key that ends there, or -1.
    private var values: [Int32] = [-1]

    /// The root node, where every walk starts.
    static let root = 0

    /// A trie holding `keys`; a key that occurs twice keeps its last value (callers refuse
    /// duplicates before building).
    init<Keys: Sequence>(_ keys: Keys) where Keys.Element == (bytes: [UInt8], value: Int) {
        for (bytes, value) in keys {
            var node = Self.root
            for byte in bytes {
                let edge = node << 8 | Int(byte)
                if let next = edges[edge] {
                    node = Int(next)
                } else {
                    let next = values.count
                    values.append(-1)
                    edges[edge] = Int32(next)
                    node = next
                }
            }
            values[node] = Int32(value)
        }
    }

    /// Whether the trie holds no keys.
    var isEmpty: Bool { values.count == 1 && values[0] < 0 }

    /// The node reached from `node` by `byte`, or nil when no key continues that way.
    func child(of node: Int, byte: UInt8) -> Int? {
        edges[node << 8 | Int(byte)].map(Int.init)
    }

    /// The value of the key that ends at `node`, or nil when none ends there.
    func value(at node: Int) -> Int? {
        let value = values[node]
        return value < 0 ? nil : Int(value)
    }

    /// The length in bytes of the longest key that is a prefix of `input[start...]`, or 0.
    func longestPrefix(of input: [UInt8], from start: Int) -> Int {
        var node = Self.root
        var longest = 0
        var index = start
        while index < input.count, let next = child(of: node, byte: input[index]) {
            node = next
            index += 1
            if values[node] >= 0 { longest = index - start }
        }
        return longest
    }
}
