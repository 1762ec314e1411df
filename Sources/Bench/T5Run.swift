import DeepFloyd
import Foundation
import NN
import T5
import Tensor
import Weights

/// `bench t5`: the T5-XXL encoder of DeepFloyd IF from an fp16 safetensors file (written
/// first from deterministic random weights, ~9.5 GB), weights kept half precision and mapped:
/// the time to load, to encode 1 and 4 prompts of 77 tokens, and peak resident memory.
struct T5Run: BenchRun {
    let path: String
    let keep: Bool
    let runs: Int
    /// Encode as the pipeline does: each block's mapped weights leave resident memory after use.
    let releasePages: Bool

    init(options: inout Options) throws {
        path = options.string("file") ?? T5Run.defaultFile
        keep = options.flag("keep")
        runs = try options.int("runs", default: 2)
        releasePages = options.flag("release-pages")
    }

    /// Where the fp16 file is written when no `--file` is given.
    static let defaultFile = "/tmp/noisebook-bench-t5-xxl.fp16.safetensors"

    /// Multiply-adds of one encoder pass over `tokens` rows, counted as 2 FLOPs each: the
    /// projections and feed-forward per token, and attention's two products per token pair.
    static func flops(_ config: T5Config, tokens: Int, length: Int) -> Double {
        let d = Double(config.dModel), inner = Double(config.innerDim), ff = Double(config.dFF)
        let projections = 4 * d * inner
        let feedForward = (config.feedForwardProjection.isGated ? 3 : 2) * d * ff
        let attention = 2 * Double(length) * inner
        return 2 * Double(tokens) * Double(config.numLayers) * (projections + feedForward + attention)
    }

    func run() throws {
        let config = try T5Config.t5V11XXL()
        var writeSeconds = 0.0
        if !FileManager.default.fileExists(atPath: path) {
            let start = ProcessStats.now
            try HalfCheckpointWriter.write(RandomWeights(shapes: try T5EncoderModel.tensorShapes(config: config)), to: path)
            writeSeconds = ProcessStats.now - start
        }
        defer { if !keep { try? FileManager.default.removeItem(atPath: path) } }
        let loadStart = ProcessStats.now
        let model = try T5EncoderModel(config: config, weights: try SafetensorsFile(path: path), residency: .automatic)
        let loadSeconds = ProcessStats.now - loadStart

        var line = ResultLine()
        line.add("kind", "t5")
        line.add("model", "T5-XXL")
        line.add("load_s", loadSeconds)
        line.add("write_s", writeSeconds)
        line.add("weights_gb", Double(model.weightByteCount) / 1e9)
        line.add("half", model.keepsHalfWeights ? "yes" : "no")
        line.add("release_pages", releasePages ? "yes" : "no")
        var random = SeededRandom(seed: 9)
        for batch in [1, 4] {
            // Prompts of 12 to 20 pieces, then EOS and padding to 77, as IF encodes them.
            let rows = (0..<batch).map { _ -> (ids: [Int], mask: [Int]) in
                let length = 12 + Int(random.next() % 9)
                let ids = (0..<length).map { _ in 3 + Int(random.next() % UInt64(config.vocabSize - 200)) } + [1]
                return (ids + [Int](repeating: 0, count: 77 - ids.count), [Int](repeating: 1, count: ids.count) + [Int](repeating: 0, count: 77 - ids.count))
            }
            var times = [Double](), cpu = [Double]()
            // The first pass of the process reads the weights from the page cache (or disk).
            for _ in 0..<(runs + (batch == 1 ? 1 : 0)) {
                let (start, cpuStart) = (ProcessStats.now, ProcessStats.cpuSeconds)
                let states = try model.encode(ids: rows.map(\.ids), mask: rows.map(\.mask), releasingWeightPages: releasePages) // [B, 77, 4096]
                times.append(ProcessStats.now - start)
                cpu.append(ProcessStats.cpuSeconds - cpuStart)
                guard states.scalars.allSatisfy(\.isFinite) else { throw BenchError.io(path: path, reason: "the encoder produced non-finite values") }
            }
            if batch == 1 { line.add("first_s", times.removeFirst()); cpu.removeFirst() }
            let best = times.min() ?? .nan
            let flops = Self.flops(config, tokens: batch * 77, length: 77)
            line.add("b\(batch)_s", best)
            line.add("b\(batch)_cpu_s", cpu.min() ?? .nan)
            line.add("b\(batch)_gflop_per_s", flops / best / 1e9)
            line.add("b\(batch)_gflops", flops / 1e9)
        }
        line.add("rss_gb", Double(ProcessStats.peakResidentBytes) / 1e9)
        line.print()
    }
}
