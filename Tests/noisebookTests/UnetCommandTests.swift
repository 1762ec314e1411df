import Foundation
import Tensor
import Weights
import TestSupport
import XCTest

/// `noisebook unet` on diffusers-made IF-shaped models reproduces diffusers' output.
/// Fixtures: Tests/DeepFloydTests/Fixtures/tiny-{a,b}, made by tools/make_if_fixtures.py, and
/// stage2/sr-{a,b} (stage II shaped, 6 input channels, class labels), made by
/// tools/make_stage2_fixtures.py.
final class UnetCommandTests: CommandTestCase {
    private struct Expected: Decodable {
        var timesteps: [Int]
        var class_labels: [Int]?
        var output_shape: [Int]
        var output: [Float]
        var max_abs_output: Float
    }

    private static let fixtures = FixtureSnapshot.fixtures

    /// Lays the fixture `model` out as a snapshot folder (unet/, scheduler/) and writes its
    /// inputs as x.npy and e.npy (the embeddings as `embeddingsType`); returns the folder.
    private func layOut(model: String, weightsFile: String, embeddingsType: DType) throws -> String {
        let fixtures = Self.fixtures
        let snapshot = scratch + "/snapshot"
        try FixtureSnapshot.layOut(model: model, weightsFile: weightsFile, into: snapshot)
        let inputs = try SafetensorsFile(path: "\(fixtures)/\(model)/inputs.safetensors")
        try NPYFile.write(try inputs.tensor(named: "x"), to: scratch + "/x.npy")
        try NPYFile.write(try inputs.tensor(named: "encoder_hidden_states"), to: scratch + "/e.npy", dtype: embeddingsType)
        return snapshot
    }

    /// Runs the command on the laid-out fixture and compares with diffusers' output.
    private func check(model: String, weightsFile: String, dtype: String = "f32", environment: [String: String] = [:]) throws {
        let fixtures = Self.fixtures
        let snapshot = try layOut(model: model, weightsFile: weightsFile, embeddingsType: .f16)
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/\(model)/expected.json")))

        let result = try noisebook(["unet", "--weights", snapshot, "--sample", "x.npy",
                                    "--timesteps", expected.timesteps.map(String.init).joined(separator: ","),
                                    "--embeddings", "e.npy", "--out", "y.npy", "--dtype", dtype]
                                   + (expected.class_labels.map { ["--class-labels", $0.map(String.init).joined(separator: ",")] } ?? []),
                                   environment: environment)
        XCTAssertEqual(result.status, 0, result.err)
        let output = try NPYFile.read(scratch + "/y.npy")
        XCTAssertEqual(output.shape, expected.output_shape)
        XCTAssertEqual(output.shape[0], 2, "the fixture is batched")
        // The embeddings went through fp16 .npy here while diffusers saw fp32 ones, so the
        // comparison is at the tolerance: 1e-4 of the largest output magnitude
        // (fp16 output adds its own rounding, 2^-11 relative).
        let tolerance = (dtype == "f16" ? 1e-3 : 1e-4) * expected.max_abs_output
        let worst = maxAbsDifference(Array(output.scalars), Array(expected.output))
        XCTAssertLessThanOrEqual(worst, tolerance, "max difference \(worst) from diffusers")
    }

    func testFP32WeightsMatchDiffusers() throws {
        try check(model: "tiny-a", weightsFile: "diffusion_pytorch_model.safetensors")
    }

    /// Each OpenBLAS kernel this CPU can execute, forced as users (and CI) can force it, gives
    /// diffusers' output: every GEMM path is exercised here, not only the one this CPU prefers.
    func testEveryBLASKernelThisCPUCanRunMatchesDiffusers() throws {
        let kernels = BLASRuntime.runnableKernels
        XCTAssertEqual(kernels.last, "Prescott", "the baseline kernel runs everywhere")
        for kernel in kernels {
            let environment = ["NOISEBOOK_BLAS_KERNEL": kernel]
            try? FileManager.default.removeItem(atPath: scratch + "/snapshot")
            let doctor = try noisebook(["doctor"], environment: environment)
            XCTAssertTrue(doctor.out.lowercased().contains("blas kernel:   \(kernel.lowercased())"), "\(kernel): \(doctor.out)")
            try check(model: "tiny-a", weightsFile: "diffusion_pytorch_model.safetensors", environment: environment)
        }
    }

