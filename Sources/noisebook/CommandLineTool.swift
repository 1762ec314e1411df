import Diagnostics
import Foundation
import TextDistance

/// noisebook's version, shown by `--version`; cache keys also carry a digest of the
/// executable (`BuildIdentity`).
let noisebookVersion = "0.1.0"

/// Exit statuses (sysexits.h); those an error ends with are `Diagnostic.Status`'s.
enum ExitCode {
    static let success: Int32 = 0
    static let usage = Diagnostic.Status.usage.rawValue
    static let notebookError = Diagnostic.Status.dataError.rawValue
    static let internalError = Diagnostic.Status.internalError.rawValue
    static let interrupted: Int32 = 130
}

/// A mistake in the command line, reported with the command's synopsis.
struct UsageError: Error, CustomStringConvertible, DiagnosticConvertible {
    var description: String

    /// Status 64, with the command's synopsis under it.
    var diagnostic: Diagnostic { Diagnostic(description, status: .usage) }
}

/// `--help` or `-h` among a command's arguments: print its help and succeed.
struct HelpRequest: Error {}

/// The `noisebook` command: parses arguments and dispatches to a subcommand.
struct CommandLineTool {
    let arguments: [String]

    /// The whole help: every command's synopsis, then each one's details.
    static var usage: String { CommandHelp.overview }

    /// Runs the command and returns the process's exit status.
    func run() -> Int32 {
        guard let command = arguments.first else {
            print(Self.usage)
            return ExitCode.success
        }
        let rest = Array(arguments.dropFirst())
        do {
            switch command {
            case "-h", "--help":
                print(Self.usage)
                return ExitCode.success
            case "help":
                // `noisebook help COMMAND`: that command's usage; alone, all of them.
                guard let name = rest.first else {
                    print(Self.usage)
                    return ExitCode.success
                }
                guard let help = CommandHelp.named(name) else {
                    throw UsageError(description: "no command '\(name)'\(ClosestMatch.hint(for: name, among: CommandHelp.names))")
                }
                print(help.text)
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
                throw UsageError(description: "unknown command '\(command)'\(ClosestMatch.hint(for: command, among: CommandHelp.names + ["help"]))")
            }
        } catch is HelpRequest {
            print(CommandHelp.named(command)?.text ?? Self.usage)
            return ExitCode.success
        } catch {
            // Every module's error says how it reads and which status it ends with.
            let diagnostic = Diagnostic(error)
            printError(diagnostic.rendered(program: "noisebook") + (diagnostic.status == .usage ? "\n" + Self.usageHint(command) : ""))
            return diagnostic.status.rawValue
        }
    }

    /// Under a usage error: the command's synopsis and where its help is (the whole help
    /// only for a command noisebook does not have).
    static func usageHint(_ command: String) -> String {
        guard let help = CommandHelp.named(command) else { return "see 'noisebook --help'" }
        let lines = help.synopsis[0].split(separator: "\n")
        return "usage: " + lines[0] + (lines.count > 1 ? " ..." : "")
            + "\nsee 'noisebook \(help.name) --help'"
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
            if argument == "--" {
                // Everything after `--` is positional, even what starts with "--".
                positional += arguments[(i + 1)...]
                break
            }
            if argument == "--help" || argument == "-h" { throw HelpRequest() }
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
                    throw UsageError(description: "unknown option '\(name)'\(ClosestMatch.hint(for: name, among: all))")
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
