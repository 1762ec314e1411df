import Diffusion
import Foundation
import Pipeline
import Runner
import XCTest

/// A page shows the prose of the model blocks that match the model it ran on, and no other.
final class ModelBlockPageTests: RunnerTestCase {
    private func choice(_ name: String) -> ModelChoice {
        ModelChoice(displayName: "test model \(name)", name: name, components: [ModelComponent(role: "stage I", identity: name)],
                    schedule: .squaredCosine(), load: nil)
    }

    func testProseFollowsTheModel() throws {
        try write("a.md", """
        ---
        seed: 1
        ---
        Shared words.

        ::: {model="IF-I-*"}
        Written for DeepFloyd.
        :::

        ::: {model="trained"}
        Written for the trained model.
        :::
        ```swift
        print(1)
        ```
        """)
        try runNotebooks(model: choice("trained"))
        var page = try page("a.html")
        XCTAssertTrue(page.contains("Shared words."))
        XCTAssertTrue(page.contains("Written for the trained model."))
        XCTAssertFalse(page.contains("Written for DeepFloyd."))
        try runNotebooks(model: choice("IF-I-L"))
        page = try self.page("a.html")
        XCTAssertTrue(page.contains("Written for DeepFloyd."))
        XCTAssertFalse(page.contains("Written for the trained model."))
    }
}
