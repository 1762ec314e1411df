import Foundation
import Pipeline
import XCTest

/// The catalog is the one table of model names: the docs show it, the resolver follows it,
/// and a request from the command line overrides a notebook's field by field.
final class ModelCatalogTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    func testTheDocsShowTheCatalogsTable() throws {
        let page = try String(contentsOfFile: Self.root + "/docs/models.md", encoding: .utf8)
        XCTAssertTrue(page.contains(ModelCatalog.markdownTable + "\n"),
                      "docs/models.md must hold the catalog's table; it is now:\n\(ModelCatalog.markdownTable)")
    }

    func testUnknownNamesAreRefusedWithTheClosestOne() {
        XCTAssertNil(ModelCatalog.problem(model: "IF-I-L"))
        XCTAssertEqual(ModelCatalog.problem(model: "IF-I-XXL"),
                       "unknown model 'IF-I-XXL'; did you mean 'IF-I-XL'? (known: \(ModelCatalog.names.joined(separator: ", ")))")
        XCTAssertThrowsError(try ModelCatalog.entry(named: "trianed")) { error in
            XCTAssertEqual((error as? PipelineError)?.isUsage, true)
            XCTAssertTrue("\(error)".contains("did you mean 'trained'?"), "\(error)")
        }
        XCTAssertEqual(Precision.problem("bf61"), "unknown precision 'bf61'; did you mean 'bf16'? (expected fp32 or bf16)")
        XCTAssertEqual(try Precision(named: "fp32"), .fp32)
    }

    func testModelBlocksNameEveryModelButAuto() {
        XCTAssertEqual(Set(ModelCatalog.blockNames), Set(ModelCatalog.names).subtracting([ModelCatalog.defaultName]))
        XCTAssertEqual(ModelCatalog.defaultName, "auto")
    }

    func testTheCommandLinesRequestWinsFieldByField() {
        let notebook = ModelRequest(model: "trained", weights: "/n/w", embeddings: "/n/e.pth", notebookFolder: "/n")
        let merged = ModelRequest(model: "builtin-mean", precision: .fp32).over(notebook)
        XCTAssertEqual(merged, ModelRequest(model: "builtin-mean", weights: "/n/w", embeddings: "/n/e.pth",
                                            precision: .fp32, notebookFolder: "/n"))
    }

    /// Each closed-form name resolves to the family its entry says, with the name pages show.
    func testTheResolverFollowsTheCatalog() throws {
        let resolver = ModelResolver(projectRoot: Self.root)
        for (name, shown) in [("builtin", "builtin-local"), ("builtin-local", "builtin-local"), ("builtin-mean", "builtin-mean"),
                              ("trained", "trained")] {
            let choice = try resolver.choose(ModelRequest(model: name))
            XCTAssertEqual(choice.name, shown, name)
        }
        XCTAssertThrowsError(try resolver.choose(ModelRequest(model: "nonesuch")))
    }
}
