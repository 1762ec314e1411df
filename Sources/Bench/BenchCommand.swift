import DeepFloyd
import Diffusion
import EmojiModel
import NN
import Foundation
import Tensor

/// `bench`: times the IF UNet forward for the IF-I-M and IF-I-L shapes (and IF-I-XL from an
/// fp16 file), stage II's IF-II-L at 256x256 and one whole upsampling, a full CFG sample, the built-in model's CFG step, and PyTorch's forward on
/// the same shapes when it is installed.
///
/// Each measurement runs in a child process (this executable with a sub-command), so that
/// each reports its own peak resident memory.
struct BenchCommand {
    static let usage = """
    usage: bench [--runs N] [--models M,L] [--batches 1,2] [--no-xl] [--no-t5] [--no-pytorch] [--no-sample]
                 [--no-stage2] [--upsample-steps 50] [--xl-file PATH] [--python PATH]
           bench forward --model M|L|XL|II-L --batch B [--runs N] [--half]
           bench sample --model M [--steps 33]
           bench upsample [--steps 50]
           bench builtin
           bench xl --file PATH [--keep] [--runs N]
           bench t5 [--file PATH] [--keep] [--runs N] [--release-pages]
    """

    let arguments: [String]

    func run() throws {
        var options = Options(arguments)
        switch options.subcommand {
        case "forward": try ForwardRun(options: &options).run()
        case "sample": try SampleRun(options: &options).run()
        case "upsample": try UpsampleRun(options: &options).run()
        case "builtin": try BuiltinRun(options: &options).run()
        case "xl": try XLRun(options: &options).run()
        case "t5": try T5Run(options: &options).run()
        case nil: try Suite(options: &options).run()
        case let other?: throw BenchError.usage("unknown sub-command '\(other)'")
        }
    }
}

/// Command-line options as `--name value` pairs and `--flag`s after an optional sub-command.
struct Options {
    let subcommand: String?
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    init(_ arguments: [String]) {
        var rest = arguments[...]
        subcommand = rest.first.flatMap { $0.hasPrefix("--") ? nil : $0 }
        if subcommand != nil { rest = rest.dropFirst() }
        while let first = rest.first {
            rest = rest.dropFirst()
            guard first.hasPrefix("--") else { continue }
            let name = String(first.dropFirst(2))
            if let next = rest.first, !next.hasPrefix("--") {
                values[name] = next
                rest = rest.dropFirst()
            } else {
                flags.insert(name)
            }
        }
    }

    func string(_ name: String) -> String? { values[name] }
    func flag(_ name: String) -> Bool { flags.contains(name) }
    func int(_ name: String, default value: Int) throws -> Int {
        guard let text = values[name] else { return value }
        guard let n = Int(text), n > 0 else { throw BenchError.usage("--\(name) needs a positive integer, got '\(text)'") }
        return n
    }
    func list(_ name: String, default value: [String]) -> [String] {
        values[name].map { $0.split(separator: ",").map(String.init) } ?? value
    }
}

/// A line `RESULT key=value ...` that a child prints for the parent to read.
struct ResultLine {
    var fields: [(String, String)] = []

    mutating func add(_ key: String, _ value: String) { fields.append((key, value)) }
    mutating func add(_ key: String, _ value: Double) { fields.append((key, String(format: "%.4f", value))) }

    func print() {
        FileHandle.standardOutput.write(Data(("RESULT " + fields.map { "\($0.0)=\($0.1)" }.joined(separator: " ") + "\n").utf8))
    }

    /// The fields of every RESULT line in `text`.
    static func parse(_ text: String) -> [[String: String]] {
        text.split(separator: "\n").filter { $0.hasPrefix("RESULT ") }.map { line in
            var fields = [String: String]()
            for pair in line.dropFirst(7).split(separator: " ") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
            }
            return fields
        }
    }
}
