import Foundation
import Script
import XCTest

/// Lines printed by a script under test; shared with `@Sendable` builtins, so locked.
final class PrintedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    func append(_ line: String) {
        lock.lock()
        storage.append(line)
        lock.unlock()
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}

/// A tiny host value: a 2-vector supporting `+`, `*` by numbers and other vectors, and `-v`.
struct Vec: NativeValue, Equatable {
    var x: Double
    var y: Double

    var typeName: String { "Vec" }
    var displayString: String { "Vec(\(x), \(y))" }

    func binary(_ op: BinaryOperator, _ other: Value, selfOnLeft: Bool) throws -> Value? {
        if case .native(let native) = other, let vector = native as? Vec {
            switch op {
            case .add: return .native(Vec(x: x + vector.x, y: y + vector.y))
            case .subtract:
                return .native(selfOnLeft ? Vec(x: x - vector.x, y: y - vector.y) : Vec(x: vector.x - x, y: vector.y - y))
            case .multiply: return .native(Vec(x: x * vector.x, y: y * vector.y))
            default: return nil
            }
        }
        guard let scalar = other.numericValue else { return nil }
        switch op {
        case .multiply: return .native(Vec(x: x * scalar, y: y * scalar))
        case .divide where selfOnLeft:
            guard scalar != 0 else { throw BuiltinFailure("cannot divide a Vec by zero") }
            return .native(Vec(x: x / scalar, y: y / scalar))
        default: return nil
        }
    }

    func negated() throws -> Value? { .native(Vec(x: -x, y: -y)) }
}

/// Builds the library scripts run against: Script's own globals plus `print`, `vec`, a few
/// labelled functions for label diagnostics, and methods/properties on `Vec`.
enum TestLibrary {
    static func make(printing output: PrintedLines) -> Library {
        var library = Library()
        for arity in 0...6 {
            let items = (0..<arity).map { Param.any("item\($0)", label: .unlabeled) }
            library.add(Builtin(name: "print", items, summary: "Prints its arguments.") { arguments in
                output.append(try items.map { try arguments[$0].displayString }.joined(separator: " "))
                return .void
            })
        }
        let (x, y) = (Param.double("x", label: .unlabeled), Param.double("y", label: .unlabeled))
        library.add(Builtin(name: "vec", [x, y], summary: "A 2-vector.") { arguments in
            .native(Vec(x: try arguments[x], y: try arguments[y]))
        })
        let image = Param.any("image", label: .unlabeled), t = Param.int("t"), noise = Param.any("noise", default: .double(0))
        library.add(Builtin(name: "forward", [image, t, noise], summary: "Adds noise for timestep t.") { arguments in
            let step = try arguments[t]
            guard step >= 0, step < 1000 else { throw BuiltinFailure("timestep \(step) out of range 0..<1000", parameter: t.name) }
            return .string("forward(\(try arguments[image].displayString), t: \(step), noise: \(try arguments[noise].displayString))")
        })
        let value = Param.any("value", label: .unlabeled), caption = Param.string("caption").optional
        library.add(Builtin(name: "describe", [value, caption], summary: "Describes a value, optionally captioned.") { arguments in
            let text = try arguments[caption].map { " (\($0))" } ?? ""
            return .string(try arguments[value].typeName + text)
        })
        // Overloads chosen by argument type: the String one rejects non-strings so the Vec one runs.
        let text = Param.string("text", label: .unlabeled)
        library.add(Builtin(name: "shout", [text], summary: "Upper-cases text.") { arguments in
            .string(try arguments[text].uppercased() + "!")
        })
        let vector = Param.native("vector", label: .unlabeled, as: Vec.self, typeName: "Vec")
        library.add(Builtin(name: "shout", [vector], summary: "Doubles a vector.") { arguments in
            let v = try arguments[vector]
            return .native(Vec(x: v.x * 2, y: v.y * 2))
        })
        let receiver = Param.native("self", as: Vec.self, typeName: "Vec"), factor = Param.double("by")
        library.addMethod(Builtin(name: "scaled", [factor], summary: "Scales the vector.") { arguments in
            let (v, k) = (try arguments[receiver], try arguments[factor])
            return .native(Vec(x: v.x * k, y: v.y * k))
        }, on: "Vec")
        library.addMethod(Builtin(name: "flipped", [], summary: "Swaps x and y.") { arguments in
            let v = try arguments[receiver]
            return .native(Vec(x: v.y, y: v.x))
        }, on: "Vec")
        library.addProperty("x", on: "Vec") { native in .double((native as? Vec)?.x ?? 0) }
        library.addProperty("norm", on: "Vec") { native in
            guard let vector = native as? Vec else { return .void }
            return .double((vector.x * vector.x + vector.y * vector.y).squareRoot())
        }
        return library
    }

    /// Parses and runs `source`, returning printed lines and defined values.
    static func run(_ source: String, globals: [String: Value] = [:]) throws -> (lines: [String], values: [String: Value]) {
        let output = PrintedLines()
        let program = try Parser.parse(source)
        let interpreter = Interpreter(library: make(printing: output))
        let values = try interpreter.run(program, globals: globals)
        return (output.lines, values)
    }
}
