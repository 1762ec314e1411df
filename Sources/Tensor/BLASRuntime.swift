import COpenBLAS
import Diagnostics
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

    /// Makes OpenBLAS run every call on its calling thread, once per process.
    ///
    /// `Tensor.gemm` splits large products across the cores itself, through the same
    /// thread pool as every other parallel pass. OpenBLAS's own threads spin (calling
    /// sched_yield) for a while after each product; on a two-core machine they competed
    /// with the normalisation and transform passes that follow, and a sixth of a UNet
    /// pass's CPU time went to that spinning.
    static func singleThreaded() { _ = singleThreadedOnce }

    private static let singleThreadedOnce: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// The number of threads OpenBLAS uses.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// The fastest OpenBLAS kernel for this CPU's instruction set: "SkylakeX" with AVX-512,
    /// "Haswell" with AVX2 and FMA, "Sandybridge" with AVX; nil for older CPUs.
    public static var preferredKernel: String? {
        let flags = CPUFeatures.current
        if flags.contains("avx512f") && flags.contains("avx512bw") && flags.contains("avx512vl") { return "SkylakeX" }
        if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
        if flags.contains("avx") { return "Sandybridge" }
        return nil
    }

    /// Every OpenBLAS kernel this CPU can run, fastest first: "SkylakeX" (AVX-512), "Haswell"
    /// (AVX2 and FMA), "Sandybridge" (AVX), "Prescott" (SSE3, every x86-64 CPU). Each can be
    /// forced with `NOISEBOOK_BLAS_KERNEL`, so the tests run every GEMM path a user's CPU might
    /// take, on any machine that can execute it.
    public static var runnableKernels: [String] {
        let flags = CPUFeatures.current
        var kernels = [String]()
        if flags.contains("avx512f") && flags.contains("avx512bw") && flags.contains("avx512vl") { kernels.append("SkylakeX") }
        if flags.contains("avx2") && flags.contains("fma") { kernels.append("Haswell") }
        if flags.contains("avx") { kernels.append("Sandybridge") }
        kernels.append("Prescott")
        return kernels
    }

    /// The kernel to request through `OPENBLAS_CORETYPE` when the loaded one is not the
    /// fastest for this CPU, or nil when it already is.
    ///
    /// OpenBLAS may load a slower kernel because it misdetects the CPU (Debian's 0.3.21
    /// falls back to "Prescott" on some Xeons), or because the environment asks for an
    /// older one (`OPENBLAS_CORETYPE=Haswell` is a common blanket setting). On AVX-512 CPUs
    /// the "SkylakeX" SGEMM kernel is the fastest (also faster than "Cooperlake"'s). Set
    /// `NOISEBOOK_BLAS_KERNEL` to a kernel name to choose one yourself, or to `keep` to use
    /// whatever OpenBLAS loaded.
    public static func kernelOverride(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let wanted: String?
        switch Knob.blasKernel.value(in: environment) {
        case "keep": return nil
        case let name? where name != "auto": wanted = name
        default: wanted = preferredKernel
        }
        guard let wanted, wanted.lowercased() != coreName.lowercased() else { return nil }
        return wanted
    }

    /// Re-executes this program once with `OPENBLAS_CORETYPE` set to `kernelOverride()`'s
    /// kernel, when there is one: OpenBLAS reads the variable only when it loads, and may
    /// load a slower kernel than the CPU runs (Debian's 0.3.21 misdetects some CPUs).
    /// Returns only when no re-execution is needed, after one, or when `execv` failed (then
    /// with a warning under `program`'s name; BLAS runs on the kernel it loaded).
    public static func reexecuteForPreferredKernel(program: String) {
        guard let kernel = kernelOverride(), Knob.blasReexec.value() == nil else { return }
        setenv(Knob.blasInherited.rawValue, coreName, 1)
        setenv("OPENBLAS_CORETYPE", kernel, 1)
        setenv(Knob.blasReexec.rawValue, kernel, 1)
        var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", &argv)
        let warning = Diagnostic.line(program, "warning", "could not re-execute with OPENBLAS_CORETYPE=\(kernel); BLAS runs on the kernel it loaded")
        FileHandle.standardError.write(Data((warning + "\n").utf8))
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
