import DeepFloyd
import Diffusion
import EmojiModel
import NN
import Foundation
import Tensor
import Weights

/// `bench xl`: IF-I-XL shapes from an fp16 safetensors file (written first from
/// deterministic random weights, ~8.6 GB), forwards at batch 1 and 2, 64x64, with the
/// weights kept half precision in memory (and 16x16 layers' F(2x2, 3x3) transforms within
/// the model's budget); reports time, the share of the SGEMM peak measured just before, and
/// peak resident memory.
struct XLRun: BenchRun {
    let path: String
    let keep: Bool
    let runs: Int

    init(options: inout Options) throws {
        path = options.string("file") ?? "/tmp/noisebook-bench-if-i-xl.fp16.safetensors"
        keep = options.flag("keep")
        runs = try options.int("runs", default: 2)
    }

    func run() throws {
        let config = try PublishedUNet.extraLarge.config()
        var writeSeconds = 0.0
        if !FileManager.default.fileExists(atPath: path) {
            let start = ProcessStats.now
            try HalfCheckpointWriter.write(try RandomWeights(config: config), to: path)
            writeSeconds = ProcessStats.now - start
        }
        defer { if !keep { try? FileManager.default.removeItem(atPath: path) } }
        let loadStart = ProcessStats.now
        let file = try SafetensorsFile(path: path)
        let unet = try IFUNet(config: config, weights: file, residency: .automatic)
        let loadSeconds = ProcessStats.now - loadStart
        // The peak now, minutes from the forwards, not at the start of a long suite: this
        // machine's speed drifts by 10-20% over that time.
        let peak = (0..<3).map { _ in BLASRuntime.measureSGEMM(size: 2048, repeats: 3) }.max() ?? .nan
        // The first pass reads the weights from the page cache (or disk) into the mapping and
        // keeps the transforms; the passes after it are the timed ones.
        let times = try ForwardRun.time(unet, batch: 1, runs: runs + 1, warmUp: false)
        let pairs = try ForwardRun.time(unet, batch: 2, runs: runs, warmUp: false)
        let flops = ForwardCost(config: config, side: 64, tokens: 77).flopsPerItem
        var line = ResultLine()
        line.add("kind", "xl")
        line.add("model", PublishedUNet.extraLarge.name)
        line.add("batch", "1")
        line.add("first_s", times.wall.first ?? .nan)
        line.add("peak_gflop_per_s", peak)
        ForwardRun.report(times.dropFirst(), into: &line, flops: flops)
        let b2 = ProcessStats.median(pairs.wall)
        line.add("b2_s", b2)
        line.add("b2_gflop_per_s", 2 * flops / b2 / 1e9)
        line.add("load_s", loadSeconds)
        line.add("write_s", writeSeconds)
        line.add("weights_gb", Double(unet.weightByteCount) / 1e9)
        line.add("file_gb", Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) / 1e9)
        line.print()
    }
}

/// Writes a provider's tensors as an F16 safetensors file one tensor at a time, so that a
/// model larger than memory in Float32 can be written.
enum HalfCheckpointWriter {
    static func write(_ weights: RandomWeights, to path: String) throws {
        var offset = 0
        var members = [String]()
        for name in weights.names {
            let shape = weights.shapes[name] ?? []
            let bytes = Tensor.count(of: shape) * 2
            members.append("\"\(name)\":{\"dtype\":\"F16\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        var header = Array("{\(members.joined(separator: ","))}".utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw BenchError.io(path: path, reason: "cannot create")
        }
        defer { try? handle.close() }
        var length = UInt64(header.count).littleEndian
        try handle.write(contentsOf: Data(bytes: &length, count: 8))
        try handle.write(contentsOf: Data(header))
        for name in weights.names {
            let shape = weights.shapes[name] ?? []
            var values = [Float](repeating: 0, count: Tensor.count(of: shape))
            weights.fill(name, shape: shape, into: &values)
            let halves = values.map { Float16($0).bitPattern.littleEndian }
            try halves.withUnsafeBytes { try handle.write(contentsOf: Data($0)) }
        }
    }
}
