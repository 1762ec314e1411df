import Foundation
import Diffusion
import Script

extension NotebookLibrary {
    /// The most values one `print` takes.
    static let printArity = 8

    static func addOutputFunctions(to library: inout Library, session: NotebookSession) {
        library.add(function("print", (0..<printArity).map { (nil, "item\($0)", .void) } + [("separator", "separator", .string(" "))],
                             "Prints values below the cell and in the terminal, separated by separator: (a space), as Swift's print does.") { arguments in
            let items = (0..<printArity).map { arguments["item\($0)"] }.prefix { if case .void = $0 { return false } else { return true } }
            session.emit(.text(items.map(\.displayString).joined(separator: try arguments.string("separator"))))
            return .void
        })
        library.add(function("format", [(nil, "value", nil), ("digits", "digits", .int(3))],
                             "A number written with a fixed number of decimals.") { arguments in
            let digits = try arguments.int("digits")
            guard (0...12).contains(digits) else { throw NotebookLibrary.failure("digits must be in 0...12, got \(digits)", "digits") }
            return .string(String(format: "%.\(digits)f", try arguments.double("value")))
        })
        library.add(function("show", [(nil, "images", nil), ("caption", "caption", .void),
                                      ("captions", "captions", .void), ("title", "title", .void),
                                      ("columns", "columns", .void), ("view", "view", .void),
                                      ("deliverable", "deliverable", .void)],
                             "Shows an image or a row of images with captions on the page; deliverable: names the deliverable the figure answers.") { arguments in
            let images = try NotebookLibrary.images(arguments, "images")
            var captions = [String](repeating: "", count: images.count)
            if arguments.isPresent("captions") {
                let given = try NotebookLibrary.strings(arguments, "captions")
                guard given.count == images.count else {
                    throw NotebookLibrary.failure("\(images.count) images but \(given.count) captions", "captions")
                }
                captions = given
            }
            if arguments.isPresent("caption") {
                let caption = try arguments.string("caption")
                captions = images.count == 1 ? [caption] : captions.map { $0.isEmpty ? caption : $0 }
            }
            let columns = arguments.isPresent("columns") ? try arguments.int("columns") : nil
            if let columns, columns < 1 { throw NotebookLibrary.failure("columns must be at least 1, got \(columns)", "columns") }
            var view: String?
            if arguments.isPresent("view") {
                let name = try arguments.string("view")
                view = try NotebookLibrary.view(named: name, "view").rawValue
            }
            let title = arguments.isPresent("title") ? try arguments.string("title") : nil
            for image in images where image.channels != 1 && image.channels != 3 {
                throw NotebookLibrary.failure("cannot show an image with \(image.channels) channels", "images")
            }
            let shown = zip(images, captions).map { image, caption in
                ShownImage(tensor: image.displayTensor, caption: caption, provenance: image.provenance, view: view)
            }
            for (image, caption) in zip(shown, captions) where !image.tensor.isFinite {
                let shownAs = caption.isEmpty ? "an image" : "the image captioned \"\(caption)\""
                session.noteOnce("warning: \(shownAs) holds NaN or infinite values"
                                 + (image.provenance.operation.map { "; it was made by \($0)" } ?? ""))
            }
            try emitDeliverable(arguments, "deliverable", session: session)
            session.emit(.figure(title: title, columns: columns, images: shown))
            return .void
        })
    }
}
