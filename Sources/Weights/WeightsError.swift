import AtomicWrite
import Diagnostics
import Tensor

/// Everything that can go wrong while reading, writing or finding weights. Each case names
/// the file (as the caller spelled it) and, where there is one, the tensor or entry at fault,
/// so that a message alone is enough to find the problem.
public enum WeightsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened, mapped or written; `reason` is the system's explanation.
    case io(file: String, reason: String)
    /// The file's structure (header, directory, pickle stream) is not what the format requires.
    case malformed(file: String, reason: String)
    /// One tensor's entry is inconsistent (size, offsets, strides).
    case badTensor(file: String, tensor: String, reason: String)
    /// A tensor that the caller requires is absent.
    case missingTensor(file: String, tensor: String)
    /// A tensor exists but has a different shape from the one required.
    case wrongShape(file: String, tensor: String, found: [Int], expected: [Int])
    /// Strict loading found tensors that nothing consumed.
    case unexpectedTensors(file: String, names: [String])
    /// A tensor is stored in an element type that cannot be widened to Float32.
    case unsupportedDType(file: String, tensor: String, dtype: String)
    /// A pickle asked for a callable outside the small set needed to rebuild tensors.
    case refusedGlobal(file: String, global: String)
    /// An archive entry uses a compression method other than "stored".
    case compressedEntry(file: String, entry: String, method: Int)
    /// No embedding is stored under the prompt; `suggestions` are the closest stored prompts.
    case unknownPrompt(file: String, prompt: String, suggestions: [String])
    /// A weights folder lacks what a model snapshot must contain.
    case notASnapshot(folder: String, reason: String)
    /// The model asked for by name is not among those found.
    case modelNotFound(name: String, searched: [String], found: [String])
    /// A checkpoint index names a shard file that is not there; `tensor` is one it should hold.
    case missingShard(index: String, shard: String, tensor: String)
    /// A folder holds none of the checkpoint files looked for (`tried`, in order).
    case noCheckpoint(folder: String, tried: [String])

    /// A one-line human explanation.
    public var description: String {
        switch self {
        case let .io(file, reason):
            return "\(file): \(reason)"
        case let .malformed(file, reason):
            return "\(file): \(reason)"
        case let .badTensor(file, tensor, reason):
            return "tensor '\(tensor)' in \(file): \(reason)"
        case let .missingTensor(file, tensor):
            return "tensor '\(tensor)' missing from \(file)"
        case let .wrongShape(file, tensor, found, expected):
            return "tensor '\(tensor)' in \(file) has shape \(Tensor.format(found)), expected \(Tensor.format(expected))"
        case let .unexpectedTensors(file, names):
            let listed = names.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
            let more = names.count > 5 ? " and \(names.count - 5) more" : ""
            let noun = names.count == 1 ? "tensor" : "tensors"
            return "\(file): unexpected \(noun) \(listed)\(more)"
        case let .unsupportedDType(file, tensor, dtype):
            return "tensor '\(tensor)' in \(file) has dtype \(dtype); only F32, F16 and BF16 can be read"
        case let .refusedGlobal(file, global):
            return "\(file): refusing pickle global '\(global)': only tensors and dicts are read, no code is executed"
        case let .compressedEntry(file, entry, method):
            return "\(file): entry '\(entry)' is compressed (zip method \(method)); only stored entries are read, as torch.save writes them"
        case let .unknownPrompt(file, prompt, suggestions):
            let closest = suggestions.isEmpty
                ? "the file holds no prompts"
                : "closest: " + suggestions.map { "'\($0)'" }.joined(separator: ", ")
            return "no embedding for prompt '\(prompt)' in \(file); \(closest)"
        case let .notASnapshot(folder, reason):
            return "\(folder) is not a DeepFloyd IF snapshot folder: \(reason)"
        case let .modelNotFound(name, searched, found):
            let where_ = searched.isEmpty ? "no cache folder" : searched.joined(separator: ", ")
            let have = found.isEmpty ? "none found" : "found: " + found.joined(separator: ", ")
            return "model '\(name)' not found in \(where_) (\(have))"
        case let .missingShard(index, shard, tensor):
            return "\(index): shard '\(shard)' is missing (the weight_map puts tensor '\(tensor)' in it)"
        case let .noCheckpoint(folder, tried):
            return "\(folder) holds no checkpoint: none of \(tried.joined(separator: ", ")) is present"
        }
    }
}

extension WeightsError {
    /// Runs a file write, reporting `AtomicFileWriter`'s failures as `.io` errors naming `path`.
    static func mappingWriteErrors(of path: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as AtomicWriteError {
            throw WeightsError.io(file: path, reason: error.reason)
        }
    }
}

extension WeightsError: DiagnosticConvertible {
    /// The message as it reads (it names the file or value at fault), ending a command with
    /// status 65.
    public var diagnostic: Diagnostic { Diagnostic(description, status: .dataError) }
}
