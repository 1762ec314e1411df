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
                 [--no-stage2] [--no-algorithms] [--no-bf16] [--upsample-steps 50] [--xl-file PATH] [--python PATH]
           bench forward --model M|L|XL|II-L --batch B [--runs N] [--step] [--half] [--precision fp32|bf16] [--save OUT.npy]
           bench sample --model M [--precision fp32|bf16] [--save OUT.npy]
           bench upsample [--steps 50]
           bench builtin
           bench xl --file PATH [--keep] [--runs N]
           bench t5 [--file PATH] [--keep] [--runs N] [--release-pages]
           bench gemm [--runs N]
           bench course [--models M,L] [--runs N] [--notebooks DIR]
    """

    let arguments: [String]

    func run() throws {
        var options = Options(arguments)
        if options.flag("help") {
            print(BenchCommand.usage)
            return
        }
        switch options.subcommand {
        case "forward": try start(ForwardRun.self, &options)
        case "sample": try start(SampleRun.self, &options)
        case "upsample": try start(UpsampleRun.self, &options)
        case "builtin": try start(BuiltinRun.self, &options)
        case "xl": try start(XLRun.self, &options)
        case "t5": try start(T5Run.self, &options)
        case "gemm": try start(GEMMRun.self, &options)
        case "course": try start(CourseRun.self, &options)
        case nil: try start(Suite.self, &options)
        case let other?: throw BenchError.usage("unknown sub-command '\(other)'")
        }
    }
}

/// A sub-command: reads its options, then runs.
protocol BenchRun {
    init(options: inout Options) throws
    func run() throws
}

/// What every run that reports or starts children shares.
extension BenchRun {
    /// Runs this executable with `arguments` and returns its RESULT fields.
    func child(_ arguments: [String], environment: [String: String] = [:]) throws -> [String: String] {
        let result = try capture(["/proc/self/exe"] + arguments, environment: environment)
        guard result.status == 0, let fields = ResultLine.parse(result.output).last else {
            throw BenchError.childFailed(command: arguments.joined(separator: " "), status: result.status, output: result.output)
        }
        return fields
    }

    func capture(_ command: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}

extension BenchCommand {
    /// Builds `kind` from the options, refuses any option it did not read, and runs it.
    private func start<Run: BenchRun>(_ kind: Run.Type, _ options: inout Options) throws {
        let run = try Run(options: &options)
        try options.rejectUnread()
        try run.run()
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

    /// Names the sub-command has read; any other is a usage error (`rejectUnread`).
    private var read: Set<String> = []

    mutating func string(_ name: String) -> String? { read.insert(name); return values[name] }
    mutating func flag(_ name: String) -> Bool { read.insert(name); return flags.contains(name) }
    mutating func int(_ name: String, default value: Int) throws -> Int {
        read.insert(name)
        guard let text = values[name] else { return value }
        guard let n = Int(text), n > 0 else { throw BenchError.usage("--\(name) needs a positive integer, got '\(text)'") }
        return n
    }
    mutating func list(_ name: String, default value: [String]) -> [String] {
        read.insert(name)
        return values[name].map { $0.split(separator: ",").map(String.init) } ?? value
    }

    /// Throws a usage error naming the first option no reader asked for (a typo would
    /// otherwise run the whole suite with defaults).
    func rejectUnread() throws {
        if let unknown = (Set(values.keys).union(flags)).subtracting(read).sorted().first {
            throw BenchError.usage("unknown option '--\(unknown)'")
        }
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
