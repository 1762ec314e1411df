import Foundation
import Tensor

// OpenBLAS may load a slower kernel than the CPU supports (Debian's 0.3.21 misdetects some
// CPUs) and reads OPENBLAS_CORETYPE only when it loads: re-execute once with the right
// kernel requested.
if let kernel = BLASRuntime.kernelOverride(), ProcessInfo.processInfo.environment["NOISEBOOK_BLAS_REEXEC"] == nil {
    setenv("NOISEBOOK_BLAS_INHERITED", BLASRuntime.coreName, 1)
    setenv("OPENBLAS_CORETYPE", kernel, 1)
    setenv("NOISEBOOK_BLAS_REEXEC", kernel, 1)
    let arguments = CommandLine.arguments
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
    argv.append(nil)
    execv("/proc/self/exe", &argv)
    // execv returns only on failure: carry on with the slow kernel.
    FileHandle.standardError.write(Data("noisebook: warning: could not re-execute with OPENBLAS_CORETYPE=\(kernel); BLAS runs on its generic kernel\n".utf8))
}

// A mistyped algorithm or kernel name would otherwise run the default silently.
do {
    _ = try ConvolutionPolicy.from(environment: ProcessInfo.processInfo.environment)
    _ = try Float32Kernel.from(environment: ProcessInfo.processInfo.environment)
} catch {
    FileHandle.standardError.write(Data("noisebook: error: \(error)\n".utf8))
    exit(64)
}

MemoryRuntime.keepFreedBlocks()
exit(CommandLineTool(arguments: Array(CommandLine.arguments.dropFirst())).run())
