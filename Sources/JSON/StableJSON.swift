import Foundation

/// The one way noisebook writes JSON with Foundation's encoder: keys sorted, so a value
/// always gives the same bytes (cache keys and digests are taken over them), and indented
/// for files people read.
public enum StableJSON {
    /// `value` encoded with sorted keys; `pretty` adds line breaks and indentation.
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        return try encoder.encode(value)
    }
}
