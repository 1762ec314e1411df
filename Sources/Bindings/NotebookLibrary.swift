import Diffusion
import Pipeline
import Script
import Tensor
import TextDistance

/// The built-in functions and methods a notebook's cells can call.
///
/// Each built-in's summary names the assignment function it implements, where there is one.
public enum NotebookLibrary {
    /// The library bound to `session`.
    public static func make(session: NotebookSession) -> Library {
        var library = Library()
        addOutputFunctions(to: &library, session: session)
        addDeliverableFunctions(to: &library, session: session)
        addImageFunctions(to: &library, session: session)
        addNoiseFunctions(to: &library, session: session)
        addDiffusionFunctions(to: &library, session: session)
        addUpsamplingFunctions(to: &library, session: session)
        addPrimitiveFunctions(to: &library, session: session)
        addMeasureFunctions(to: &library)
        addPlotFunctions(to: &library, session: session)
        for name in cachedCalls { library.transformFunction(named: name) { cached($0, session: session) } }
        // Outermost, so a cached call's lookup runs inside its declared reads too.
        for name in library.functionNames { library.transformFunction(named: name) { declared($0, session: session) } }
        return library
    }

    /// A built-in taking `parameters` in call order. `reads` names the host state the result
    /// depends on: the runner keys the cell on their identities, and the session refuses any
    /// other read (`declared`).
    static func function(_ name: String, _ parameters: [any ParameterDeclaring], _ summary: String,
                         reads: Set<HostState> = [],
                         _ body: @escaping @Sendable (Arguments) throws -> Value) -> Builtin {
        Builtin(name: name, parameters, summary: summary, reads: Set(reads.map(\.rawValue)), body: body)
    }

    /// `builtin` running inside its declared reads: a read of host state it did not
    /// declare fails the call, since the cache would not know to recompute its result.
    static func declared(_ builtin: Builtin, session: NotebookSession) -> Builtin {
        var wrapped = builtin
        let reads = Set(builtin.reads.compactMap(HostState.init(rawValue:)))
        wrapped.body = { arguments in try session.declaring(reads, by: builtin.name) { try builtin.body(arguments) } }
        return wrapped
    }

    /// The view a cell names (`"flip"`, `"rotate90"`...), from the one view table.
    static func view(named name: String, _ parameter: some ParameterDeclaring) throws -> ImageView {
        guard let view = ImageView(rawValue: name) else {
            let names = ImageView.allCases.map(\.rawValue)
            let hint = ClosestMatch.question(for: name, among: names)
            throw failure("unknown view '\(name)'", parameter, notes: (hint.map { [$0] } ?? []) + ["views: " + names.joined(separator: ", ")])
        }
        return view
    }

    /// A failure about argument `parameter`.
    static func failure(_ message: String, _ parameter: String? = nil, notes: [String] = []) -> BuiltinFailure {
        BuiltinFailure(message, parameter: parameter, kind: .runtime, notes: notes)
    }

    /// A failure about `parameter`'s argument.
    static func failure(_ message: String, _ parameter: some ParameterDeclaring, notes: [String] = []) -> BuiltinFailure {
        failure(message, parameter.declaration.name, notes: notes)
    }
}
