import Notebook
import Report

/// A deliverable answered on a page: where, and how the index names the place.
struct DeliverableAnswer: Codable, Sendable, Equatable {
    /// The deliverable's id.
    var id: String
    /// The 1-based cell that answers it.
    var cell: Int
    /// The 1-based position of the marker among the cell's outputs.
    var position: Int
    /// What is there: the title or first caption of the figure after the marker, or the cell.
    var label: String

    /// The element id of the marker on the page.
    var anchor: String { "d-\(id)-c\(cell)-\(position)" }
}

extension Site {
    /// How the index names an answer: the figure or chart that follows the marker in its
    /// cell (several markers may stand before one figure), else what the cell declares
    /// (`func forwardProcess`), else the cell itself.
    static func answerLabel(_ following: ArraySlice<StoredOutput>, cell: Int, source: String) -> String {
        for output in following {
            switch output {
            case let .figure(figure):
                if let title = figure.title, !title.isEmpty { return title }
                let captions = figure.images.map(\.caption).filter { !$0.isEmpty }
                if captions.isEmpty { break }
                return captions.prefix(3).joined(separator: " / ") + (captions.count > 3 ? " / …" : "")
            case let .chart(chart, caption):
                if !chart.title.isEmpty { return chart.title }
                if !caption.isEmpty { return caption }
            case .text, .deliverable:
                continue
            }
            break
        }
        let declared = source.split(separator: "\n").compactMap { line -> String? in
            let words = line.drop { $0 == " " }.split(separator: " ", maxSplits: 1)
            guard words.count == 2, words[0] == "func" else { return nil }
            return "func " + words[1].prefix { $0 != "(" && $0 != "<" }
        }
        return declared.isEmpty ? "cell \(cell)" : declared.joined(separator: ", ")
    }

    /// The index's coverage table over the pages in order, nil without a table.
    func deliverableIndex(pages: [IndexEntry]) -> DeliverableIndex? {
        guard let table = deliverableTable else { return nil }
        var links = [String: [DeliverableIndex.Link]]()
        var order = [String]()
        for page in pages {
            for answer in answers[page.fileName] ?? [] {
                if links[answer.id] == nil { order.append(answer.id) }
                links[answer.id, default: []].append(DeliverableIndex.Link(href: page.fileName + "#" + answer.anchor,
                                                                            label: "\(page.part) · \(answer.label)"))
            }
        }
        let rows = table.rows.map { DeliverableIndex.Row(id: $0.id, text: $0.text, links: links[$0.id] ?? []) }
        let unknown = order.filter { table.row($0) == nil }.map { DeliverableIndex.Row(id: $0, text: "", links: links[$0] ?? []) }
        return DeliverableIndex(tablePath: table.path, rows: rows, unknown: unknown)
    }
}
