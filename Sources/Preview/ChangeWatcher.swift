import Foundation

/// Notices changes to the notebooks and the files beside them (images they read), by size
/// and modification time, polling.
public struct ChangeWatcher: Sendable {
    /// Notebooks or folders of notebooks; a notebook's whole folder is watched.
    public let paths: [String]
    /// Folders whose files never count (the output and the cache).
    public let ignoring: [String]

    /// A watcher of `paths`, `ignoring` those folders.
    public init(paths: [String], ignoring: [String]) {
        self.paths = paths
        self.ignoring = ignoring
    }

    /// Every watched file with its size and modification time.
    public func snapshot() -> [String: String] {
        var state = [String: String]()
        let files = FileManager.default
        for path in paths {
            var isFolder: ObjCBool = false
            guard files.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            let folder = isFolder.boolValue ? path : URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard let walker = files.enumerator(atPath: folder) else { continue }
            for case let relative as String in walker {
                let full = folder + "/" + relative
                if relative.hasPrefix(".") || ignoring.contains(where: { full.hasPrefix($0 + "/") || full == $0 }) { continue }
                if let attributes = try? files.attributesOfItem(atPath: full), attributes[.type] as? FileAttributeType == .typeRegular {
                    let time = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                    state[full] = "\(attributes[.size] ?? 0)@\(time)"
                }
            }
        }
        return state
    }

    /// Polls every `interval` seconds until the files differ from `last` and then stay the
    /// same for `settle` seconds (an editor writes a file in several steps), returning the
    /// new state; nil when `stop` says so first.
    public func nextChange(after last: [String: String], interval: Double = 0.25, settle: Double = 0.3,
                           stop: () -> Bool) -> [String: String]? {
        while !stop() {
            Thread.sleep(forTimeInterval: interval)
            let now = snapshot()
            guard now != last else { continue }
            Thread.sleep(forTimeInterval: settle)
            let settled = snapshot()
            if settled == now { return settled }
        }
        return nil
    }
}
