import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What OpenBLAS runs on this machine, and how to make it pick the right kernel.
///
/// Debian's OpenBLAS 0.3.21 does not recognise some recent x86 CPUs and falls back to
/// its generic "Prescott" kernel, about ten times slower than the AVX-512 one. The
/// library reads `OPENBLAS_CORETYPE` only when it is loaded, so the fix must happen
/// before `main` runs: the CLI checks `kernelOverride()` and re-executes itself with the
/// variable set (see `noisebook`'s entry point).
public enum BLASRuntime {
    /// The kernel OpenBLAS chose, e.g. "SkylakeX" or "Prescott".
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's build configuration string.
    public static var configuration: String {
        guard let config = openblas_get_config() else { return "unknown" }
        return String(cString: config)
    }

    /// The number of threads OpenBLAS uses.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// The kernel to request through `OPENBLAS_CORETYPE`, when OpenBLAS chose a slower
    /// generic kernel than the CPU supports; nil when its choice is already right or the
    /// user set the variable themselves.
    public static func kernelOverride(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if environment["OPENBLAS_CORETYPE"] != nil { return nil }
        let genericKernels: Set<String> = ["prescott", "core2", "nehalem", "atom", "katmai", "coppermine", "northwood", "unknown"]
        guard genericKernels.contains(coreName.lowercased()) else { return nil }
        let flags = CPUFeatures.current
        if flags.contains("avx512f") && flags.contains("avx512bw") && flags.contains("avx512vl") { return "SkylakeX" }
        if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
        if flags.contains("avx") { return "Sandybridge" }
        return nil
    }

    /// Measured single-precision GEMM throughput, in GFLOP/s, for `size`^3 products
    /// (best of `repeats` after one warm-up).
    public static func measureSGEMM(size: Int = 1024, repeats: Int = 5) -> Double {
        let a = [Float](repeating: 0.5, count: size * size)
        let b = [Float](repeating: 0.25, count: size * size)
        var c = [Float](repeating: 0, count: size * size)
        var best = Double.infinity
        for run in 0...repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        guard let ab = ap.baseAddress, let bb = bp.baseAddress, let cb = cp.baseAddress else { return }
                        Tensor.gemm(m: size, n: size, k: size, a: ab, lda: size, b: bb, ldb: size, c: cb, ldc: size)
                    }
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if run > 0 { best = Swift.min(best, seconds) }
        }
        return 2 * pow(Double(size), 3) / best / 1e9
    }
}

/// CPU feature flags as the kernel reports them in `/proc/cpuinfo`.
enum CPUFeatures {
    static var current: Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }
}
