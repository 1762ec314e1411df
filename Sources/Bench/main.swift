import Foundation
import Tensor

// OpenBLAS reads OPENBLAS_CORETYPE only when it loads: re-execute once with the fastest
// kernel for this CPU requested, as the noisebook command does.
if let kernel = BLASRuntime.kernelOverride(), ProcessInfo.processInfo.environment["NOISEBOOK_BLAS_REEXEC"] == nil {
    setenv("NOISEBOOK_BLAS_INHERITED", BLASRuntime.coreName, 1)
    setenv("OPENBLAS_CORETYPE", kernel, 1)
    setenv("NOISEBOOK_BLAS_REEXEC", kernel, 1)
    var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) }
    argv.append(nil)
    execv("/proc/self/exe", &argv)
    FileHandle.standardError.write(Data("bench: warning: could not re-execute with OPENBLAS_CORETYPE=\(kernel)\n".utf8))
}

MemoryRuntime.keepFreedBlocks()

do {
    // A mistyped algorithm or kernel name would otherwise time the default.
    _ = try ConvolutionPolicy.from(environment: ProcessInfo.processInfo.environment)
    _ = try Float32Kernel.from(environment: ProcessInfo.processInfo.environment)
    try BenchCommand(arguments: Array(CommandLine.arguments.dropFirst())).run()
} catch {
    FileHandle.standardError.write(Data("bench: error: \(error)\n".utf8))
    if case BenchError.usage = error { exit(64) }
    if case TensorError.invalidArgument = error { exit(64) }
    exit(70)
}
