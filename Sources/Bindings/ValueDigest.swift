import Digest
import Script
import Tensor

/// Content digests of cell values: what a value is, not where it came from, so that the same
/// call on the same inputs draws the same random numbers wherever it stands.
enum ValueDigest {
    /// The digest of `value`: for images, their shape and pixels (not their provenance).
    static func of(_ value: Value) -> String {
        var hasher = SHA256()
        feed(value, into: &hasher)
        return hasher.hexDigest()
    }

    /// The digest of a call's arguments: every parameter, by name, in name order.
    static func of(_ arguments: Arguments) -> String {
        var hasher = SHA256()
        for name in arguments.values.keys.sorted() {
            hasher.update("\(name)=")
            if let value = arguments.values[name] { feed(value, into: &hasher) }
            hasher.update(";")
        }
        return hasher.hexDigest()
    }

    private static func feed(_ value: Value, into hasher: inout SHA256) {
        switch value {
        case let .int(i): hasher.update("i\(i)")
        case let .double(d): hasher.update("d\(d.bitPattern)")
        case let .bool(b): hasher.update(b ? "t" : "f")
        case let .string(s): hasher.update("s\(s.utf8.count):\(s)")
        case let .range(lower, upper): hasher.update("r\(lower)..<\(upper)")
        case .void: hasher.update("v")
        case .function(let function):
            // Its source and what it captured: what calling it computes.
            hasher.update("f\(function.declaration.source.utf8.count):\(function.declaration.source)")
            for name in function.captures.keys.sorted() {
                hasher.update("\(name)=")
                if let value = function.captures[name] { feed(value, into: &hasher) }
            }
        case let .array(items):
            hasher.update("a\(items.count)[")
            for item in items { feed(item, into: &hasher) }
            hasher.update("]")
        case let .native(native):
            if let image = native as? ImageValue {
                hasher.update("image\(image.tensor.shape)\(image.isModelRange ? "m" : image.isWeight ? "w" : "d"):")
                hasher.update(NativeCodec.floatBytes(image.tensor.scalars))
            } else {
                hasher.update("native \(native.typeName):\(native.displayString)")
            }
        }
    }
}
