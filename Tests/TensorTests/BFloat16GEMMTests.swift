import TestSupport
import XCTest
@testable import Tensor

/// noisebook's bf16 GEMM, each kernel this CPU runs, against the definition in Double on the
/// bf16-rounded operands, and against fp32 SGEMM within bf16's rounding.
final class BFloat16GEMMTests: XCTestCase {
    func testRoundingIsToNearestEven() {
        XCTAssertEqual(BFloat16Matrix.rounded(1), 1)
        // bf16 keeps 7 fraction bits: 1 + 2^-8 is halfway between 1 and 1 + 2^-7 (ties to
        // even: 1), 1 + 3 * 2^-8 halfway between 1 + 2^-7 and 1 + 2^-6 (even: 1 + 2^-6).
        XCTAssertEqual(BFloat16Matrix.rounded(1 + 0x1p-8), 1)
        XCTAssertEqual(BFloat16Matrix.rounded(1 + 3 * 0x1p-8), 1 + 0x1p-6)
        XCTAssertEqual(BFloat16Matrix.rounded(1 + 0x1p-8 + 0x1p-20), 1 + 0x1p-7, "above halfway rounds up")
        XCTAssertEqual(BFloat16Matrix.rounded(-2.5), -2.5, "exact values stay")
        XCTAssertEqual(BFloat16Matrix.rounded(.greatestFiniteMagnitude), .infinity, "past the largest bf16 rounds to infinity")
    }

