import Bindings
import Imaging
import Script

/// Converts between script values and outputs and their cached form, putting large
/// contents into the cache's blobs.
struct ValueStore {
    let cache: CellCache

    /// The cached form of `value`, storing its blobs.
    func store(_ value: Value) throws -> StoredValue {
        switch value {
        case let .int(i): return .int(i)
        case let .double(d): return .double(d)
        case let .bool(b): return .bool(b)
        case let .string(s): return .string(s)
        case let .array(items): return .array(try items.map(store))
        case let .range(lower, upper): return .range(lower: lower, upper: upper)
        case .void: return .void
        case let .function(function):
            return .function(name: function.declaration.name, source: function.declaration.source,
                             captures: try function.captures.mapValues(store))
        case let .native(native):
            let encoded = try NativeCodec.encode(native)
            let blob = try cache.storeBlob(encoded.bytes)
            return .native(type: encoded.type, metadata: encoded.metadata, blob: blob)
        }
    }

    /// The value a cached form stands for.
    func load(_ stored: StoredValue) throws -> Value {
        switch stored {
        case let .int(i): return .int(i)
        case let .double(d): return .double(d)
        case let .bool(b): return .bool(b)
        case let .string(s): return .string(s)
        case let .array(items): return .array(try items.map(load))
        case let .range(lower, upper): return .range(lower: lower, upper: upper)
        case .void: return .void
        case let .function(name, source, captures):
            return .function(try FunctionValue.restore(source: source, name: name, captures: try captures.mapValues(load)))
        case let .native(type, metadata, blob):
            return try NativeCodec.decode(type: type, metadata: metadata, bytes: try cache.blob(blob))
        }
    }

    /// The cached form of a cell's outputs: shown images become PNG blobs.
    func store(_ outputs: [SessionOutput]) throws -> [StoredOutput] {
        try outputs.map { output in
            switch output {
            case let .text(text):
                return .text(text)
            case let .chart(chart, caption):
                return .chart(chart, caption: caption)
            case let .deliverable(id):
                return .deliverable(id)
            case let .figure(title, columns, images):
                let stored = try images.map { image -> StoredFigureImage in
                    // What the PNG can hold: [0, 1], NaN as 0 (the display note says so).
                    let png = try PNG.encode(image.tensor.map { $0.isNaN ? 0 : Swift.min(Swift.max($0, 0), 1) })
                    var provenance = image.provenance.fields
                    provenance["display"] = image.displayNote
                    return StoredFigureImage(png: try cache.storeBlob(png), width: image.tensor.shape[2],
                                             height: image.tensor.shape[1], caption: image.caption,
                                             provenance: provenance, view: image.view)
                }
                return .figure(StoredFigure(title: title, columns: columns, images: stored))
            }
        }
    }
}
