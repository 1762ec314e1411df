import Foundation
import Notebook

/// The deliverables tables of the notebook folders of one run, each read once: a folder's
/// `deliverables.txt`, when it has one.
struct DeliverableTables {
    /// The project root, which the paths errors show are relative to.
    let root: String
    private var byFolder: [String: DeliverableTable?] = [:]

    init(root: String) {
        self.root = root
    }

    /// The table of `folder`; nil when it has none. A table that cannot be read is logged
    /// as an error at its line and column, counted in `summary`, and read as empty, so every
    /// answer naming it fails and points back at it.
    mutating func table(in folder: String, log: RunLog, summary: inout RunSummary) -> DeliverableTable? {
        if let known = byFolder[folder] { return known }
        let path = folder + "/" + DeliverableTable.fileName
        let display = Runner.display(path, root: root)
        var table: DeliverableTable?
        if let data = FileManager.default.contents(atPath: path) {
            do {
                table = try DeliverableTable(path: display, text: String(decoding: data, as: UTF8.self))
            } catch {
                // The table's reader throws only NotebookError, which prints as path:line:col.
                log.error("\(error)")
                summary.brokenTables += 1
                table = try? DeliverableTable(path: display, text: "")
            }
        }
        byFolder[folder] = .some(table)
        return table
    }
}
