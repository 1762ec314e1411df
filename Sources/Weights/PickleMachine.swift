/// A pickle interpreter restricted to what `torch.save` emits for a dict of tensors.
///
/// Unlike `pickle.load`, it never calls anything: the only globals it accepts are
/// `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2` and the half, float and
/// bfloat16 storage classes, and REDUCE on them builds inert descriptions (`PickleValue`).
/// A state dict saved whole is an OrderedDict with a `_metadata` attribute (set by BUILD);
/// the attribute is read as data and dropped.
/// Any other global (`posix.system`, `builtins.eval`, ...) stops the read at once.
struct PickleMachine {
    /// Tuples nest this deep at most; torch.save needs 3.
    static let maxTupleDepth = 32

    static let allowedGlobals: Set<String> = [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
        "torch.HalfStorage", "torch.FloatStorage", "torch.BFloat16Storage",
    ]
    private static let storageTypes: [String: DType] = [
        "torch.HalfStorage": .f16, "torch.FloatStorage": .f32, "torch.BFloat16Storage": .bf16,
    ]

    private let bytes: UnsafeRawBufferPointer
    private let file: String
    private var position = 0
    private var opcodeStart = 0
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    // Every list and dict built, so that `teardown` can empty them: a hostile stream can
    // nest containers (or make cycles) through mutation, and releasing a deep chain would
    // recurse once per level and overflow the stack.
    private var containers: [AnyObject] = []

    /// Runs the pickle in `bytes`, hands the result to `body`, then dismantles everything
    /// built, so nothing from the stream outlives the call (results must be copied out).
    static func load<R>(_ bytes: UnsafeRawBufferPointer, file: String, _ body: (PickleValue) throws -> R) throws -> R {
        var machine = PickleMachine(bytes: bytes, file: file)
        defer { machine.teardown() }
        return try body(try machine.run())
    }

    private mutating func register<T: AnyObject>(_ container: T) -> T {
        containers.append(container)
        return container
    }

    private mutating func teardown() {
        stack.removeAll()
        memo.removeAll()
        marks.removeAll()
        for container in containers {
            if let list = container as? PickleList { list.items.removeAll() }
            if let dict = container as? PickleDict { dict.pairs.removeAll() }
        }
        containers.removeAll()
    }

    /// A machine over the pickle stream `bytes` taken from `file` (named in errors).
    init(bytes: UnsafeRawBufferPointer, file: String) {
        self.bytes = bytes
        self.file = file
    }

    private func fail(_ reason: String) -> WeightsError {
        .malformed(file: file, reason: "pickle byte \(opcodeStart): \(reason)")
    }

