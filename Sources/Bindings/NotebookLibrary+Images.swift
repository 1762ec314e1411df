import Foundation
import Imaging
import Script
import Tensor

extension NotebookLibrary {
    /// The largest image side a cell may ask for: bigger requests are refused before any
    /// memory is allocated.
    static let maximumSide = 4096

    static func addImageFunctions(to library: inout Library, session: NotebookSession) {
        let image = Parameters.image
        let path = Param.string("path", label: .unlabeled)
        library.add(function("loadImage", [path],
                             "Loads a PNG image (relative to the notebook's folder) as RGB in [0, 1].") { arguments in
            let relative = try arguments[path]
            let (absolute, bytes) = try session.read(relative)
            do {
                let tensor = try PNG.decode(bytes, name: session.relativeToProject(absolute))
                return .native(ImageValue(tensor, provenance: Provenance(source: relative)))
            } catch {
                throw NotebookLibrary.failure("\(error)", path)
            }
        })
        let destination = Param.string("path", label: "to")
        library.add(function("saveImage", [image, destination],
                             "Saves an image as PNG inside the project.") { arguments in
            let saved = try arguments[image]
            let file = try session.resolve(try arguments[destination])
            do { try PNG.write(saved.displayTensor, to: file) } catch { throw NotebookLibrary.failure("\(error)", destination) }
            return .void
        })
        library.add(function("gaussianBlur", [image, Parameters.kernelSize, Parameters.sigma],
                             "Blurs an image like torchvision's gaussian_blur (reflect padding).") { arguments in
            let blurred = try arguments[image]
            let (size, sigma) = try NotebookLibrary.blurSettings(arguments)
            return try NotebookLibrary.wrap(blurred, operation: "gaussianBlur(\(size), σ \(sigma))") {
                try $0.gaussianBlur(kernelSize: size, sigma: Float(sigma))
            }
        })
        // Elementwise on an image, beside the number forms of the same names; the result keeps
        // the image's range (and a mask's kind for abs).
        let elementwise: [(String, String, @Sendable (Float) -> Float)] = [
            ("abs", "Absolute value of every value of an image.", { Swift.abs($0) }),
            ("sqrt", "Square root of every value of an image (NaN below 0).", { $0.squareRoot() }),
            ("exp", "e raised to every value of an image.", { expf($0) }),
            ("log", "Natural logarithm of every value of an image (NaN below 0).", { logf($0) }),
        ]
        let x = Param.image("x", label: .unlabeled)
        for (name, summary, body) in elementwise {
            library.add(function(name, [x], summary) { arguments in
                return try wrap(try arguments[x], operation: "\(name)(image)", keepsWeight: name == "abs") { $0.map(body) }
            })
        }
        let base = Param.image("base", label: .unlabeled), exponent = Param.double("exponent", label: .unlabeled)
        library.add(function("pow", [base, exponent], "Every value of an image raised to a number.") { arguments in
            let power = Float(try arguments[exponent])
            return try wrap(try arguments[base], operation: "pow(image, \(exponent))", keepsWeight: false) { $0.map { powf($0, power) } }
        })
        let size = Param.int("size")
        let (left, top, width, height) = (Param.int("x"), Param.int("y"), Param.int("width"), Param.int("height"))
        library.add(function("rectangleMask", [size, left, top, width, height],
                             "A square mask of side `size`: 1 inside the rectangle, 0 elsewhere.") { arguments in
            let size = try NotebookLibrary.side(arguments, size)
            let (x, y) = (try arguments[left], try arguments[top])
            let (w, h) = (try arguments[width], try arguments[height])
            return try NotebookLibrary.wrapTensor(operation: "rectangleMask", isWeight: true) {
                try Image.rectangleMask(width: size, height: size, x: x, y: y, w: w, h: h)
            }
        })
        let (centerX, centerY) = (Param.double("centerX"), Param.double("centerY"))
        let (radiusX, radiusY) = (Param.double("radiusX"), Param.double("radiusY"))
        library.add(function("ellipseMask", [size, centerX, centerY, radiusX, radiusY],
                             "A square mask of side `size`: 1 inside the ellipse, 0 elsewhere.") { arguments in
            let size = try NotebookLibrary.side(arguments, size)
            let (cx, cy) = (try arguments[centerX], try arguments[centerY])
            let (rx, ry) = (try arguments[radiusX], try arguments[radiusY])
            return try NotebookLibrary.wrapTensor(operation: "ellipseMask", isWeight: true) {
                try Image.ellipseMask(width: size, height: size, centerX: Float(cx), centerY: Float(cy),
                                      radiusX: Float(rx), radiusY: Float(ry))
            }
        })
        let images = Param.images("images", label: .unlabeled), columns = Parameters.columns
        library.add(function("grid", [images, columns],
                             "Tiles images into one image, row by row.") { arguments in
            let tiles = try arguments[images]
            let count = try arguments[columns] ?? tiles.count
            guard count >= 1 else { throw NotebookLibrary.failure("columns must be at least 1", columns) }
            try NotebookLibrary.checkGridSize(tiles, columns: count, images)
            do {
                return .native(ImageValue(try Image.grid(tiles.map(\.tensor), columns: count, padding: 2, background: 1)))
            } catch { throw NotebookLibrary.failure("\(error)", images) }
        })
        addImageMethods(to: &library)
    }

