import Foundation
import XCTest

/// The command line: help, usage errors and their exit codes, prompts, doctor.
/// The .pth fixture is made by tools/make_weights_fixtures.py with torch.save.
final class CommandLineTests: CommandTestCase {
    func testHelpAndVersion() throws {
        let help = try noisebook(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.out.contains("usage: noisebook run [PATH...]"))
        XCTAssertTrue(help.out.contains("noisebook cache size [--cache DIR]"))
        XCTAssertTrue(help.out.contains("noisebook cache clean --keep-latest [--cache DIR]"))
        XCTAssertTrue(help.out.contains("130 interrupted"))
        XCTAssertEqual(try noisebook(["--version"]).out, "noisebook 0.1.0\n")
    }

    func testUnknownCommandAndOptionExit64WithASuggestion() throws {
        let command = try noisebook(["rnu"])
        XCTAssertEqual(command.status, 64)
        XCTAssertTrue(command.err.contains("unknown command 'rnu'; did you mean 'run'?"), command.err)
        let option = try noisebook(["run", "--frseh"])
        XCTAssertEqual(option.status, 64)
        XCTAssertTrue(option.err.contains("unknown option '--frseh'; did you mean '--fresh'?"), option.err)
    }

    func testPromptsListAndExport() throws {
        let file = Self.root + "/Tests/WeightsTests/Fixtures/prompts.pth"
        let list = try noisebook(["prompts", file])
        XCTAssertEqual(list.status, 0, list.err)
        XCTAssertFalse(list.out.isEmpty)
        let first = try XCTUnwrap(list.out.split(separator: "\n").first.flatMap { line in
            line.split(separator: "\"", omittingEmptySubsequences: false).dropFirst().first.map(String.init)
        })
        let export = try noisebook(["prompts", file, "--export", first, "--out", "e.npy"])
        XCTAssertEqual(export.status, 0, export.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch + "/e.npy"))
        let missing = try noisebook(["prompts", file, "--export", "no such prompt at all", "--out", "f.npy"])
        XCTAssertEqual(missing.status, 65)
        XCTAssertTrue(missing.err.contains("closest"), missing.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/f.npy"))
    }

    func testMaliciousPickleIsRefused() throws {
        let result = try noisebook(["prompts", Self.root + "/Tests/WeightsTests/Fixtures/malicious_system.pth"])
        XCTAssertEqual(result.status, 65)
        XCTAssertTrue(result.err.contains("refusing pickle global"), result.err)
    }

    func testDoctorNamesTheKernelAndWhereWeightsAreLookedFor() throws {
        let result = try noisebook(["doctor"], environment: ["HF_HUB_CACHE": scratch + "/hub"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.out.contains("BLAS kernel:"))
        XCTAssertTrue(result.out.contains("SGEMM speed:"))
        XCTAssertTrue(result.out.contains(scratch + "/hub/models--DeepFloyd--IF-I-"))
    }

    func testThreadsAreCappedAndABadCountIsRefused() throws {
        let one = try noisebook(["doctor"], environment: ["NOISEBOOK_THREADS": "1"])
        XCTAssertEqual(one.status, 0, one.err)
        XCTAssertTrue(one.out.contains("Threads:       1 of \(ProcessInfo.processInfo.activeProcessorCount) cores (NOISEBOOK_THREADS=1)"), one.out)
        let bad = try noisebook(["doctor"], environment: ["NOISEBOOK_THREADS": "0"])
        XCTAssertEqual(bad.status, 64, bad.err)
        XCTAssertTrue(bad.err.contains("noisebook: error: NOISEBOOK_THREADS=0: expected a whole number of threads, at least 1"), bad.err)
    }
}

/// Paths on the command line that are not notebooks are usage errors naming them.
final class RunPathTests: CommandTestCase {
    func testAMissingNotebookIsAUsageError() throws {
        let result = try noisebook(["run", "nothere.md"])
        XCTAssertEqual(result.status, 64, result.err)
        XCTAssertTrue(result.err.contains("noisebook: error: nothere.md: no such notebook or folder"), result.err)
        let other = try noisebook(["run", "/etc/hostname"])
        XCTAssertEqual(other.status, 64, other.err)
        XCTAssertTrue(other.err.contains("/etc/hostname: not a notebook (.md) or a folder of notebooks"), other.err)
    }
}

/// `run --slurm` where there is no Slurm, and its options without it, are usage errors that
/// say so before anything runs (the cluster itself is tested in RobustnessTests/SlurmTests).
final class RunSlurmOptionTests: CommandTestCase {
    func testSlurmWithoutSbatchOnThePathIsAUsageError() throws {
        let project = scratch + "/project"
        try FileManager.default.createDirectory(atPath: project + "/Notebooks", withIntermediateDirectories: true)
        let result = try noisebook(["run", "--slurm"], in: project, environment: ["PATH": "/nonexistent"])
        XCTAssertEqual(result.status, 64, result.err)
        XCTAssertTrue(result.err.contains("noisebook: error: --slurm needs Slurm's 'sbatch' on the PATH, and there is none"), result.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: project + "/Output"), "nothing was written")
    }

