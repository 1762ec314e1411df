import Foundation
import XCTest
@testable import Report

/// Each Markdown construct on its own, with the HTML written out by hand.
final class MarkdownTests: XCTestCase {
    private func md(_ text: String) -> String { Report.markdown(text) }

    func testHeadings() {
        XCTAssertEqual(md("# One\n## Two ##\n###### Six"), "<h1>One</h1>\n<h2>Two</h2>\n<h6>Six</h6>\n")
        XCTAssertEqual(md("#NoSpace"), "<p>#NoSpace</p>\n")
        XCTAssertEqual(md("####### seven"), "<p>####### seven</p>\n")
    }

    func testParagraphsAndBreaks() {
        XCTAssertEqual(md("one\ntwo\n\nthree"), "<p>one\ntwo</p>\n<p>three</p>\n")
        XCTAssertEqual(md("hard  \nbreak"), "<p>hard<br>\nbreak</p>\n")
        XCTAssertEqual(md("back\\\nslash"), "<p>back<br>\nslash</p>\n")
    }

    func testEmphasisAndStrong() {
        XCTAssertEqual(md("*a* _b_ **c** __d__ ***e***"),
                       "<p><em>a</em> <em>b</em> <strong>c</strong> <strong>d</strong> <em><strong>e</strong></em></p>\n")
        XCTAssertEqual(md("**bold *nested* text**"), "<p><strong>bold <em>nested</em> text</strong></p>\n")
        XCTAssertEqual(md("snake_case_name and 2 * 3 * 4"), "<p>snake_case_name and 2 * 3 * 4</p>\n")
        XCTAssertEqual(md("**unclosed"), "<p>**unclosed</p>\n")
        XCTAssertEqual(md("\\*literal\\*"), "<p>*literal*</p>\n")
    }

    func testInlineCode() {
        XCTAssertEqual(md("use `show(x)` and `` a`b ``"), "<p>use <code>show(x)</code> and <code>a`b</code></p>\n")
        XCTAssertEqual(md("`<b>*not em*</b>`"), "<p><code>&lt;b&gt;*not em*&lt;/b&gt;</code></p>\n")
    }

    func testLinksAndImages() {
        XCTAssertEqual(md("[text *em*](page.html \"Title\")"),
                       "<p><a href=\"page.html\" title=\"Title\">text <em>em</em></a></p>\n")
        XCTAssertEqual(md("![alt text](images/a.png)"), "<p><img src=\"images/a.png\" alt=\"alt text\" loading=\"lazy\"></p>\n")
        XCTAssertEqual(md("<https://example.com/a?b=1&c=2>"),
                       "<p><a href=\"https://example.com/a?b=1&amp;c=2\">https://example.com/a?b=1&amp;c=2</a></p>\n")
        XCTAssertEqual(md("[not a link] (x)"), "<p>[not a link] (x)</p>\n")
        XCTAssertEqual(md("[paren](a_(b).html)"), "<p><a href=\"a_(b).html\">paren</a></p>\n")
    }

    func testLists() {
        XCTAssertEqual(md("- a\n- b\n* c"), "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ul>\n<li>c</li>\n</ul>\n")
        XCTAssertEqual(md("3. three\n4. four"), "<ol start=\"3\">\n<li>three</li>\n<li>four</li>\n</ol>\n")
        XCTAssertEqual(md("- outer\n  - inner 1\n  - inner 2\n- next"),
                       "<ul>\n<li>outer\n<ul>\n<li>inner 1</li>\n<li>inner 2</li>\n</ul></li>\n<li>next</li>\n</ul>\n")
        XCTAssertEqual(md("1. first\n\n2. second"), "<ol>\n<li><p>first</p></li>\n<li><p>second</p></li>\n</ol>\n")
        XCTAssertEqual(md("- lazy\ncontinuation"), "<ul>\n<li>lazy\ncontinuation</li>\n</ul>\n")
        XCTAssertEqual(md("Para\n- item"), "<p>Para</p>\n<ul>\n<li>item</li>\n</ul>\n")
    }

    func testBlockquoteRuleAndFence() {
        XCTAssertEqual(md("> quoted *text*\n> more"), "<blockquote>\n<p>quoted <em>text</em>\nmore</p>\n</blockquote>\n")
        XCTAssertEqual(md("---\n***\n_ _ _"), "<hr>\n<hr>\n<hr>\n")
        XCTAssertEqual(md("```python\nif a < b:\n    print('*x*')\n```"),
                       "<pre><code class=\"language-python\">if a &lt; b:\n    print(&#39;*x*&#39;)\n</code></pre>\n")
        XCTAssertEqual(md("~~~\nno language\n~~~"), "<pre><code>no language\n</code></pre>\n")
        XCTAssertEqual(md("```\nunclosed"), "<pre><code>unclosed\n</code></pre>\n")
    }

    func testRawHTMLIsText() {
        XCTAssertEqual(md("<div>hi</div>"), "<p>&lt;div&gt;hi&lt;/div&gt;</p>\n")
        XCTAssertEqual(md("a & b"), "<p>a &amp; b</p>\n")
    }

    func testMathInProse() {
        XCTAssertEqual(md("where $x_0$ is clean"), "<p>where <span class=\"math\"><i>x</i><sub>0</sub></span> is clean</p>\n")
        XCTAssertEqual(md("costs $5 and $6"), "<p>costs $5 and $6</p>\n", "dollar amounts are not maths")
        XCTAssertEqual(md("$$\n\\alpha = 1\n$$"), "<div class=\"math display\"><i>α</i> = 1</div>\n")
        XCTAssertEqual(md("$$ x^2 $$"), "<div class=\"math display\"><i>x</i><sup>2</sup></div>\n")
        XCTAssertEqual(md("*emphasis with $a*b$ inside*"), "<p><em>emphasis with <span class=\"math\"><i>a</i> ∗ <i>b</i></span> inside</em></p>\n")
        XCTAssertEqual(md("escaped \\$x$"), "<p>escaped $x$</p>\n")
    }

    func testEveryPrefixOfTrickyInputRenders() {
        let tricky = "# h *a **b [c](d \"e` $x_{1}^{\\frac{a}{b}}$ \\ <x> ![i](j) $$\n- l\n  1. m\n> q ```\n```\n~~~"
        let characters = Array(tricky)
        for count in 0...characters.count {
            let html = md(String(characters[0..<count]))
            XCTAssertFalse(html.contains("<x>"), "raw tags stay escaped for prefix length \(count)")
        }
    }

    func testLongLineIsFast() {
        let line = String(repeating: "word *open _under `tick [bracket $ ", count: 20_000)
        let start = Date()
        let html = md(line)
        XCTAssertTrue(html.hasPrefix("<p>word"))
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "unmatched delimiters must not make rendering quadratic")
    }
}
