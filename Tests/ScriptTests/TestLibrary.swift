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
            let names = (0..<arity).map { "item\($0)" }
            library.add(Builtin(name: "print", parameters: names.map { .unlabeled($0) }, summary: "Prints its arguments.") { arguments in
                output.append(names.map { arguments[$0].displayString }.joined(separator: " "))
                return .void
            })
        }
        library.add(Builtin(name: "vec", parameters: [.unlabeled("x"), .unlabeled("y")], summary: "A 2-vector.") { arguments in
            .native(Vec(x: try arguments.double("x"), y: try arguments.double("y")))
        })
        library.add(Builtin(name: "forward", parameters: [.unlabeled("image"), .labeled("t"), .labeled("noise", default: .double(0))],
                            summary: "Adds noise for timestep t.") { arguments in
            let t = try arguments.int("t")
            guard t >= 0, t < 1000 else { throw BuiltinFailure("timestep \(t) out of range 0..<1000", parameter: "t") }
            return .string("forward(\(arguments["image"].displayString), t: \(t), noise: \(arguments["noise"].displayString))")
        })
        library.add(Builtin(name: "describe", parameters: [.unlabeled("value"), .optional("caption")],
                            summary: "Describes a value, optionally captioned.") { arguments in
            let caption = arguments.isPresent("caption") ? " (\(try arguments.string("caption")))" : ""
            return .string(arguments["value"].typeName + caption)
        })
        // Overloads chosen by argument type: the String one rejects non-strings so the Vec one runs.
        library.add(Builtin(name: "shout", parameters: [.unlabeled("text")], summary: "Upper-cases text.") { arguments in
            .string(try arguments.string("text").uppercased() + "!")
        })
        library.add(Builtin(name: "shout", parameters: [.unlabeled("vector")], summary: "Doubles a vector.") { arguments in
            let vector = try arguments.native("vector", as: Vec.self, typeName: "Vec")
            return .native(Vec(x: vector.x * 2, y: vector.y * 2))
        })
        library.addMethod(Builtin(name: "scaled", parameters: [.labeled("by")], summary: "Scales the vector.") { arguments in
            let vector = try arguments.native("self", as: Vec.self, typeName: "Vec")
            let factor = try arguments.double("by")
            return .native(Vec(x: vector.x * factor, y: vector.y * factor))
        }, on: "Vec")
        library.addMethod(Builtin(name: "flipped", parameters: [], summary: "Swaps x and y.") { arguments in
            let vector = try arguments.native("self", as: Vec.self, typeName: "Vec")
            return .native(Vec(x: vector.y, y: vector.x))
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