    private mutating func read(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - position else { throw fail("pickle ends inside an argument") }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    private mutating func unsigned(_ width: Int) throws -> Int {
        let raw = try read(width)
        var value = 0
        for i in stride(from: width - 1, through: 0, by: -1) { value = (value << 8) | Int(raw[i]) }
        return value
    }

    private mutating func text(_ count: Int) throws -> String {
        let raw = try read(count)
        guard let text = String(validating: raw, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
        return text
    }

    private mutating func line() throws -> String {
        guard let newline = bytes[position...].firstIndex(of: 0x0A) else { throw fail("GLOBAL name is not terminated") }
        let value = try text(newline - position)
        position += 1
        return value
    }

    private mutating func pop() throws -> PickleValue {
        guard let top = stack.popLast() else { throw fail("stack underflow") }
        return top
    }

    private mutating func popMark() throws -> [PickleValue] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw fail("no MARK before this opcode") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    private mutating func top() throws -> PickleValue {
        guard let top = stack.last else { throw fail("stack underflow") }
        return top
    }

    /// Runs the stream to STOP and returns the object it built.
    mutating func run() throws -> PickleValue {
        while true {
            opcodeStart = position
            guard position < bytes.count else { throw fail("pickle ends without STOP") }
            let op = bytes[position]
            position += 1
            switch op {
            case 0x80: // PROTO
                let version = try unsigned(1)
                guard version <= 5 else { throw fail("unknown pickle protocol \(version)") }
            case 0x95: _ = try read(8)                              // FRAME: a length hint only
            case 0x2E: return try pop()                             // STOP
            case 0x28: marks.append(stack.count)                    // MARK
            case 0x7D: stack.append(.dict(register(PickleDict())))  // EMPTY_DICT
            case 0x5D: stack.append(.list(register(PickleList())))  // EMPTY_LIST
            case 0x29: stack.append(.tuple([], depth: 1))          // EMPTY_TUPLE
            case 0x4E: stack.append(.none)                          // NONE
            case 0x88: stack.append(.bool(true))                    // NEWTRUE
            case 0x89: stack.append(.bool(false))                   // NEWFALSE
            case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try unsigned(4)))))  // BININT
            case 0x4B: stack.append(.int(try unsigned(1)))          // BININT1
            case 0x4D: stack.append(.int(try unsigned(2)))          // BININT2
            case 0x8A: stack.append(.int(try long1()))              // LONG1
            case 0x58: stack.append(.string(try text(try unsigned(4))))  // BINUNICODE
            case 0x8C: stack.append(.string(try text(try unsigned(1))))  // SHORT_BINUNICODE
            case 0x71: memo[try unsigned(1)] = try top()            // BINPUT
            case 0x72: memo[try unsigned(4)] = try top()            // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()                 // MEMOIZE
            case 0x68, 0x6A:                                        // BINGET, LONG_BINGET
                let index = try unsigned(op == 0x68 ? 1 : 4)
                guard let value = memo[index] else { throw fail("memo entry \(index) was never stored") }
                stack.append(value)
            case 0x74: stack.append(try tuple(try popMark()))       // TUPLE
            case 0x85, 0x86, 0x87:                                  // TUPLE1, TUPLE2, TUPLE3
                let n = Int(op - 0x84)
                guard stack.count >= n else { throw fail("stack underflow") }
                let items = Array(stack.suffix(n))
                stack.removeLast(n)
                stack.append(try tuple(items))
            case 0x63:                                              // GLOBAL
                let module = try line()
                let name = try line()
                stack.append(try global("\(module).\(name)"))
            case 0x93:                                              // STACK_GLOBAL
                let name = try pop(), module = try pop()
                guard case let .string(m) = module, case let .string(n) = name else {
                    throw fail("STACK_GLOBAL needs two strings")
                }
                stack.append(try global("\(m).\(n)"))
            case 0x51: stack.append(.storage(try storage(try pop())))  // BINPERSID
            case 0x52:                                              // REDUCE
                let arguments = try pop(), callable = try pop()
                stack.append(try reduce(callable, arguments))
            case 0x73:                                              // SETITEM
                let value = try pop(), key = try pop()
                try dict(try top()).pairs.append((key, value))
            case 0x75:                                              // SETITEMS
                let items = try popMark()
                guard items.count % 2 == 0 else { throw fail("SETITEMS with an odd number of items") }
                let target = try dict(try top())
                for i in stride(from: 0, to: items.count, by: 2) { target.pairs.append((items[i], items[i + 1])) }
            case 0x61:                                              // APPEND
                let value = try pop()
                try list(try top()).items.append(value)
            case 0x65:                                              // APPENDS
                let items = try popMark()
                try list(try top()).items.append(contentsOf: items)
            case 0x62:                                              // BUILD
                let state = try pop()
                _ = try dict(try top())
                switch state {
                case .none: break
                case let .tuple(items, _) where items.isEmpty: break
                // Attributes of the dict, e.g. the `_metadata` (module versions) that
                // `model.state_dict()` carries and torch.save keeps: plain data, discarded.
                case let .dict(d) where d.pairs.allSatisfy({ if case .string = $0.0 { return true } else { return false } }): break
                default: throw fail("BUILD is only accepted on a dict, with attributes named by strings")
                }
            default:
                throw fail("opcode 0x\(String(op, radix: 16)) is not among those torch.save uses for tensors")
            }
        }
    }

    private mutating func long1() throws -> Int {
        let count = try unsigned(1)
        guard count <= 8 else { throw fail("LONG1 integer of \(count) bytes is too large") }
        let raw = try read(count)
        var value: UInt64 = 0
        for i in stride(from: count - 1, through: 0, by: -1) { value = (value << 8) | UInt64(raw[i]) }
        if count > 0, count < 8, raw[count - 1] & 0x80 != 0 {
            value |= ~UInt64(0) << UInt64(8 * count)  // sign-extend a negative value
        }
        return Int(Int64(bitPattern: value))
    }

    private func global(_ name: String) throws -> PickleValue {
        guard PickleMachine.allowedGlobals.contains(name) else {
            throw WeightsError.refusedGlobal(file: file, global: name)
        }
        return .global(name)
    }

    private func tuple(_ items: [PickleValue]) throws -> PickleValue {
        let depth = 1 + (items.map(\.tupleDepth).max() ?? 0)
        guard depth <= PickleMachine.maxTupleDepth else {
            throw fail("tuples nested deeper than \(PickleMachine.maxTupleDepth) levels")
        }
        return .tuple(items, depth: depth)
    }

    private func dict(_ value: PickleValue) throws -> PickleDict {
        guard case let .dict(d) = value else { throw fail("expected a dict, found \(value.kind)") }
        return d
    }

    private func list(_ value: PickleValue) throws -> PickleList {
        guard case let .list(l) = value else { throw fail("expected a list, found \(value.kind)") }
        return l
    }

    private func storage(_ id: PickleValue) throws -> StorageReference {
        guard case let .tuple(parts, _) = id, parts.count == 5, case .string("storage") = parts[0],
              case let .global(type) = parts[1], case let .string(key) = parts[2],
              case .string = parts[3], case let .int(count) = parts[4] else {
            throw fail("persistent id is not ('storage', type, key, location, numel)")
        }
        guard let dtype = PickleMachine.storageTypes[type] else {
            throw fail("storage type \(type) is not a half, float or bfloat16 storage")
        }
        guard count >= 0 else { throw fail("storage '\(key)' has negative size \(count)") }
        return StorageReference(dtype: dtype, key: key, count: count)
    }

    private mutating func reduce(_ callable: PickleValue, _ arguments: PickleValue) throws -> PickleValue {
        guard case let .global(name) = callable, case let .tuple(args, _) = arguments else {
            throw fail("REDUCE needs an allowed global and an argument tuple")
        }
        switch name {
        case "collections.OrderedDict":
            guard args.isEmpty else { throw fail("OrderedDict built with arguments") }
            return .dict(register(PickleDict()))
        case "torch._utils._rebuild_tensor_v2":
            guard args.count >= 4, case let .storage(storage) = args[0], case let .int(offset) = args[1],
                  let size = PickleMachine.integers(args[2]), let stride = PickleMachine.integers(args[3]) else {
                throw fail("_rebuild_tensor_v2 arguments are not (storage, offset, size, stride, ...)")
            }
            return .tensor(TensorReference(storage: storage, offset: offset, size: size, stride: stride))
        default:
            throw fail("\(name) cannot be called")
        }
    }

    private static func integers(_ value: PickleValue) -> [Int]? {
        guard case let .tuple(items, _) = value else { return nil }
        var result: [Int] = []
        for item in items {
            guard case let .int(v) = item else { return nil }
            result.append(v)
        }
        return result
    }
}
