import Digest
import Pipeline
import Script

/// Everything a cell's result depends on. Its hash is the cell's cache key; comparing two
/// of them says why a cell re-ran.
struct CellKeyInputs: Codable, Equatable, Sendable {
    /// noisebook's version: a new version may compute differently.
    var version: String
    /// SHA-256 of the cell's normalized source.
    var sourceHash: String
    /// The notebook's seed.
    var seed: UInt64
    /// For each name the cell reads from outside: `value=<digest>` of the value it reads
    /// (so an upstream edit that leaves the value as it was re-runs nothing downstream), or
    /// `parameter=<value>` for a front-matter parameter.
    var reads: [String: String]
    /// The identity of each part of the model the cell's calls declare they read
    /// (`HostState` raw value -> `ModelChoice.identity(of:)`); a cell that reads none has none.
    var host: [String: String] = [:]

    /// The cache key: SHA-256 over a canonical rendering of the inputs.
    var key: String {
        var text = "noisebook-cell-key-v3\nversion=\(version)\nsource=\(sourceHash)\nseed=\(seed)\n"
        for name in reads.keys.sorted() { text += "read \(name)=\(reads[name] ?? "")\n" }
        for name in host.keys.sorted() { text += "host \(name)=\(host[name] ?? "")\n" }
        return SHA256.hex(text)
    }

    /// The first input that differs from `previous`, in words, for the run log.
    func change(since previous: CellKeyInputs) -> String {
        // Another build changes every key; say so rather than blame the inputs it changed.
        if previous.version != version { return "noisebook version changed" }
        if previous.sourceHash != sourceHash { return "source edited" }
        if previous.seed != seed { return "seed changed" }
        for name in Set(reads.keys).union(previous.reads.keys).sorted() where reads[name] != previous.reads[name] {
            guard let now = reads[name] else { return "no longer reads '\(name)'" }
            if now.hasPrefix("parameter=") { return "parameter '\(name)' changed" }
            return previous.reads[name] == nil ? "now reads '\(name)'" : "'\(name)' changed"
        }
        for state in HostState.allCases where host[state.rawValue] != previous.host[state.rawValue] { return state.changed }
        return "cache entry missing"
    }

    /// A cell's source as keyed: its tokens (`SourceKey`), so that comments and spacing inside
    /// lines do not invalidate results; a cell that does not lex is keyed on its text with
    /// trailing spaces and surrounding blank lines removed.
    static func normalize(_ source: String) -> String {
        if let tokens = SourceKey.canonical(source) { return "tokens-v1\n" + tokens }
        var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            var l = line
            while let last = l.last, last == " " || last == "\t" || last == "\r" { l = l.dropLast() }
            return l
        }
        while lines.first?.isEmpty == true { lines.removeFirst() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
