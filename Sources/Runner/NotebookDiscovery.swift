import Foundation

/// Finds the notebooks named on the command line, in the assignment's part order.
public enum NotebookDiscovery {
    /// Absolute paths of the `.md` notebooks in `paths` (files, or folders searched one
    /// level deep), sorted by part number ("0", "1.1", "1.7.1", "1.10", "2").
    public static func notebooks(in paths: [String]) throws -> [String] {
        var found = [String]()
        let manager = FileManager.default
        for path in paths {
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: absolute, isDirectory: &isFolder) else {
                throw RunnerError.notANotebook(path: path)
            }
            if isFolder.boolValue {
                let names = try manager.contentsOfDirectory(atPath: absolute)
                found += names.filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") && $0 != "README.md" }
                    .map { absolute + "/" + $0 }
            } else if absolute.hasSuffix(".md") {
                found.append(absolute)
            } else {
                throw RunnerError.notANotebook(path: path)
            }
        }
        var seen = Set<String>()
        return found.filter { seen.insert($0).inserted }.sorted { partOrder($0, $1) }
    }

    /// Orders file names by their leading dotted part number, numerically, then by name.
    static func partOrder(_ a: String, _ b: String) -> Bool {
        let (pa, pb) = (partNumber(a), partNumber(b))
        for (x, y) in zip(pa, pb) where x != y { return x < y }
        if pa.count != pb.count { return pa.count < pb.count }
        return a < b
    }

    /// The numbers of a leading "1.7.2" in a file name ([] when there is none).
    static func partNumber(_ path: String) -> [Int] {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let prefix = name.prefix { $0.isNumber || $0 == "." }
        return prefix.split(separator: ".").compactMap { Int($0) }
    }
}
