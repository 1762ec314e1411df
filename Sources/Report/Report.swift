/// Turns notebook results into HTML: one page per notebook and an index.
///
/// Everything here is a pure function of its input: nothing is executed, read or written.
/// Every string that came from a notebook is escaped, and pages make no request to any
/// other host (styles are inline, there are no scripts, fonts or remote images).
public enum Report {
    /// The HTML page of one notebook.
    public static func page(_ input: PageInput) -> String {
        PageWriter(input: input).render()
    }

    /// The index page: one card per notebook, in the given order, then the deliverables
    /// coverage when there is a table.
    public static func index(title: String, entries: [IndexEntry], deliverables: DeliverableIndex? = nil) -> String {
        IndexWriter(title: title, entries: entries, deliverables: deliverables).render()
    }

    /// Markdown prose as an HTML fragment, with `$...$` and `$$...$$` maths rendered as HTML
    /// text; raw HTML in the prose is shown as text, not interpreted.
    public static func markdown(_ text: String) -> String {
        MarkdownRenderer.render(text)
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities, safe in element content
    /// and in quoted attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