    /// Each convolution policy, forced as users can force it, gives diffusers' output on the
    /// 32x32 model at batch 2 (Winograd at every level when weights are kept); a misspelt
    /// policy is a usage error.
    func testEveryConvolutionPolicyMatchesDiffusers() throws {
        for policy in ["auto", "f4", "f2", "off"] {
            try checkForced(["NOISEBOOK_WINOGRAD": policy])
        }
        try checkRefused("NOISEBOOK_WINOGRAD", "f3", expected: "auto, f4, f2 or off")
    }

    /// Each weight-product kernel this CPU runs (`NOISEBOOK_SGEMM_KERNEL`), forced as users
    /// can force it, gives diffusers' output with every convolution on Winograd (the kernel
    /// runs the element products) and with every convolution direct (the small images'
    /// products); a misspelt kernel is a usage error.
    func testEveryWeightProductKernelMatchesDiffusers() throws {
        for kernel in Float32Kernel.allCases where kernel.isRunnable {
            for policy in ["f4", "off"] {
                try checkForced(["NOISEBOOK_SGEMM_KERNEL": kernel.rawValue, "NOISEBOOK_WINOGRAD": policy])
            }
        }
        try checkRefused("NOISEBOOK_SGEMM_KERNEL", "avx3", expected: "auto, avx512, avx2, portable or openblas")
    }

    /// With `environment` set as a user would set it, `doctor` shows each forced value and the
    /// fp16 32x32 model (loaded afresh) gives diffusers' output.
    private func checkForced(_ environment: [String: String], file: StaticString = #filePath, line: UInt = #line) throws {
        let doctor = try noisebook(["doctor"], environment: environment)
        for (name, value) in environment {
            XCTAssertTrue(doctor.out.contains("\(name)=\(value);"), "\(environment): \(doctor.out)", file: file, line: line)
        }
        try? FileManager.default.removeItem(atPath: scratch + "/snapshot")
        try check(model: "tiny-b", weightsFile: "diffusion_pytorch_model.fp16.safetensors", environment: environment)
    }

    /// A misspelt value is a usage error (64) that names the variable and value and lists the choices.
    private func checkRefused(_ name: String, _ value: String, expected: String,
                              file: StaticString = #filePath, line: UInt = #line) throws {
        let bad = try noisebook(["doctor"], environment: [name: value])
        XCTAssertEqual(bad.status, 64, file: file, line: line)
        XCTAssertTrue(bad.err.contains("\(name)=\(value): expected \(expected)"), bad.err, file: file, line: line)
    }

    func testFP16WeightsMatchDiffusers() throws {
        try check(model: "tiny-b", weightsFile: "diffusion_pytorch_model.fp16.safetensors")
    }

    func testFP16OutputFile() throws {
        try check(model: "tiny-a", weightsFile: "diffusion_pytorch_model.safetensors", dtype: "f16")
    }

    func testStageTwoFP32WeightsMatchDiffusers() throws {
        try check(model: "stage2/sr-a", weightsFile: "diffusion_pytorch_model.safetensors")
    }

    func testStageTwoFP16WeightsMatchDiffusers() throws {
        try check(model: "stage2/sr-b", weightsFile: "diffusion_pytorch_model.fp16.safetensors")
    }

    func testStageTwoWithoutClassLabelsSaysSo() throws {
        let snapshot = try layOut(model: "stage2/sr-a", weightsFile: "diffusion_pytorch_model.safetensors", embeddingsType: .f32)
        let result = try noisebook(["unet", "--weights", snapshot, "--sample", "x.npy", "--timesteps", "900",
                                    "--embeddings", "e.npy", "--out", "y.npy"])
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.err.contains("give --class-labels"), result.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/y.npy"))
    }

    func testMissingOptionIsAUsageError() throws {
        let result = try noisebook(["unet", "--sample", "x.npy"])
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.err.contains("noisebook unet needs --weights"), result.err)
    }
}
