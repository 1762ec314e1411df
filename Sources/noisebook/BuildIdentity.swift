import Digest
import Foundation

/// What distinguishes this build of noisebook in cache keys: its version and a digest of
/// the executable itself.
///
/// Every cached result was computed by code in this one file (the command line links every
/// module statically), so a changed built-in, sampler or kernel changes the digest and no
/// stale result is served; a rebuild from unchanged sources gives the same bytes and keeps
/// the cache. The cost is reading the executable once per run (tens of megabytes, about
/// 0.1 s), which is cheap next to any cell that calls a model.
enum BuildIdentity {
    /// `"<version> exe:<sha256>"`, or the version alone when the executable cannot be read.
    static func current(version: String) -> String {
        guard let bytes = FileManager.default.contents(atPath: "/proc/self/exe") else { return version }
        return "\(version) exe:\(SHA256.hex([UInt8](bytes)))"
    }
}
