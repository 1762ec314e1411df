import Diffusion
import Foundation
import Pipeline
import Script
import Tensor
import XCTest
@testable import Bindings

/// A denoiser whose noise estimate is a fixed multiple of its input: cheap, deterministic,
/// and enough to drive every built-in through the real sampler.
struct ScaledDenoiser: Denoiser {
    var schedule = NoiseSchedule.builtin()
    var displayName = "scaled test denoiser"
    var identity = "scaled/v1"
    /// Every predict call's timesteps, to see which steps a built-in took.
    let calls = CallLog()

    func predict(_ input: DenoiserInput) throws -> Prediction {
        calls.append(input.timesteps)
        return Prediction(noise: input.sample * 0.5, variance: nil)
    }
}

/// The timesteps of each model call, in order.
final class CallLog: @unchecked Sendable {
    private let lock = NSLock()
    private var calls: [[Int]] = []
    func append(_ timesteps: [Int]) { lock.withLock { calls.append(timesteps) } }
    var all: [[Int]] { lock.withLock { calls } }
}

/// Runs cells against the notebook library with a test model, as the runner does.
class BindingsTestCase: XCTestCase {
    var folder = ""
    let denoiser = ScaledDenoiser()

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("bindings-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A session on the test model (or `model`).
    func session(model: ModelChoice? = nil) -> NotebookSession {
        let denoiser = self.denoiser
        let choice = model ?? ModelChoice(displayName: denoiser.displayName,
                                          components: [ModelComponent(role: "stage I", identity: denoiser.identity)],
                                          schedule: denoiser.schedule,
                                          load: { LoadedModel(denoiser: denoiser) })
        let session = NotebookSession(notebookFolder: folder, projectRoot: folder, seed: 7, model: choice)
        session.beginCell()
        return session
    }

    /// Runs `source` as one cell and returns its variables.
    @discardableResult
    func run(_ source: String, in session: NotebookSession? = nil) throws -> [String: Value] {
        let session = session ?? self.session()
        let interpreter = Interpreter(library: NotebookLibrary.make(session: session))
        return try interpreter.run(try Parser.parse(source), globals: [:])
    }

    /// The error message `source` fails with.
    func failure(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            try run(source)
            XCTFail("expected \(source) to fail", file: file, line: line)
            return ""
        } catch {
            return "\(error)"
        }
    }

    /// The number a cell variable holds (a skip, which the suite counts as a failure, naming
    /// what it holds instead).
    func number(_ values: [String: Value], _ name: String) throws -> Double {
        guard case let .double(value)? = values[name] else { throw XCTSkip("\(name) is \(String(describing: values[name]))") }
        return value
    }

    /// The image a cell variable holds.
    func image(_ values: [String: Value], _ name: String) throws -> ImageValue {
        guard case let .native(native as ImageValue)? = values[name] else {
            throw XCTSkip("'\(name)' is not an image: \(String(describing: values[name]))")
        }
        return native
    }
}
