import Script
import XCTest

/// The names a cell reads, defines and calls, which the notebook runner uses to order cells
/// and key its cache.
final class AnalysisTests: XCTestCase {
    func testFreeNamesExcludeLocalsLoopVariablesAndClosureParameters() throws {
        let program = try Parser.parse("""
            let scale = factor * 2
            for i in 0..<steps {
                let local = i + scale
                print(local)
            }
            let ys = xs.map { $0 + offset }
            let zs = xs.map { x in x * scale }
            """)
        XCTAssertEqual(program.freeNames, ["factor", "steps", "print", "xs", "offset"])
        XCTAssertEqual(program.definedNames, ["scale", "ys", "zs"])
        XCTAssertEqual(program.calledFunctions, ["print"])
    }

    func testNamesReadBeforeTheirDefinitionAreFree() throws {
        let program = try Parser.parse("""
            print(image)
            let image = loadImage("a.png")
            print(image)
            """)
        XCTAssertEqual(program.freeNames, ["print", "image", "loadImage"])
        XCTAssertEqual(program.definedNames, ["image"])
    }

    func testAssignmentsToOuterNamesAreDefinedAndFree() throws {
        let program = try Parser.parse("""
            counter += 1
            history.append(counter)
            grid[0] = 5
            var mine = 0
            mine = 3
            for i in 0..<2 {
                var inner = i
                inner += 1
                total = total + inner
            }
            """)
        XCTAssertEqual(program.definedNames, ["counter", "history", "grid", "mine", "total"])
        XCTAssertEqual(program.freeNames, ["counter", "history", "grid", "total"])
        XCTAssertEqual(program.calledFunctions, [])
    }

    func testCalledFunctionsIncludeGlobalsButNotMethods() throws {
        let program = try Parser.parse("""
            let a = min(1, 2)
            let b = loadImage("x").resized(to: 64)
            let c = [1].map { Double($0) }
            show(b, caption: "\\(sqrt(2.0))")
            """)
        XCTAssertEqual(program.calledFunctions, ["min", "loadImage", "Double", "show", "sqrt"])
        XCTAssertEqual(program.definedNames, ["a", "b", "c"])
    }

    func testNestedDeclarationsAreNotDefinedAtTopLevel() throws {
        let program = try Parser.parse("""
            if flag {
                let hidden = 1
                print(hidden)
            }
            """)
        XCTAssertEqual(program.definedNames, [])
        XCTAssertEqual(program.freeNames, ["flag", "print"])
    }
}
