import XCTest
@testable import Report

/// TeX examples from the assignment and their expected HTML, written out by hand.
final class MathTests: XCTestCase {
    private func tex(_ source: String) -> String { TeXRenderer.render(source) }

    func testScripts() {
        XCTAssertEqual(tex("x_t"), "<i>x</i><sub><i>t</i></sub>")
        XCTAssertEqual(tex("x_{t-1}"), "<i>x</i><sub><i>t</i> − 1</sub>")
        XCTAssertEqual(tex("x^2"), "<i>x</i><sup>2</sup>")
        XCTAssertEqual(tex("x_{t'}"), "<i>x</i><sub><i>t</i>′</sub>")
        XCTAssertEqual(tex("a_i^{2}"), "<i>a</i><sub><i>i</i></sub><sup>2</sup>")
    }

    func testGreekAndBar() {
        XCTAssertEqual(tex("\\bar{\\alpha}_t"), "<span class=\"overline\"><i>α</i></span><sub><i>t</i></sub>")
        XCTAssertEqual(tex("\\epsilon \\sim \\mathcal{N}(0, \\mathbf{I})"), "<i>ε</i> ∼ 𝒩(0, <b><i>I</i></b>)")
        XCTAssertEqual(tex("\\Sigma\\omega"), "Σ<i>ω</i>")
    }

    func testRootsAndFractions() {
        XCTAssertEqual(tex("\\sqrt{\\bar{\\alpha}_t}x_0"),
                       "√<span class=\"overline\"><i>α</i></span><sub><i>t</i></sub><i>x</i><sub>0</sub>")
        XCTAssertEqual(tex("\\sqrt{1 - \\bar\\alpha_t}"), "√(1 − <span class=\"overline\"><i>α</i></span><sub><i>t</i></sub>)")
        XCTAssertEqual(tex("\\frac{a}{b}"), "<i>a</i>/<i>b</i>")
        XCTAssertEqual(tex("\\frac{x_t - \\epsilon}{2}"), "(<i>x</i><sub><i>t</i></sub> − <i>ε</i>)/2")
        XCTAssertEqual(tex("\\sqrt[3]{x}"), "<sup>3</sup>√<i>x</i>")
    }

    func testOperatorsAndRelations() {
        XCTAssertEqual(tex("64 \\times 64"), "64 × 64")
        XCTAssertEqual(tex("a \\cdot b"), "<i>a</i> · <i>b</i>")
        XCTAssertEqual(tex("x \\leftarrow y"), "<i>x</i> ← <i>y</i>")
        XCTAssertEqual(tex("t \\in [0,999]"), "<i>t</i> ∈ [0, 999]")
        XCTAssertEqual(tex("-x + (-y)"), "−<i>x</i> + (−<i>y</i>)", "unary minus has no spaces")
        XCTAssertEqual(tex("a < b"), "<i>a</i> &lt; <i>b</i>")
    }

    func testTextAndStyles() {
        XCTAssertEqual(tex("t = \\text{strided\\_timesteps[i]}"), "<i>t</i> = <span class=\"upright\">strided_timesteps[i]</span>")
        XCTAssertEqual(tex("\\mathbb{R}^n"), "ℝ<sup><i>n</i></sup>")
        XCTAssertEqual(tex("\\mathcal{L}"), "ℒ")
        XCTAssertEqual(tex("\\log p"), "<span class=\"upright\">log</span>\u{2009}<i>p</i>")
        XCTAssertEqual(tex("\\hat{x}"), "<i>x</i>\u{0302}")
    }

    func testUnknownCommandsAndHostileText() {
        XCTAssertEqual(tex("\\foo x"), "\\foo<i>x</i>")
        XCTAssertEqual(tex("\\text{<script>}"), "<span class=\"upright\">&lt;script&gt;</span>")
        XCTAssertEqual(tex("}{"), "}", "unbalanced braces do not hang or crash")
        XCTAssertEqual(tex("x_"), "<i>x</i><sub></sub>")
        XCTAssertEqual(tex("\\"), "\\")
    }
}
