/// The index page's coverage table: each deliverable of the assignment with links to the
/// places on the site that answer it, the unanswered ones flagged.
public struct DeliverableIndex: Sendable, Equatable {
    /// A place on the site that answers a deliverable.
    public struct Link: Sendable, Equatable {
        /// The page and anchor, relative to the index (`1.1-forward-process.html#d-1.1-noisy-3`).
        public var href: String
        /// What the link shows: the part and what is there (`1.1 · t = 250, forwardProcess`).
        public var label: String

        /// A link from its parts.
        public init(href: String, label: String) {
            self.href = href
            self.label = label
        }
    }

    /// One deliverable and what answers it.
    public struct Row: Sendable, Equatable {
        /// Its id.
        public var id: String
        /// What the assignment asks.
        public var text: String
        /// Where the site answers it; empty when nothing does.
        public var links: [Link]

        /// A row from its parts.
        public init(id: String, text: String, links: [Link]) {
            self.id = id
            self.text = text
            self.links = links
        }
    }

    /// The table's path, as the page names it.
    public var tablePath: String
    /// The table's deliverables, in its order.
    public var rows: [Row]
    /// Answers that name an id the table does not have (the table changed after the cell ran).
    public var unknown: [Row]

    /// An index from its parts.
    public init(tablePath: String, rows: [Row], unknown: [Row]) {
        self.tablePath = tablePath
        self.rows = rows
        self.unknown = unknown
    }

    /// The deliverables nothing answers.
    public var missing: [Row] { rows.filter(\.links.isEmpty) }

    /// The HTML section.
    func render() -> String {
        var html = "<section class=\"coverage\" aria-labelledby=\"deliverables\">\n<h2 id=\"deliverables\">Deliverables</h2>\n"
        let answered = rows.count - missing.count
        var summary = "\(answered) of \(rows.count) answered"
        if !missing.isEmpty { summary += "; <span class=\"warning\">\(missing.count) with nothing on the site yet</span>" }
        html += "<p class=\"subtitle\">\(summary) (from \(Report.escape(tablePath)))</p>\n"
        html += "<table class=\"deliverables\">\n<thead><tr><th>Id</th><th>What is asked</th><th>Where</th></tr></thead>\n<tbody>\n"
        for row in rows + unknown {
            let isUnknown = unknown.contains(row)
            html += "<tr\(row.links.isEmpty || isUnknown ? " class=\"missing\"" : "")><td>\(Report.escape(row.id))</td>"
            html += "<td>\(isUnknown ? "not in the table, but a cell names it" : Report.escape(row.text))</td><td>"
            if row.links.isEmpty {
                html += "<span aria-hidden=\"true\">⚠</span> nothing answers this yet"
            } else {
                html += row.links.map { link in
                    "<a href=\"\(Report.escape(SafeURL.link(link.href) ?? "#"))\">\(Report.escape(link.label))</a>"
                }.joined(separator: "<br>")
            }
            html += "</td></tr>\n"
        }
        html += "</tbody>\n</table>\n</section>\n"
        return html
    }
}
