import Pipeline
import Script

extension NotebookLibrary {
    /// Every function, method and property a cell can call, as Markdown, read from the
    /// library itself: each overload's parameters (labels, defaults, optional ones), its
    /// summary, and the parts of the model it reads. docs/builtins.md is this text
    /// (`BuiltinReferenceTests`; `make golden` rewrites it), so the reference cannot drift.
    public static func reference() -> String {
        let library = make(session: NotebookSession(notebookFolder: "/", projectRoot: "/", seed: 0, model: .none))
        var lines = ["# Built-in reference", "",
                     "Every function a cell can call, then the methods and properties of each type, as the",
                     "library declares them (generated: `make golden` rewrites this page from the code). A",
                     "parameter written `label: value` may be left out and takes that value; `[label:]` may be",
                     "left out; the rest are required. \"Reads\" names the parts of the model a result depends",
                     "on, which the cache keys it on ([The cell cache](cache.md)).", "", "## Functions", ""]
        for name in library.functionNames {
            for builtin in library.overloads(of: name) {
                let reads = builtin.reads.sorted()
                lines.append("- `\(signature(builtin))`: \(builtin.summary)"
                             + (reads.isEmpty ? "" : " Reads the \(reads.joined(separator: " and the ")).") )
            }
        }
        for type in library.memberTypeNames {
            lines += ["", "## \(type)", ""]
            for member in library.memberNames(on: type) {
                let overloads = library.methodOverloads(member, on: type)
                if overloads.isEmpty { lines.append("- `.\(member)` (property)") }
                for builtin in overloads { lines.append("- `.\(signature(builtin))`: \(builtin.summary)") }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `name(first, label: default, [optional:])`, the receiver (`self`) left out.
    static func signature(_ builtin: Builtin) -> String {
        let parameters = builtin.parameters.filter { $0.name != "self" }.map { parameter -> String in
            let label = parameter.label.map { "\($0):" }
            switch parameter.defaultValue {
            case nil: return label ?? parameter.name
            case .void?: return "[\(label ?? parameter.name)]"
            case let value?: return (label.map { $0 + " " } ?? "") + value.debugString
            }
        }
        return "\(builtin.name)(\(parameters.joined(separator: ", ")))"
    }
}