    func testSlurmsOptionsNeedSlurm() throws {
        let result = try noisebook(["run", "--partition", "cpu"])
        XCTAssertEqual(result.status, 64, result.err)
        XCTAssertTrue(result.err.contains("--partition is an option of --slurm; add --slurm to run on the cluster"), result.err)
        let count = try noisebook(["run", "--slurm", "--cpus-per-task", "many"], environment: ["PATH": "/nonexistent"])
        XCTAssertEqual(count.status, 64, count.err)
    }
}

/// A mistyped model on the command line is a usage error found before anything runs: exit
/// 64 and the output folder exactly as it was.
final class RunModelOptionTests: CommandTestCase {
    func testAnUnknownModelExits64AndTouchesNothing() throws {
        let project = scratch + "/project"
        try FileManager.default.createDirectory(atPath: project + "/Notebooks", withIntermediateDirectories: true)
        try "---\nseed: 1\n---\n```swift\nshow(rectangleMask(size: 4, x: 0, y: 0, width: 2, height: 2), caption: \"m\")\n```\n"
            .write(toFile: project + "/Notebooks/a.md", atomically: true, encoding: .utf8)
        XCTAssertEqual(try noisebook(["run", "Notebooks", "--model", "builtin"], in: project).status, 0)
        let before = try FileManager.default.subpathsOfDirectory(atPath: project + "/Output").sorted()
        let page = try String(contentsOfFile: project + "/Output/a.html", encoding: .utf8)
        let result = try noisebook(["run", "Notebooks", "--model", "IF-I-S"], in: project)
        XCTAssertEqual(result.status, 64, result.err)
        XCTAssertTrue(result.err.contains("--model IF-I-S: unknown model 'IF-I-S'; did you mean 'IF-I-L'?"), result.err)
        XCTAssertFalse(result.err.contains("project.md"), "no notebook is blamed: \(result.err)")
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: project + "/Output").sorted(), before)
        XCTAssertEqual(try String(contentsOfFile: project + "/Output/a.html", encoding: .utf8), page)
    }
}

/// Help for each command, short usage errors, and `--`.
final class CommandHelpTests: CommandTestCase {
    static let commands = ["run", "preview", "cache", "doctor", "unet", "prompts", "encode"]

    func testEveryCommandHasItsOwnHelp() throws {
        for command in Self.commands {
            for arguments in [[command, "--help"], [command, "-h"], ["help", command]] {
                let result = try noisebook(arguments)
                XCTAssertEqual(result.status, 0, "\(arguments): \(result.err)")
                XCTAssertTrue(result.out.hasPrefix("usage: noisebook \(command)"), "\(arguments): \(result.out)")
                XCTAssertFalse(result.out.contains("Exit status"), "\(arguments) prints that command's help only")
            }
        }
        let unknown = try noisebook(["help", "rnu"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.err.contains("no command 'rnu'; did you mean 'run'?"), unknown.err)
    }

    func testAUsageErrorIsShort() throws {
        let result = try noisebook(["run", "--frseh"])
        XCTAssertEqual(result.status, 64)
        let lines = result.err.split(separator: "\n")
        XCTAssertEqual(lines.count, 3, result.err)
        XCTAssertTrue(result.err.contains("usage: noisebook run [PATH...]"), result.err)
        XCTAssertTrue(result.err.hasSuffix("see 'noisebook run --help'\n"), result.err)
    }

    func testDoubleDashEndsOptions() throws {
        let result = try noisebook(["encode", "--weights", scratch, "--out", scratch + "/e.npy", "--", "--a dog"])
        XCTAssertFalse(result.err.contains("unknown option"), result.err)
        XCTAssertTrue(result.err.contains("holds no text encoder"), "it got as far as the weights: \(result.err)")
    }

    func testPromptsListsWhatTheDefaultModelUnderstands() throws {
        let emoji = try noisebook(["prompts", Self.root + "/Models/emoji"])
        XCTAssertEqual(emoji.status, 0, emoji.err)
        let rows = emoji.out.split(separator: "\n")
        XCTAssertGreaterThan(rows.count, 1000)
        XCTAssertTrue(rows.contains { $0.hasSuffix("\tface") }, "a count, a tab, a word")
        let json = try noisebook(["prompts", Self.root + "/Models/emoji/captions.json"])
        XCTAssertEqual(json.status, 64)
        XCTAssertTrue(json.err.contains("is JSON; noisebook prompts reads a prompt-embedding file"), json.err)
        let plain = try noisebook(["prompts"], in: Self.root)
        XCTAssertEqual(plain.status, 0, plain.err)
        XCTAssertFalse(plain.out.isEmpty)
    }
}
