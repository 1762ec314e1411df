import Foundation
import Diffusion
import Script

extension NotebookLibrary {
    /// The most values one `print` takes.
    static let printArity = 8

    static func addOutputFunctions(to library: inout Library, session: NotebookSession) {
        let items = (0..<printArity).map { Param.any("item\($0)", label: .unlabeled, default: .void) }
        let separator = Param.string("separator", default: " ")
        library.add(function("print", items + [separator],
                             "Prints values below the cell and in the terminal, separated by separator: (a space), as Swift's print does.") { arguments in
            let values = try items.map { try arguments[$0] }.prefix { if case .void = $0 { return false } else { return true } }
            session.emit(.text(values.map(\.displayString).joined(separator: try arguments[separator])))
            return .void
        })
        let value = Param.double("value", label: .unlabeled), digits = Param.int("digits", default: 3)
        library.add(function("format", [value, digits],
                             "A number written with a fixed number of decimals.") { arguments in
            let decimals = try arguments[digits]
            guard (0...12).contains(decimals) else { throw NotebookLibrary.failure("digits must be in 0...12, got \(decimals)", digits) }
            return .string(String(format: "%.\(decimals)f", try arguments[value]))
        })
        let images = Param.images("images", label: .unlabeled)
        let caption = Param.string("caption").optional, captions = Param.strings("captions").optional
        let title = Param.string("title").optional, columns = Parameters.columns, view = Param.string("view").optional
        library.add(function("show", [images, caption, captions, title, columns, view, Parameters.deliverable],
                             "Shows an image or a row of images with captions on the page; deliverable: names the deliverable the figure answers.") { arguments in
            let shownImages = try arguments[images]
            var texts = [String](repeating: "", count: shownImages.count)
            if let given = try arguments[captions] {
                guard given.count == shownImages.count else {
                    throw NotebookLibrary.failure("\(shownImages.count) images but \(given.count) captions", captions)
                }
                texts = given
            }
            if let shared = try arguments[caption] {
                texts = shownImages.count == 1 ? [shared] : texts.map { $0.isEmpty ? shared : $0 }
            }
            let columnCount = try arguments[columns]
            if let columnCount, columnCount < 1 { throw NotebookLibrary.failure("columns must be at least 1, got \(columnCount)", columns) }
            let viewName = try arguments[view].map { try NotebookLibrary.view(named: $0, view).rawValue }
            let heading = try arguments[title]
            for image in shownImages where image.channels != 1 && image.channels != 3 {
                throw NotebookLibrary.failure("cannot show an image with \(image.channels) channels", images)
            }
            let shown = zip(shownImages, texts).map { image, text in
                ShownImage(tensor: image.displayTensor, caption: text, provenance: image.provenance, view: viewName)
            }
            for (image, text) in zip(shown, texts) where !image.tensor.isFinite {
                let shownAs = text.isEmpty ? "an image" : "the image captioned \"\(text)\""
                session.noteOnce("warning: \(shownAs) holds NaN or infinite values"
                                 + (image.provenance.operation.map { "; it was made by \($0)" } ?? ""))
            }
            try emitDeliverable(arguments, Parameters.deliverable, session: session)
            session.emit(.figure(title: heading, columns: columnCount, images: shown))
            return .void
        })
    }
}
