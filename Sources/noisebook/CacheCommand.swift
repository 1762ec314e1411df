import Foundation
import Runner

/// `noisebook cache size` and `noisebook cache clean --keep-latest`.
struct CacheCommand {
    let arguments: [String]


    func run() throws -> Int32 {
        let parsed = try OptionParser(arguments, valued: ["--cache"], flags: ["--keep-latest", "--no-wait"])
        let root = parsed.value("--cache") ?? ".noisebook/cache"
        let maintenance = CacheMaintenance(root: root)
        switch parsed.positional {
        case ["size"]:
            print("\(root): \(maintenance.usage())")
            return ExitCode.success
        case ["clean"]:
            guard parsed.flag("--keep-latest") else {
                throw UsageError(description: "noisebook cache clean needs --keep-latest (the only way of cleaning so far)")
            }
            // Cleaning while a run writes would delete entries it is about to name.
            let lockPath = FileManager.default.currentDirectoryPath + "/.noisebook/lock"
            guard let lock = try ProjectLock.acquire(lockPath, wait: !parsed.flag("--no-wait"), waiting: { holder in
                printError("noisebook: another noisebook run (\(holder.map { "pid \($0)" } ?? "pid unknown")) is using this project; waiting for it to finish...")
            }) else { return ExitCode.interrupted }
            defer { lock.release() }
            let before = maintenance.usage()
            let removed = try maintenance.cleanKeepingLatest()
            print("\(root): removed \(removed); kept \(maintenance.usage()) (was \(before))")
            return ExitCode.success
        default:
            throw UsageError(description: "noisebook cache needs 'size' or 'clean --keep-latest'")
        }
    }
}