    private static func addImageMethods(to library: inout Library) {
        let receiver = Param.image("self")
        func method(_ name: String, _ parameters: [any ParameterDeclaring], _ summary: String,
                    _ body: @escaping @Sendable (ImageValue, Arguments) throws -> Value) {
            library.addMethod(function(name, parameters, summary) { arguments in
                try body(try arguments[receiver], arguments)
            }, on: "Image")
        }
        let cropSize = Param.int("size").optional
        method("centerCrop", [cropSize], "The centred square crop (of side `size`, or the shorter side).") { image, arguments in
            let side = try arguments[cropSize].map { try NotebookLibrary.side($0, cropSize) } ?? min(image.width, image.height)
            guard side <= min(image.width, image.height) else {
                throw NotebookLibrary.failure("cannot crop \(side)x\(side) from a \(image.width)x\(image.height) image", cropSize)
            }
            return try wrap(image, operation: nil) { try $0.centerCrop(width: side, height: side) }
        }
        let newSize = Param.int("size", label: "to")
        method("resized", [newSize], "The image resized to a square of side `size` (antialiased bilinear).") { image, arguments in
            let side = try NotebookLibrary.side(arguments, newSize)
            return try wrap(image, operation: nil) { try $0.resized(width: side, height: side, antialias: true) }
        }
        method("flipped", [], "The image upside down.") { image, _ in
            try wrap(image, operation: then(image, "flipped")) { $0.flippedVertically() }
        }
        method("mirrored", [], "The image mirrored left to right.") { image, _ in
            try wrap(image, operation: then(image, "mirrored")) { $0.flippedHorizontally() }
        }
        let angle = Param.int("degrees", label: "by")
        method("rotated", [angle], "The image rotated counterclockwise by a multiple of 90 degrees.") { image, arguments in
            let degrees = try arguments[angle]
            guard degrees % 90 == 0 else { throw NotebookLibrary.failure("rotation must be a multiple of 90 degrees, got \(degrees)", angle) }
            return try wrap(image, operation: then(image, "rotated by \(degrees)°")) { $0.rotated90(times: ((degrees / 90) % 4 + 4) % 4) }
        }
        method("grayscale", [], "The image in gray (1 channel).") { image, _ in
            try wrap(image, operation: then(image, "in gray")) { try $0.grayscale() }
        }
        method("rgb", [], "The image with 3 channels (a gray image repeated); a mask becomes a picture.") { image, _ in
            try wrap(image, operation: nil, keepsWeight: false) { try $0.toRGB() }
        }
        method("inverted", [], "The colour negative: 1 - x (-x for a model-range value).") { image, _ in
            try wrap(image, operation: then(image, "inverted")) { image.isModelRange ? -$0 : $0.inverted() }
        }
        method("clamped", [], "Values clamped to [0, 1] ([-1, 1] for a model-range value).") { image, _ in
            try wrap(image, operation: nil) { $0.clamped(to: image.isModelRange ? -1...1 : 0...1) }
        }
        method("toModelRange", [], "The image in the model's range [-1, 1] (2x - 1), for the model's primitives.") { image, _ in
            guard !image.isModelRange else {
                throw NotebookLibrary.failure("this value is already in the model range", receiver)
            }
            guard !image.isWeight else {
                throw NotebookLibrary.failure("this is a mask, a weight in [0, 1]: it combines with model-range values as it is, so leave it unconverted", receiver)
            }
            return .native(ImageValue(image.tensor.toModelRange(), provenance: image.provenance, isModelRange: true))
        }
        method("toDisplayRange", [], "A model-range value back in the display range [0, 1] ((x + 1) / 2).") { image, _ in
            guard image.isModelRange else {
                throw NotebookLibrary.failure("this image is already in the display range", receiver)
            }
            return .native(ImageValue(image.tensor.fromModelRange(), provenance: image.provenance))
        }
        method("mean", [], "The mean of all values: in [0, 1] for a display image, [-1, 1] in the model range.") { image, _ in
            .double(image.tensor.mean())
        }
        method("min", [], "The smallest value (NaN when the image holds NaN): below 0 (or -1 in the model range) means values the page shows clipped.") { image, _ in
            .double(Double(image.tensor.min()))
        }
        method("max", [], "The largest value (NaN when the image holds NaN): above 1 means values the page shows clipped.") { image, _ in
            .double(Double(image.tensor.max()))
        }
        method("std", [], "The standard deviation of all values (over all of them, not a sample estimate): 0 for a flat image, at most 0.5 for a display image, 1 in the model range.") { image, _ in
            let values = image.tensor.scalars
            let mean = values.reduce(0.0) { $0 + Double($1) } / Double(max(values.count, 1))
            let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(max(values.count, 1))
            return .double(variance.squareRoot())
        }
        let properties: [(String, @Sendable (ImageValue) -> Int)] = [("width", { $0.width }), ("height", { $0.height }), ("channels", { $0.channels })]
        for (name, get) in properties {
            library.addProperty(name, on: "Image") { native in
                guard let image = native as? ImageValue else { return .void }
                return .int(get(image))
            }
        }
    }

