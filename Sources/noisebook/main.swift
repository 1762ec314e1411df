import Diagnostics
import Foundation
import Tensor

BLASRuntime.reexecuteForPreferredKernel(program: "noisebook")

// A mistyped algorithm or kernel name would otherwise run the default silently.
do {
    _ = try ConvolutionPolicy.from(environment: ProcessInfo.processInfo.environment)
    _ = try Float32Kernel.from(environment: ProcessInfo.processInfo.environment)
    _ = try Parallel.workers(environment: ProcessInfo.processInfo.environment)
} catch {
    printError(Diagnostic("\(error)", status: .usage).rendered(program: "noisebook"))
    exit(ExitCode.usage)
}

MemoryRuntime.keepFreedBlocks()
exit(CommandLineTool(arguments: Array(CommandLine.arguments.dropFirst())).run())
