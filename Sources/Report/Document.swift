/// The shared start of every page: doctype, metadata and the inline stylesheet.
enum Document {
    /// Everything up to and including `</head>`.
    /// `viewControls` are the illusion controls the page offers; each adds its rule.
    static func head(title: String, viewControls: [ViewControl] = []) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <title>\(Report.escape(title))</title>
        <style>
        \(stylesheet)\(viewControls.map(\.rule).joined())</style>
        </head>

        """
    }

    /// All styling, inline so the page makes no request of its own: a lab-notebook column,
    /// system fonts, pixelated image grids, status colours, a dark variant, and dark ink on
    /// white paper in print whatever the screen's theme (charts draw in `currentColor`).
    static var stylesheet: String {
        """
        :root {
          --bg: #fbfaf7; --fg: #1f2328; --dim: #656d76; --rule: #d8dee4; --card: #ffffff;
          --code-bg: #f3f2ee; --accent: #0b62c4; --ok: #1a7f37; --cache: #6f42c1;
          --fail: #cf222e; --fail-bg: #fff1f0; --skip: #9a6700;
        }
        @media (prefers-color-scheme: dark) {
          :root {
            --bg: #111418; --fg: #e6edf3; --dim: #8d96a0; --rule: #30363d; --card: #161b22;
            --code-bg: #1c2128; --accent: #58a6ff; --ok: #3fb950; --cache: #bc8cff;
            --fail: #ff7b72; --fail-bg: #2d1214; --skip: #d29922;
          }
        }
        @media print {
          :root {
            --bg: #ffffff; --fg: #000000; --dim: #4a4f55; --rule: #b8bec4; --card: #ffffff;
            --code-bg: #f3f2ee; --accent: #0b62c4; --ok: #1a7f37; --cache: #6f42c1;
            --fail: #cf222e; --fail-bg: #fff1f0; --skip: #9a6700;
          }
          .view-button { display: none; }
        }
        * { box-sizing: border-box; }
        html { background: var(--bg); color: var(--fg); }
        body {
          margin: 0 auto; padding: 2rem 1.25rem 4rem; max-width: 58rem;
          font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
        }
        body.index { max-width: 72rem; }
        a { color: var(--accent); }
        h1, h2, h3, h4, h5, h6 { line-height: 1.25; margin: 1.6em 0 0.6em; }
        h1 { font-size: 1.9rem; }
        h2 { font-size: 1.45rem; border-bottom: 1px solid var(--rule); padding-bottom: 0.2em; }
        h3 { font-size: 1.2rem; }
        code, pre, kbd { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.88em; }
        :not(pre) > code { background: var(--code-bg); padding: 0.1em 0.35em; border-radius: 4px; }
        pre { background: var(--code-bg); padding: 0.8em 1em; border-radius: 6px; overflow-x: auto; line-height: 1.45; }
        blockquote { margin: 1em 0; padding: 0.1em 1em; border-left: 4px solid var(--rule); color: var(--dim); }
        hr { border: 0; border-top: 1px solid var(--rule); margin: 2em 0; }
        img { max-width: 100%; height: auto; }
        .page-header { border-bottom: 2px solid var(--rule); margin-bottom: 1.5rem; padding-bottom: 0.8rem; }
        .page-header h1 { margin: 0.4em 0 0.5em; }
        .page-header nav a { text-decoration: none; font-size: 0.92rem; }
        .subtitle { color: var(--dim); margin: 0; }
        .meta { display: flex; flex-wrap: wrap; gap: 0.3rem 1.6rem; margin: 0; font-size: 0.92rem; }
        .meta div { display: flex; gap: 0.45rem; }
        .meta dt { color: var(--dim); }
        .meta dd { margin: 0; }
        .page-footer { margin-top: 3rem; padding-top: 0.8rem; border-top: 1px solid var(--rule); color: var(--dim); font-size: 0.85rem; }
        .dim { color: var(--dim); }
        .math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", "Times New Roman", serif; font-size: 1.08em; }
        .math i { font-style: italic; }
        .math .upright { font-style: normal; }
        .math .overline { text-decoration: overline; text-decoration-thickness: 0.06em; }
        .math sub, .math sup { font-size: 0.72em; }
        .math.display { display: block; text-align: center; margin: 1em 0; overflow-x: auto; }
        .cell { margin: 1.4rem 0; padding: 0.2rem 0 0.2rem 1rem; border-left: 3px solid var(--rule); }
        .cell.status-ran { border-left-color: var(--ok); }
        .cell.status-cached { border-left-color: var(--cache); }
        .cell.status-failed { border-left-color: var(--fail); }
        .cell.status-skipped { border-left-color: var(--skip); }
        .cell-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.6rem; font-size: 0.88rem; }
        .cell-label { font-weight: 600; text-decoration: none; color: var(--fg); }
        .cell-line { color: var(--dim); }
        .badge { border: 1px solid currentColor; border-radius: 999px; padding: 0 0.6em; font-size: 0.8rem; }
        .status-ran .badge { color: var(--ok); }
        .status-cached .badge { color: var(--cache); }
        .status-failed .badge { color: var(--fail); }
        .status-skipped .badge { color: var(--skip); }
        details.source { margin: 0.4rem 0; }
        details.source summary { cursor: pointer; color: var(--dim); font-size: 0.88rem; }
        details.source pre { margin: 0.4rem 0 0; }
        .ln { display: inline-block; min-width: 2.5em; padding-right: 1em; text-align: right; color: var(--dim); user-select: none; }
        pre.error { border: 2px solid var(--fail); background: var(--fail-bg); color: var(--fg); white-space: pre-wrap; }
        pre.output { white-space: pre-wrap; }
        .figure { margin: 1rem 0; }
        .figure-title { font-weight: 600; margin-bottom: 0.5rem; }
        .grid { display: grid; gap: \(FigureWriter.gap)px; align-items: start; }
        .tile { margin: 0; position: relative; }
        .frame { overflow: hidden; border-radius: 3px; line-height: 0; }
        .tile img { display: block; max-width: 100%; height: auto; margin: 0 auto; image-rendering: pixelated; }
        .tile img.view { transition: transform 0.45s ease, filter 0.45s ease; }
        .tile figcaption { font-size: 0.85rem; line-height: 1.35; margin-top: 0.35rem; text-align: center; }
        .caption { display: block; }
        .provenance { display: block; color: var(--dim); font-size: 0.72rem; margin-top: 0.15rem; overflow-wrap: anywhere; }
        .missing { display: block; padding: 1em; line-height: 1.3; font-size: 0.8rem; color: var(--dim); border: 1px dashed var(--rule); }
        .view-toggle { position: absolute; opacity: 0; width: 1px; height: 1px; margin: 0; }
        .view-button {
          display: inline-block; margin-top: 0.4rem; padding: 0.1em 0.7em; border: 1px solid var(--accent);
          border-radius: 999px; color: var(--accent); font-size: 0.8rem; cursor: pointer; user-select: none;
        }
        .illusion { text-align: center; }
        .chart-figure { margin: 1rem 0; }
        .chart-figure svg { display: block; max-width: 100%; height: auto; }
        .chart-figure figcaption { font-size: 0.85rem; margin-top: 0.3rem; color: var(--dim); }
        .view-toggle:checked ~ .view-button { background: var(--accent); color: var(--bg); }
        .view-toggle:focus-visible ~ .view-button { outline: 2px solid var(--accent); outline-offset: 2px; }
        @media (prefers-reduced-motion: reduce) { .tile img.view { transition: none; } }
        .cards { list-style: none; padding: 0; margin: 0; display: grid; gap: 1.1rem; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); }
        .card { background: var(--card); border: 1px solid var(--rule); border-radius: 10px; overflow: hidden; }
        .card > a { display: block; color: inherit; text-decoration: none; height: 100%; }
        .card > a:hover h2, .card > a:focus h2 { color: var(--accent); }
        .card.has-failures { border-color: var(--fail); }
        .thumb { aspect-ratio: 1; background: var(--code-bg); display: flex; align-items: center; justify-content: center; }
        .thumb img { width: 100%; height: 100%; object-fit: contain; image-rendering: pixelated; }
        .thumb.empty span { color: var(--dim); font-size: 0.85rem; }
        .card-body { padding: 0.7rem 0.9rem 0.9rem; }
        .card-body h2 { font-size: 1.05rem; border: 0; margin: 0.2rem 0 0.5rem; padding: 0; }
        .card-body .meta { font-size: 0.8rem; gap: 0.1rem 1rem; }
        .part { font-size: 0.78rem; font-weight: 700; color: var(--dim); letter-spacing: 0.04em; }
        .warning { color: var(--fail); font-weight: 600; font-size: 0.85rem; margin: 0.5rem 0 0; }
        .deliverable { font-size: 0.85rem; margin: 0.6rem 0 0.2rem; color: var(--dim); }
        .deliverable-id { font-weight: 700; color: var(--accent); margin-right: 0.3em; }
        .deliverables { border-collapse: collapse; width: 100%; margin: 2rem 0 0; font-size: 0.9rem; }
        .deliverables th, .deliverables td { text-align: left; vertical-align: top; padding: 0.35rem 0.6rem; border-top: 1px solid var(--rule); }
        .deliverables td:first-child { white-space: nowrap; font-weight: 700; }
        .deliverables tr.missing td { color: var(--fail); }

        """
    }
}
