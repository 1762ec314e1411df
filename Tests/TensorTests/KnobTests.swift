import Foundation
import Tensor
import XCTest

/// The knob table lists exactly the values each reader accepts, and each reader refuses any
/// other value with an error naming the variable.
final class KnobTests: XCTestCase {
    func testTheTableListsWhatEachReaderAccepts() throws {
        XCTAssertEqual(Knob.sgemmKernel.values, ["auto"] + Float32Kernel.allCases.map(\.rawValue))
        XCTAssertEqual(Knob.bf16Kernel.values, ["auto"] + BFloat16Kernel.allCases.map(\.rawValue))
        XCTAssertEqual(Set(Knob.winograd.values ?? []), Set(["auto", "off"] + WinogradTile.allCases.map(\.rawValue)))
        for value in Knob.winograd.values ?? [] {
            XCTAssertNoThrow(try ConvolutionPolicy.from(environment: [Knob.winograd.rawValue: value]), value)
        }
        XCTAssertEqual(try Float32Kernel.from(environment: [Knob.sgemmKernel.rawValue: "portable"]), .portable)
        XCTAssertEqual(try BFloat16Kernel.from(environment: [Knob.bf16Kernel.rawValue: "portable"]), .portable)
    }

    func testAnUnlistedValueIsRefusedNamingTheVariable() {
        let readers: [(Knob, () throws -> Void)] = [
            (.sgemmKernel, { _ = try Float32Kernel.from(environment: ["NOISEBOOK_SGEMM_KERNEL": "fast"]) }),
            (.bf16Kernel, { _ = try BFloat16Kernel.from(environment: ["NOISEBOOK_BF16_KERNEL": "fast"]) }),
            (.winograd, { _ = try ConvolutionPolicy.from(environment: ["NOISEBOOK_WINOGRAD": "fast"]) }),
        ]
        for (knob, read) in readers {
            XCTAssertThrowsError(try read()) { error in
                let expected = "\(knob.rawValue)=fast: expected " + (knob.values ?? []).dropLast().joined(separator: ", ")
                    + " or " + (knob.values?.last ?? "")
                XCTAssertEqual("\(error)", expected)
            }
        }
    }

    func testEmptyMeansUnset() {
        XCTAssertNil(Knob.models.value(in: ["NOISEBOOK_MODELS": ""]))
        XCTAssertEqual(Knob.models.value(in: ["NOISEBOOK_MODELS": "/m"]), "/m")
        XCTAssertEqual(try ConvolutionPolicy.from(environment: ["NOISEBOOK_WINOGRAD": ""]), .automatic)
    }

    /// NOISEBOOK_THREADS caps the workers at a whole number of at least 1, never above the cores.
    func testThreadsCapTheWorkers() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        XCTAssertEqual(try Parallel.workers(environment: [:]), cores)
        XCTAssertEqual(try Parallel.workers(environment: ["NOISEBOOK_THREADS": "1"]), 1)
        XCTAssertEqual(try Parallel.workers(environment: ["NOISEBOOK_THREADS": "4096"]), cores)
        for bad in ["0", "-2", "two", "1.5"] {
            XCTAssertThrowsError(try Parallel.workers(environment: ["NOISEBOOK_THREADS": bad])) { error in
                XCTAssertEqual("\(error)", "NOISEBOOK_THREADS=\(bad): expected a whole number of threads, at least 1")
            }
        }
    }
}
