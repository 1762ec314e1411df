import Diffusion
import Foundation
import JSON
import NN
import Pipeline
import Preview
import Runner
import SentencePiece
import T5
import TextDistance
import Weights

/// noisebook's version, shown by `--version`; cache keys also carry a digest of the
/// executable (`BuildIdentity`).
let noisebookVersion = "0.1.0"

/// Exit statuses (sysexits.h).
enum ExitCode {
    static let success: Int32 = 0
    static let usage: Int32 = 64
    static let notebookError: Int32 = 65
    static let internalError: Int32 = 70
    static let interrupted: Int32 = 130
}

/// A mistake in the command line, reported with the usage text.
struct UsageError: Error, CustomStringConvertible {
    var description: String
}

/// The `noisebook` command: parses arguments and dispatches to a subcommand.
struct CommandLineTool {
    let arguments: [String]

    static let usage = """
    noisebook: run diffusion-model notebooks into a web page.

    usage: noisebook run [PATH...] [--out DIR] [--fresh] [--embed] [--submission] [--project DIR] [--cache DIR]
                         [--allow DIR] [--no-wait] [--model NAME] [--weights DIR] [--weights2 DIR] [--embeddings FILE]
                         [--precision fp32|bf16]
           noisebook preview [PATH...] [--port N] [--host ADDR] [--open] [run's options]
           noisebook cache size [--cache DIR]
           noisebook cache clean --keep-latest [--cache DIR]
           noisebook doctor
           noisebook unet --weights DIR --sample x.npy --timesteps 990,250 --embeddings e.npy --out y.npy
           noisebook prompts FILE [--export PROMPT --out e.npy]
           noisebook encode --weights DIR --out e.npy [--ids-out ids.npy] [--raw] PROMPT...
           noisebook --help | --version

    run      Run notebooks (files or folders; default Notebooks/) into DIR (default Output/).
             Cells whose inputs did not change are served from the cache (.noisebook/cache).
             --fresh     ignore cached results
             --embed     put the images inside each page (one self-contained file per page)
             --submission  pages without cache badges and timings (for handing in)
             --project DIR the project folder (default: the nearest folder at or above the current
                         one holding .noisebook/ or Notebooks/)
             --model NAME, --weights DIR, --embeddings FILE   choose the model (see README)
             --precision bf16  DeepFloyd IF's UNet products in bf16 with fp32 sums (CPUs with
                         AVX512-BF16; faster, about 1% off fp32); fp32 is the default
             --weights2 DIR  stage II (super-resolution) weights for upsample(); else IF-II-L
                         or IF-II-M from the Hugging Face cache
             --cache DIR use another cache folder
             --allow DIR let cells read and write files in DIR (outside the project)
             --no-wait   fail (status 65) instead of waiting when another run holds the project
             One run at a time per project: a second run waits for the first (.noisebook/lock).
             Ctrl-C stops at the next statement or model step (status 130); finished cells stay cached.
    preview  Run the notebooks, serve the site on http://127.0.0.1:8180/ (the next free port if taken),
             and run a notebook again whenever it or a file beside it changes: open pages reload
             themselves and show the running cell's progress. Ctrl-C stops it (status 130).
    cache    size: the cache's entries, blobs and bytes. clean --keep-latest: remove every entry
             and blob that the latest run of no notebook used.
    doctor   Show the BLAS kernel and its measured speed, the convolution algorithms
             (NOISEBOOK_WINOGRAD=auto|f4|f2|off), the weight-product kernel
             (NOISEBOOK_SGEMM_KERNEL=auto|avx512|avx2|portable|openblas), and where model
             weights are looked for.
    unet     Run one batched DeepFloyd IF UNet forward on .npy inputs (checks an install).
    prompts  List the prompts of an embedding file (.pth or safetensors), or export one as .npy.
    encode   Encode prompts with a snapshot's T5 text encoder into [N, 77, d_model] float32 .npy.

    Exit status: 0 success, 64 usage error, 65 a notebook or cell failed, 70 internal error,
    130 interrupted.
    """