    func testEveryKernelThisCPURunsMatchesTheDefinition() throws {
        var random = SeededRandom(seed: 21)
        let kernels = BFloat16Kernel.allCases.filter(\.isRunnable)
        XCTAssertTrue(kernels.contains(.portable))
        // Odd k, row and column tails, k beyond one 512-wide block, and products large
        // enough to be split over the cores, by columns and by rows.
        for (m, n, k) in [(1, 1, 1), (13, 45, 37), (9, 33, 1100), (70, 300, 520), (301, 70, 520)] {
            let a = random.normal(shape: [m, k]).scalars, b = random.normal(shape: [k, n]).scalars
            let c0 = random.normal(shape: [m, n]).scalars
            let packed = a.withUnsafeBufferPointer { BFloat16Matrix($0.baseAddress!, rows: m, columns: k, rowStride: k) }
            XCTAssertEqual(packed[m - 1, k - 1], BFloat16Matrix.rounded(a[(m - 1) * k + k - 1]))
            let rb = b.map(BFloat16Matrix.rounded)
            var exact = [Double](repeating: 0, count: m * n), magnitude = [Double](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    for p in 0..<k {
                        let product = Double(packed[i, p]) * Double(rb[p * n + j])
                        exact[i * n + j] += product
                        magnitude[i * n + j] += abs(product)
                    }
                }
            }
            for kernel in kernels {
                for accumulate in [false, true] {
                    var c = c0
                    b.withUnsafeBufferPointer { bp in
                        c.withUnsafeMutableBufferPointer { cp in
                            Tensor.bf16gemm(packed, b: bp.baseAddress!, ldb: n, n: n, c: cp.baseAddress!, ldc: n,
                                            accumulate: accumulate, kernel: kernel)
                        }
                    }
                    // Products of bf16 values are exact in fp32; only the fp32 sums round:
                    // within a few fp32 ulps of the sum of the terms' sizes.
                    for index in 0..<(m * n) {
                        let expected = exact[index] + (accumulate ? Double(c0[index]) : 0)
                        let bound = 1e-6 * (magnitude[index] + abs(expected)) + 1e-30
                        XCTAssertLessThanOrEqual(abs(Double(c[index]) - expected), bound,
                                                 "\(kernel) \(m)x\(n)x\(k) accumulate \(accumulate) at \(index)")
                    }
                }
            }
        }
    }

    /// The AVX512-BF16 kernel is runnable exactly where /proc/cpuinfo lists avx512f, avx512bw
    /// and avx512_bf16, and a product asked of a kernel runs its own code (its counter moves,
    /// the other's does not): a wrong feature check or a silent fallback fails here.
    func testEveryKernelTheCPUAllowsRunsItsOwnCode() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = Set(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }?
            .split(separator: ":").last?.split(separator: " ").map(String.init) ?? [])
        let hasBF16 = ["avx512f", "avx512bw", "avx512_bf16"].allSatisfy(flags.contains)
        XCTAssertEqual(BFloat16Kernel.avx512.isRunnable, hasBF16, "/proc/cpuinfo and noisebook disagree on AVX512-BF16")
        var random = SeededRandom(seed: 8)
        let (m, n, k) = (5, 7, 9)
        let a = random.normal(shape: [m, k]).scalars, b = random.normal(shape: [k, n]).scalars
        let packed = a.withUnsafeBufferPointer { BFloat16Matrix($0.baseAddress!, rows: m, columns: k, rowStride: k) }
        var exercised = [String]()
        for kernel in BFloat16Kernel.allCases where kernel.isRunnable {
            let other: BFloat16Kernel = kernel == .avx512 ? .portable : .avx512
            let (before, otherBefore) = (kernel.runs, other.runs)
            var c = [Float](repeating: 0, count: m * n)
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    Tensor.bf16gemm(packed, b: bp.baseAddress!, ldb: n, n: n, c: cp.baseAddress!, ldc: n, kernel: kernel)
                }
            }
            XCTAssertEqual(kernel.runs, before + 1, "\(kernel) ran its own code")
            XCTAssertEqual(other.runs, otherBefore, "\(kernel) did not fall back")
            exercised.append(kernel.rawValue)
        }
        print("bf16 kernels exercised on this CPU: \(exercised.joined(separator: ", "))")
    }

    func testCloseToTheFloat32Product() throws {
        var random = SeededRandom(seed: 22)
        let (m, n, k) = (32, 64, 256)
        let a = random.normal(shape: [m, k]), b = random.normal(shape: [k, n])
        let reference = try a.matmul(b)
        let packed = a.scalars.withUnsafeBufferPointer { BFloat16Matrix($0.baseAddress!, rows: m, columns: k, rowStride: k) }
        var c = [Float](repeating: 0, count: m * n)
        b.scalars.withUnsafeBufferPointer { bp in
            c.withUnsafeMutableBufferPointer { cp in
                Tensor.bf16gemm(packed, b: bp.baseAddress!, ldb: n, n: n, c: cp.baseAddress!, ldc: n, kernel: .portable)
            }
        }
        // Each operand is off by at most 2^-9 relative; sums of 256 unit-variance products
        // have a scale of 16, and the rounding errors add like noise: about 16 * 2^-8.
        let worst = maxAbsDifference(Array(c), Array(reference.scalars))
        XCTAssertLessThan(worst, 0.25, "largest difference \(worst)")
        XCTAssertGreaterThan(worst, 0, "bf16 rounding shows")
    }

    func testKernelChoiceFollowsTheEnvironment() throws {
        XCTAssertEqual(try BFloat16Kernel.from(environment: ["NOISEBOOK_BF16_KERNEL": "portable"]), .portable)
        XCTAssertThrowsError(try BFloat16Kernel.from(environment: ["NOISEBOOK_BF16_KERNEL": "avx2"])) { error in
            XCTAssertTrue("\(error)".contains("NOISEBOOK_BF16_KERNEL=avx2"), "\(error)")
        }
        if BFloat16Kernel.avx512.isRunnable {
            XCTAssertEqual(try BFloat16Kernel.from(environment: [:]), .avx512)
            XCTAssertNil(BFloat16Kernel.unavailable)
        } else {
            XCTAssertNil(try BFloat16Kernel.from(environment: [:]))
            XCTAssertTrue(BFloat16Kernel.unavailable?.contains("AVX512-BF16") ?? false)
            XCTAssertThrowsError(try BFloat16Kernel.from(environment: ["NOISEBOOK_BF16_KERNEL": "avx512"]))
        }
    }
}
