import Script

extension Param where T == ImageValue {
    /// An image parameter.
    static func image(_ name: String, label: Label = .same) -> Param<ImageValue> {
        .native(name, label: label, as: ImageValue.self, typeName: "Image")
    }
}

extension Param where T == [ImageValue] {
    /// An image list parameter; a single image counts as a list of one.
    static func images(_ name: String, label: Label = .same) -> Param<[ImageValue]> {
        Param<Value>.any(name, label: label).map(NotebookLibrary.imageList)
    }
}

extension Param where T == [String] {
    /// A string list parameter.
    static func strings(_ name: String, label: Label = .same, default value: [String]? = nil) -> Param<[String]> {
        Param<[Value]>.array(name, label: label, default: value?.map(Value.string)).map { try NotebookLibrary.stringList(.array($0), $1) }
    }
}

extension NotebookLibrary {
    /// `value`, the argument `name`, as a list of images (a single image counts as a list of one).
    @Sendable static func imageList(_ value: Value, _ name: String) throws -> [ImageValue] {
        switch value {
        case let .native(native as ImageValue):
            return [native]
        case let .array(items):
            return try items.enumerated().map { index, item in
                guard case let .native(native as ImageValue) = item else {
                    throw BuiltinFailure("element \(index) of '\(name)' is \(item.typeName), expected Image",
                                         parameter: name, kind: .wrongType, notes: [])
                }
                return native
            }
        default:
            throw BuiltinFailure("'\(name)' must be an Image or [Image], got \(value.typeName)",
                                 parameter: name, kind: .wrongType, notes: [])
        }
    }

    /// `value`, the array argument `name`, as a list of strings.
    @Sendable static func stringList(_ value: Value, _ name: String) throws -> [String] {
        try (value.elements ?? []).enumerated().map { index, item in
            guard case let .string(s) = item else {
                throw BuiltinFailure("element \(index) of '\(name)' is \(item.typeName), expected String",
                                     parameter: name, kind: .wrongType, notes: [])
            }
            return s
        }
    }
}

extension NotebookLibrary {
    /// The parameters several built-ins share, each declared once: its label, its default
    /// and how it is read. A built-in with another default declares its own.
    enum Parameters {
        /// The image a built-in works on, unlabeled.
        static let image = Param.image("image", label: .unlabeled)
        /// A timestep.
        static let t = Param.int("t")
        /// The text prompt; the course's default prompt when left out.
        static let prompt = Param.string("prompt").optional
        /// A seed for the call's numbered draws; the call's own stream when left out.
        static let seed = Param.int("seed").optional
        /// The stride of the strided timesteps.
        static let stride = Param.int("stride", default: 30)
        /// The classifier-free guidance scale.
        static let guidance = Param.double("guidance", default: 7)
        /// An index into the strided timesteps to start denoising from.
        static let iStart = Param.int("iStart")
        /// Every k-th step's image kept as well as the final one.
        static let keepEvery = Param.int("keepEvery").optional
        /// The built-in model's patch schedule.
        static let patches = Param.string("patches").optional
        /// How many images to sample.
        static let count = Param.int("count", default: 1)
        /// The number of sampling steps.
        static let steps = Param.int("steps", default: 33)
        /// A Gaussian blur's kernel size.
        static let kernelSize = Param.int("kernelSize", default: 33)
        /// A Gaussian blur's standard deviation.
        static let sigma = Param.double("sigma", default: 2)
        /// The deliverable a figure answers.
        static let deliverable = Param.string("deliverable").optional
        /// How many columns a grid of images has.
        static let columns = Param.int("columns").optional
    }
}