    /// Runs the command and returns the process's exit status.
    func run() -> Int32 {
        guard let command = arguments.first else {
            print(Self.usage)
            return ExitCode.success
        }
        let rest = Array(arguments.dropFirst())
        do {
            switch command {
            case "-h", "--help", "help":
                print(Self.usage)
                return ExitCode.success
            case "--version", "version":
                print("noisebook \(noisebookVersion)")
                return ExitCode.success
            case "run":
                return try RunCommand(arguments: rest).run()
            case "preview":
                return try PreviewCommand(arguments: rest).run()
            case "cache":
                return try CacheCommand(arguments: rest).run()
            case "doctor":
                return try DoctorCommand(arguments: rest).run()
            case "unet":
                return try UnetCommand(arguments: rest).run()
            case "prompts":
                return try PromptsCommand(arguments: rest).run()
            case "encode":
                return try EncodeCommand(arguments: rest).run()
            default:
                throw UsageError(description: "unknown command '\(command)'\(Self.suggestion(command, among: ["run", "preview", "cache", "doctor", "unet", "prompts", "encode", "help"]))")
            }
        } catch let error as UsageError {
            printError("noisebook: error: \(error.description)\n\n\(Self.usage)")
            return ExitCode.usage
        } catch where error is WeightsError || error is ConfigError || error is NNError || error is DiffusionError {
            // Unusable input files or values; each message names the file, tensor or value.
            printError("noisebook: error: \(error)")
            return ExitCode.notebookError
        } catch let error as PreviewError {
            printError("noisebook: error: \(error)")
            return ExitCode.usage
        } catch let error as PipelineError {
            printError("noisebook: error: \(error.description)" + (error.isUsage ? "\n\n\(Self.usage)" : ""))
            return error.isUsage ? ExitCode.usage : ExitCode.notebookError
        } catch let error as SentencePieceError {
            printError("\(error)")
            return ExitCode.notebookError
        } catch let error as T5Error {
            printError("noisebook: \(error)")
            return ExitCode.notebookError
        } catch let error as RunnerError {
            printError("\(error)")
            if case .locked = error { return ExitCode.notebookError }
            return ExitCode.internalError
        } catch {
            printError("noisebook: internal error: \(error)")
            return ExitCode.internalError
        }
    }

    /// "; did you mean 'run'?" when a close name exists.
    static func suggestion(_ word: String, among candidates: [String]) -> String {
        let scored = candidates.map { ($0, EditDistance.between(word, $0)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= max(2, word.count / 3) else { return "" }
        return "; did you mean '\(best)'?"
    }
}

/// Writes `text` and a newline to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Splits `--flag value` options from positional arguments.
struct OptionParser {
    private(set) var positional: [String] = []
    private var values: [String: [String]] = [:]
    private var flags: Set<String> = []

    /// Parses `arguments`, knowing which options take a value and which are flags.
    init(_ arguments: [String], valued: Set<String>, flags knownFlags: Set<String>) throws {
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            if argument.hasPrefix("--") {
                var name = argument
                var inline: String?
                if let eq = argument.firstIndex(of: "=") {
                    name = String(argument[..<eq])
                    inline = String(argument[argument.index(after: eq)...])
                }
                if valued.contains(name) {
                    guard let value = inline ?? (i + 1 < arguments.count ? arguments[i + 1] : nil) else {
                        throw UsageError(description: "\(name) needs a value")
                    }
                    values[name, default: []].append(value)
                    if inline == nil { i += 1 }
                } else if knownFlags.contains(name), inline == nil {
                    flags.insert(name)
                } else {
                    let all = Array(valued) + Array(knownFlags)
                    throw UsageError(description: "unknown option '\(name)'\(CommandLineTool.suggestion(name, among: all))")
                }
            } else {
                positional.append(argument)
            }
            i += 1
        }
    }

    /// The last value given for `name`.
    func value(_ name: String) -> String? { values[name]?.last }
    /// Every value given for `name`.
    func all(_ name: String) -> [String] { values[name] ?? [] }
    /// Whether the flag was given.
    func flag(_ name: String) -> Bool { flags.contains(name) }
}
