import Foundation
import Tensor

BLASRuntime.reexecuteForPreferredKernel(program: "bench")

MemoryRuntime.keepFreedBlocks()

do {
    // A mistyped algorithm or kernel name would otherwise time the default.
    _ = try ConvolutionPolicy.from(environment: ProcessInfo.processInfo.environment)
    _ = try Float32Kernel.from(environment: ProcessInfo.processInfo.environment)
    _ = try Parallel.workers(environment: ProcessInfo.processInfo.environment)
    try BenchCommand(arguments: Array(CommandLine.arguments.dropFirst())).run()
} catch {
    FileHandle.standardError.write(Data("bench: error: \(error)\n".utf8))
    if case BenchError.usage = error { exit(64) }
    if case TensorError.invalidArgument = error { exit(64) }
    exit(70)
}
