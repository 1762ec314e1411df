import Bindings
import Foundation
import Notebook
import Pipeline
import Runner

/// `noisebook run`: notebooks into the site.
struct RunCommand {
    let arguments: [String]

    func run() throws -> Int32 {
        let parsed = try OptionParser(arguments, valued: ["--out", "--cache", "--allow", "--weights", "--embeddings", "--model"], flags: ["--fresh", "--embed", "--no-wait"])
        var options = RunOptions(version: BuildIdentity.current(version: noisebookVersion))
        options.paths = parsed.positional.isEmpty ? ["Notebooks"] : parsed.positional
        options.outputFolder = parsed.value("--out") ?? "Output"
        options.cacheFolder = parsed.value("--cache") ?? ".noisebook/cache"
        options.fresh = parsed.flag("--fresh")
        options.embedImages = parsed.flag("--embed")
        options.waitForLock = !parsed.flag("--no-wait")
        options.allowedFolders = parsed.all("--allow").map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let interrupt = Interrupt.install()
        options.isCancelled = { interrupt.isRequested }

        let log = RunLog(interactive: isatty(STDERR_FILENO) != 0) { text in
            FileHandle.standardError.write(Data(text.utf8))
        }
        let resolver = ModelResolver(projectRoot: options.projectRoot, weights: parsed.value("--weights"),
                                     embeddings: parsed.value("--embeddings"), model: parsed.value("--model"),
                                     warn: { printError($0) })
        let runner = Runner(options: options, log: log) { frontMatter, notebookFolder in
            try resolver.choose(frontMatter, notebookFolder: notebookFolder)
        }
        let summary = try runner.run()
        if interrupt.isRequested {
            printError("noisebook: interrupted; finished cells are cached, the rest will run next time")
            return ExitCode.interrupted
        }
        return summary.exitCode
    }
}