    /// A size argument, refused beyond `maximumSide` before anything is allocated.
    static func side(_ arguments: Arguments, _ parameter: Param<Int>) throws -> Int {
        try side(try arguments[parameter], parameter)
    }

    /// `side`, the value of `parameter`, refused beyond `maximumSide`.
    static func side(_ side: Int, _ parameter: some ParameterDeclaring) throws -> Int {
        guard side >= 1, side <= maximumSide else {
            throw failure("\(parameter.declaration.name) must be between 1 and \(maximumSide), got \(side)", parameter)
        }
        return side
    }

    /// The `kernelSize:` and `sigma:` of a Gaussian blur (gaussianBlur, hybridImage), checked
    /// in one place: an odd size up to `maximumSide` and a positive sigma.
    static func blurSettings(_ arguments: Arguments) throws -> (size: Int, sigma: Double) {
        let (kernelSize, sigmaParameter) = (Parameters.kernelSize, Parameters.sigma)
        let size = try arguments[kernelSize], sigma = try arguments[sigmaParameter]
        guard size > 0, size % 2 == 1, size <= maximumSide else {
            throw failure("kernelSize must be a positive odd number of at most \(maximumSide), got \(size)", kernelSize)
        }
        guard sigma > 0 else { throw failure("sigma must be positive, got \(sigma)", sigmaParameter) }
        return (size, sigma)
    }

    /// Refuses a grid whose image would exceed `maximumSide` squared pixels, before it is
    /// allocated (each tile is bounded, but a long list of them is not).
    static func checkGridSize(_ images: [ImageValue], columns: Int, padding: Int = 2, _ parameter: some ParameterDeclaring) throws {
        let used = min(columns, images.count)
        let rows = (images.count + used - 1) / max(used, 1)
        let cellWidth = images.map(\.width).max() ?? 0, cellHeight = images.map(\.height).max() ?? 0
        let (width, height) = (used * (cellWidth + padding) + padding, rows * (cellHeight + padding) + padding)
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maximumSide * maximumSide else {
            throw failure("a grid of \(images.count) images of up to \(cellWidth)x\(cellHeight) in \(used) columns would be \(width)x\(height) pixels, more than the \(maximumSide)x\(maximumSide) noisebook allows", parameter)
        }
    }

    /// A new image from `body`; Imaging errors become cell errors.
    /// The operation of `image` followed by a change of view, so a figure that shows an
    /// image both ways says which is which: "flipAnagram(...), then flipped".
    static func then(_ image: ImageValue, _ change: String) -> String {
        image.provenance.operation.map { "\($0), then \(change)" } ?? change
    }

    static func wrapTensor(operation: String, isWeight: Bool = false, _ body: () throws -> Tensor) throws -> Value {
        try wrap(ImageValue(Tensor(zeros: [1, 1, 1]), provenance: Provenance(operation: operation), isWeight: isWeight), operation: operation) { _ in try body() }
    }

    /// `body` applied to the image's pixels, keeping its provenance and range (and, unless
    /// `keepsWeight` is false, whether it is a mask); Imaging errors become cell errors.
    static func wrap(_ image: ImageValue, operation: String?, keepsWeight: Bool = true, _ body: (Tensor) throws -> Tensor) throws -> Value {
        do {
            var provenance = image.provenance
            if let operation { provenance.operation = operation }
            return .native(ImageValue(try body(image.tensor), provenance: provenance, isModelRange: image.isModelRange,
                                      isWeight: image.isWeight && keepsWeight))
        } catch let failure as BuiltinFailure {
            throw failure
        } catch {
            throw NotebookLibrary.failure("\(error)")
        }
    }
}
