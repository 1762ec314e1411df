import Foundation

/// The project a command works on: the folder holding its `.noisebook/` cache or its
/// `Notebooks/`, found by walking up from the current directory, so that running from a
/// subfolder uses the project's cache rather than starting a new one there.
public enum ProjectRoot {
    /// The nearest folder at or above `start` that holds `.noisebook/` or `Notebooks/`;
    /// `start` itself when none does.
    public static func find(from start: String) -> String {
        var folder = URL(fileURLWithPath: start).standardizedFileURL
        while true {
            for marker in [".noisebook", "Notebooks"] {
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: folder.appendingPathComponent(marker).path, isDirectory: &isFolder), isFolder.boolValue {
                    return folder.path
                }
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return URL(fileURLWithPath: start).standardizedFileURL.path }
            folder = parent
        }
    }
}
