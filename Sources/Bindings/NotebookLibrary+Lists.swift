import Script

extension NotebookLibrary {
    /// A call of the model built-in `name` whose `parameter` may be a list: each element makes
    /// the call it would make alone (these arguments with that element in its place), reused
    /// from the call store where it can be, the rest computed by `together` (one
    /// `DiffusionCall` each, in list order, its noise its own), which runs them as one batched
    /// loop. A list gives a list of the calls' values; one value, the call's value.
    static func overList(_ arguments: Arguments, _ parameter: Param<Value>, name: String, session: NotebookSession,
                         together: ([DiffusionCall]) throws -> [Value]) throws -> Value {
        let list: [Value]?
        if case let .array(elements) = try arguments[parameter] { list = elements } else { list = nil }
        let calls = list.map { elements in
            elements.map { element in
                var call = arguments
                call.values[parameter.name] = element
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
