/// A raw storage that a pickled tensor refers to: torch.save's persistent id
/// `('storage', torch.HalfStorage, key, location, numel)`.
struct StorageReference: Equatable {
    let dtype: DType
    /// The archive entry `<archive>/data/<key>` holding the bytes.
    let key: String
    /// Element count of the storage.
    let count: Int
}

/// A tensor as `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)` describes it.
struct TensorReference: Equatable {
    let storage: StorageReference
    let offset: Int
    let size: [Int]
    let stride: [Int]
}

/// A list, shared by reference so that memoised copies see later APPENDs, as in Python.
final class PickleList {
    var items: [PickleValue] = []
}

/// A dict (plain or OrderedDict), in insertion order, shared by reference.
final class PickleDict {
    var pairs: [(PickleValue, PickleValue)] = []
}

/// The values the restricted pickle machine can build: nothing callable, nothing executable.
indirect enum PickleValue {
    /// How deeply this value nests tuples.
    var tupleDepth: Int {
        if case let .tuple(_, depth) = self { return depth }
        return 0
    }

    case none
    case bool(Bool)
    case int(Int)
    case string(String)
    /// A tuple and its nesting depth (1 for a tuple of non-tuples), kept so that depth is
    /// checked in constant time as tuples are built.
    case tuple([PickleValue], depth: Int)
    case list(PickleList)
    case dict(PickleDict)
    /// An allowed global, by its dotted name, e.g. `collections.OrderedDict`.
    case global(String)
    case storage(StorageReference)
    case tensor(TensorReference)

    /// A short type name for messages.
    var kind: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int: return "int"
        case .string: return "str"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case let .global(name): return name
        case .storage: return "storage"
        case .tensor: return "tensor"
        }
    }
}
