import DeepFloyd
import Diffusion
import EmojiModel
import NN
import Foundation
import Tensor
import Weights

/// `bench xl`: IF-I-XL shapes from an fp16 safetensors file (written first from
/// deterministic random weights, ~8.6 GB), one forward at batch 1, 64x64, with the
/// weights kept half precision in memory; reports peak resident memory and time.
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
        // The first pass reads the weights from the page cache (or disk) into the mapping.
        let times = try ForwardRun.time(unet, batch: 1, runs: runs, warmUp: false)
        var line = ResultLine()
        line.add("kind", "xl")
        line.add("model", PublishedUNet.extraLarge.name)
        line.add("batch", "1")
        line.add("first_s", times.wall.first ?? .nan)
        ForwardRun.report(times, into: &line, flops: ForwardCost(config: config, side: 64, tokens: 77).flopsPerItem)
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
