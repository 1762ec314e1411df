import JSON
import Tensor

/// The parsed and validated header of a safetensors file.
struct SafetensorsHeader {
    let metadata: [String: String]
    let entries: [String: SafetensorsEntry]
    /// Byte offset of the data region in the file.
    let dataStart: Int

    init(mapping: MappedFile) throws {
        let file = mapping.path
        let size = mapping.count
        guard size >= 8 else {
            throw WeightsError.malformed(file: file, reason: "file is \(size) bytes, too short for a safetensors header")
        }
        let declared = mapping.littleEndian(at: 0, width: 8)
        guard declared <= UInt64(size - 8) else {
            throw WeightsError.malformed(file: file, reason: "header length \(declared) exceeds the file size (\(size) bytes)")
        }
        let headerLength = Int(declared)
        guard headerLength <= SafetensorsFile.maxHeaderBytes else {
            throw WeightsError.malformed(file: file, reason: "header length \(headerLength) exceeds the \(SafetensorsFile.maxHeaderBytes)-byte limit")
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(UnsafeRawBufferPointer(rebasing: mapping.bytes[8..<(8 + headerLength)]))
        } catch let failure as JSONParser.Failure {
            throw WeightsError.malformed(file: file, reason: "header is not valid JSON: \(failure)")
        }
        guard case let .object(members) = json else {
            throw WeightsError.malformed(file: file, reason: "header is not a JSON object")
        }
        dataStart = 8 + headerLength
        let dataLength = size - dataStart

        var metadata: [String: String] = [:]
        var entries: [String: SafetensorsEntry] = [:]
        for (name, value) in members {
            if name == "__metadata__" {
                metadata = try SafetensorsHeader.metadata(value, file: file)
                continue
            }
            entries[name] = try SafetensorsHeader.entry(name, value, file: file, dataLength: dataLength)
        }
        try SafetensorsHeader.checkCoverage(entries, file: file, dataLength: dataLength)
        self.metadata = metadata
        self.entries = entries
    }

    private static func metadata(_ value: JSONValue, file: String) throws -> [String: String] {
        guard case let .object(pairs) = value else {
            throw WeightsError.malformed(file: file, reason: "__metadata__ must map strings to strings")
        }
        var result: [String: String] = [:]
        for (key, item) in pairs {
            guard let text = item.stringValue else {
                throw WeightsError.malformed(file: file, reason: "__metadata__ must map strings to strings ('\(key)' does not)")
            }
            result[key] = text
        }
        return result
    }

    private static func entry(_ name: String, _ value: JSONValue, file: String, dataLength: Int) throws -> SafetensorsEntry {
        func bad(_ reason: String) -> WeightsError { .badTensor(file: file, tensor: name, reason: reason) }
        guard case .object = value else { throw bad("header entry is not an object") }
        guard let dtypeName = value["dtype"]?.stringValue else { throw bad("header entry has no string 'dtype'") }
        guard let dtype = DType(rawValue: dtypeName) else { throw bad("unknown dtype '\(dtypeName)'") }
        guard case let .array(dims)? = value["shape"],
              let shape = Optional(dims.compactMap(\.intValue)), shape.count == dims.count,
              shape.allSatisfy({ $0 >= 0 }) else {
            throw bad("'shape' must be an array of non-negative integers")
        }
        guard case let .array(offsets)? = value["data_offsets"], offsets.count == 2,
              let begin = offsets[0].intValue, let end = offsets[1].intValue, begin >= 0, begin <= end else {
            throw bad("'data_offsets' must be two integers [begin, end] with 0 <= begin <= end")
        }
        // Multiply with overflow checks: the shape is untrusted and must be compared with the
        // file before it decides any allocation.
        var bytes = dtype.byteWidth
        for dim in shape {
            let (product, overflow) = bytes.multipliedReportingOverflow(by: dim)
            guard !overflow else { throw bad("shape \(Tensor.format(shape)) is too large") }
            bytes = product
        }
        guard end <= dataLength else {
            throw bad("data_offsets [\(begin), \(end)] run past the data region of \(dataLength) bytes")
        }
        guard end - begin == bytes else {
            throw bad("shape \(Tensor.format(shape)) of \(dtypeName) needs \(bytes) bytes but data_offsets [\(begin), \(end)] hold \(end - begin)")
        }
        return SafetensorsEntry(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }

    /// Tensors must tile the data region exactly: no overlap (two names aliasing bytes), no
    /// gap and no trailing bytes (a sign of a truncated or spliced file).
    private static func checkCoverage(_ entries: [String: SafetensorsEntry], file: String, dataLength: Int) throws {
        let ordered = entries.values.sorted {
            ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name)
        }
        var expected = 0
        var previous: SafetensorsEntry?
        for entry in ordered {
            let range = entry.dataOffsets
            if range.lowerBound < expected, let previous {
                throw WeightsError.badTensor(file: file, tensor: entry.name,
                    reason: "data_offsets [\(range.lowerBound), \(range.upperBound)] overlap those of tensor '\(previous.name)'")
            }
            if range.lowerBound > expected {
                throw WeightsError.malformed(file: file, reason: "bytes \(expected)..<\(range.lowerBound) of the data region belong to no tensor")
            }
            expected = range.upperBound
            previous = entry
        }
        if expected != dataLength {
            throw WeightsError.malformed(file: file, reason: "data region has \(dataLength - expected) bytes after the last tensor")
        }
    }
}
