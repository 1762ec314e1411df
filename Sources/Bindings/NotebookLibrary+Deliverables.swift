import Script
import TextDistance

/// Which of the assignment's deliverables a cell or figure answers: a marker in the cell's
/// output that the page shows and the index links to.
extension NotebookLibrary {
    static func addDeliverableFunctions(to library: inout Library, session: NotebookSession) {
        let id = Param.string("id", label: .unlabeled)
        library.add(function("deliverable", [id],
                             "Marks this place in the cell's output as answering a deliverable of the notebooks' deliverables.txt; the index page links here.") { arguments in
            try emitDeliverable(try arguments[id], id, session: session)
            return .void
        })
    }

    /// Emits the marker for the deliverable `parameter` names, when given, after checking
    /// the id against the table.
    static func emitDeliverable(_ arguments: Arguments, _ parameter: Param<String?>, session: NotebookSession) throws {
        try emitDeliverable(try arguments[parameter], parameter, session: session)
    }

    /// Emits the marker for deliverable `id`, the value of `parameter`, when there is one.
    static func emitDeliverable(_ id: String?, _ parameter: some ParameterDeclaring, session: NotebookSession) throws {
        guard let id else { return }
        // A notebook copied without its table still runs: the mark is kept, and the note says
        // what the index needs to list it.
        guard let table = session.deliverables else {
            session.noteOnce("no deliverables.txt beside this notebook, so the index cannot list '\(id)'; write one (one line per deliverable: an id, then what is asked)")
            session.emit(.deliverable(id))
            return
        }
        guard table.ids.contains(id) else {
            let hint = ClosestMatch.question(for: id, among: table.ids)
            throw failure("'\(id)' is not a deliverable of \(table.path)", parameter, notes: hint.map { [$0] } ?? [])
        }
        session.emit(.deliverable(id))
    }
}
