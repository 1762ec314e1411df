import Tensor

/// Reads a `torch.save`d dict of tensors (such as the course's `prompt_embeds_dict.pth`)
/// without executing anything: the zip archive is indexed, `<archive>/data.pkl` is run on
/// the restricted `PickleMachine`, and each tensor is gathered from its raw storage
/// `<archive>/data/<key>` by offset and strides.
public enum TorchCheckpoint {
    /// The dict's entries in saved order, every tensor widened to Float32 in its saved shape.
    public static func read(_ path: String) throws -> [(String, Tensor)] {
        let archive = try ZipArchive(path: path)
        let pickles = archive.entries.filter { $0.name == "data.pkl" || $0.name.hasSuffix("/data.pkl") }
        guard pickles.count == 1, let pickle = pickles.first else {
            let problem = pickles.isEmpty ? "holds no data.pkl" : "holds \(pickles.count) data.pkl entries"
            throw WeightsError.malformed(file: path, reason: "\(problem); not a torch.save archive")
        }
        let prefix = String(pickle.name.dropLast("data.pkl".count))
        if let order = archive.entry(named: prefix + "byteorder") {
            let text = String(decoding: try archive.contents(of: order), as: UTF8.self)
            guard text == "little" else {
                throw WeightsError.malformed(file: path, reason: "storages are \(text)-endian; only little-endian is read")
            }
        }
        return try PickleMachine.load(try archive.contents(of: pickle), file: path) { root in
            guard case let .dict(dict) = root else {
                throw WeightsError.malformed(file: path, reason: "holds a \(root.kind), not a dict of tensors")
            }
            var result: [(String, Tensor)] = []
            for (key, value) in dict.pairs {
                guard case let .string(name) = key else {
                    throw WeightsError.malformed(file: path, reason: "has a \(key.kind) key; only string keys are read")
                }
                guard case let .tensor(reference) = value else {
                    throw WeightsError.badTensor(file: path, tensor: name, reason: "value is a \(value.kind), not a tensor")
                }
                result.append((name, try gather(reference, name: name, archive: archive, prefix: prefix)))
            }
            return result
        }
    }

    /// Builds the tensor a reference describes, checking every index against its storage.
    static func gather(_ reference: TensorReference, name: String, archive: ZipArchive, prefix: String) throws -> Tensor {
        func bad(_ reason: String) -> WeightsError { .badTensor(file: archive.path, tensor: name, reason: reason) }
        let storage = reference.storage
        let entryName = prefix + "data/" + storage.key
        guard let entry = archive.entry(named: entryName) else { throw bad("storage '\(entryName)' is missing") }
        let raw = try archive.contents(of: entry)
        let width = storage.dtype.byteWidth
        guard storage.count <= raw.count / width, raw.count == storage.count * width else {
            throw bad("storage '\(entryName)' holds \(raw.count) bytes, expected \(storage.count) elements of \(width) bytes")
        }
        let size = reference.size, stride = reference.stride
        guard size.count == stride.count else { throw bad("size \(Tensor.format(size)) and stride \(Tensor.format(stride)) differ in rank") }
        guard size.allSatisfy({ $0 >= 0 }), stride.allSatisfy({ $0 >= 0 }), reference.offset >= 0 else {
            throw bad("negative size, stride or offset (size \(Tensor.format(size)), stride \(Tensor.format(stride)), offset \(reference.offset))")
        }
        var count = 1
        var last = reference.offset  // the largest storage index any element reads
        for (extent, step) in zip(size, stride) {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            // Only a view with a zero stride can have more elements than its storage; cap
            // such views too, so a hostile size cannot drive a huge allocation.
            guard !overflow, product <= Swift.max(storage.count, 1 << 24) else {
                throw bad("size \(Tensor.format(size)) is too large for its storage of \(storage.count) elements")
            }
            count = product
            if extent > 0 {
                let (reach, o1) = (extent - 1).multipliedReportingOverflow(by: step)
                let (sum, o2) = last.addingReportingOverflow(reach)
                guard !o1, !o2 else { throw bad("stride \(Tensor.format(stride)) reaches too far") }
                last = sum
            }
        }
        if count > 0, last >= storage.count {
            throw bad("size \(Tensor.format(size)), stride \(Tensor.format(stride)) and offset \(reference.offset) read past the storage's \(storage.count) elements")
        }
        if count == 0 { return Tensor(shape: size, scalars: []) }

        if stride == Tensor.strides(of: size) || count == 1 {
            let start = reference.offset * width
            let slice = UnsafeRawBufferPointer(rebasing: raw[start..<(start + count * width)])
            return Tensor(shape: size, scalars: storage.dtype.widen(slice, count: count))
        }
        // A view (transpose, slice with step): walk its indices in row-major order.
        var values = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: size.count)
        var element = [Float](repeating: 0, count: 1)
        for flat in 0..<count {
            var at = reference.offset
            for axis in 0..<size.count { at += index[axis] * stride[axis] }
            element.withUnsafeMutableBufferPointer { out in
                DType.widen(storage.dtype, UnsafeRawBufferPointer(rebasing: raw[(at * width)..<((at + 1) * width)]), into: out, count: 1)
            }
            values[flat] = element[0]
            var axis = size.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < size[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return Tensor(shape: size, scalars: values)
    }
}
