import Script

extension NotebookLibrary {
    /// A call of the model built-in `name` one of whose `parameters` may be a list: each element
    /// makes the call it would make alone (these arguments with that element in its place),
    /// reused from the call store where it can be, the rest computed by `together` (one
    /// `DiffusionCall` each, in list order, its noise its own), which runs them as one batched
    /// loop. A list gives a list of the calls' values; no list, the call's value.
    static func overList(_ arguments: Arguments, _ parameters: [Param<Value>], name: String, session: NotebookSession,
                         together: ([DiffusionCall]) throws -> [Value]) throws -> Value {
        var listed = [(parameter: Param<Value>, elements: [Value])]()
        for parameter in parameters {
            if case let .array(elements) = try arguments[parameter] { listed.append((parameter, elements)) }
        }
        guard listed.count <= 1 else {
            let names = listed.map { "'\($0.parameter.name)'" }.joined(separator: " and ")
            throw failure("\(name) takes a list in one argument at a time; \(names) are both lists (map over one of them)",
                          listed[1].parameter)
        }
        let list = listed.first
        let calls = list.map { list in
            list.elements.map { element in
                var call = arguments
                call.values[list.parameter.name] = element
                return call
            }
        } ?? [arguments]
        var values = [Value?](repeating: nil, count: calls.count)
        var pending = [(index: Int, stored: StoredCall, run: DiffusionCall)]()
        // In order, so that identical calls in the list count as successive occurrences, as
        // they would one after another.
        for (index, call) in calls.enumerated() {
            let stored = StoredCall(name, call, session: session)
            if let value = stored.reuse() { values[index] = value; continue }
            pending.append((index, stored, try DiffusionCall(session, call, operation: name)))
        }
        if !pending.isEmpty {
            let computed = try StoredCall.compute(pending.map(\.stored)) { try together(pending.map(\.run)) }
            for (call, value) in zip(pending, computed) { values[call.index] = value }
        }
        let results = values.compactMap { $0 }
        return list == nil ? results[0] : .array(results)
    }
}
