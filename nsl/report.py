"""``nsl report``: run every suite, make every figure, write ``report.md``, a self-contained
``report.html`` (figures embedded as base64 PNG, CSV tables linked beside it), ``rows.json``,
``suites.json`` and ``figures/NAME.png`` + ``figures/NAME.csv``.

The page reads top-down the way a researcher does:

1. the summary: per capability (suite) one small table of the numbers that matter, each
   prediction against its observation with the 95 % interval, and pass or fail;
2. a table of contents;
3. the suites: every check, then the information rows (numbers that cannot fail, shown
   apart and left out of the pass count, see :meth:`nsl.rows.Row.information`), the notes,
   the figures with their captions and data;
4. the environment (versions, machine, wall time of each suite).

Both files come from one document model (a list of blocks), so the Markdown and the HTML
say the same thing; captions and notes are Markdown, rendered to HTML here (emphasis, code,
links), never shown raw.
"""
from __future__ import annotations

import base64
import html
import importlib.metadata as md
import os
import platform
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nsl import __version__, registry
from nsl.jsonio import atomic_write_text, dumps
from nsl.rows import Row, count_checks
from nsl.runner import FigureFile, SuiteOutcome, make_figure, run_suite
from nsl.store import RunStore

__all__ = ["build_report", "environment", "inline_html", "summary_rows"]

SUMMARY_MAX_ROWS = 8


def _version(pkg: str) -> str:
    try:
        return md.version(pkg)
    except md.PackageNotFoundError:
        return "not installed"


def environment(device: str) -> dict:
    """Versions and machine facts for the report (no heavy imports: metadata only)."""
    return {
        "nsl": __version__, "python": platform.python_version(),
        **{p: _version(p) for p in ("numpy", "scipy", "sympy", "torch", "matplotlib", "networkx")},
        "platform": platform.platform(), "cpus": os.cpu_count(), "device": device,
    }


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _interval(r: Row) -> str:
    if r.ci_low is None or r.ci_high is None or r.criterion.startswith("abs"):
        return "–"  # no interval (Row.check without ci stores the point as its own interval)
    return f"[{r.ci_low:.4g}, {r.ci_high:.4g}]"


def _verdict(r: Row) -> str:
    return "info" if r.is_info else ("pass" if r.passed else "FAIL")


def summary_rows(outcome: SuiteOutcome, limit: int = SUMMARY_MAX_ROWS) -> list[Row]:
    """The rows that matter most for a suite's summary table.

    Predictions compared with an observed interval (exponents with their bootstrap
    intervals) come first, failures always; then other checks, up to ``limit`` rows.
    """
    checks = [r for r in outcome.rows if not r.is_info]

    def rank(r: Row) -> tuple:
        has_ci = r.ci_low is not None and r.predicted is not None and r.observed is not None
        return (r.passed, not has_ci, r.predicted is None)

    picked = sorted(range(len(checks)), key=lambda i: (rank(checks[i]), i))[:limit]
    return [checks[i] for i in sorted(picked)]


def _anchor(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


# -- the document model -------------------------------------------------------------------
@dataclass
class _Table:
    header: list[str]
    rows: list[list[str]]
    classes: list[str] = field(default_factory=list)  # per row: "", "fail" or "info"


@dataclass
class _Block:
    kind: str  # h1 h2 h3 p table figure quote toc
    text: str = ""
    anchor: str = ""
    table: _Table | None = None
    figure: FigureFile | None = None
    toc: list[tuple[int, str, str]] = field(default_factory=list)  # (level, text, anchor)


_COLS = ("quantity", "predicted", "observed", "95% interval", "tolerance", "criterion", "result", "note")


def _row_cells(r: Row) -> list[str]:
    return [r.quantity, _fmt(r.predicted), _fmt(r.observed), _interval(r), _fmt(r.tolerance), r.criterion,
            _verdict(r), r.note]


def _document(env: dict, preset: str, outcomes: list[SuiteOutcome], figs: list[FigureFile], total: float) -> list[_Block]:
    all_rows = [r for o in outcomes for r in o.rows]
    n_pass, n_checks = count_checks(all_rows)
    n_info = sum(r.is_info for r in all_rows)
    failed_figs = [f for f in figs if f.error]
    doc = [_Block("h1", f"nsl report ({preset} preset)")]
    lead = (f"**{n_pass} of {n_checks} checks passed** across {len(outcomes)} suite{'s' * (len(outcomes) != 1)}"
            + (f"; {n_info} further row{'s are' if n_info != 1 else ' is'} information, shown apart and not counted"
               if n_info else "")
            + (f"; {len(failed_figs)} figures failed" if failed_figs else "")
            + f". Wall time {total:.1f} s; device {env['device']}; nsl {env['nsl']}.")
    doc.append(_Block("p", lead))

    doc.append(_Block("h2", "Summary", "summary"))
    doc.append(_Block("p", "Per capability, the predictions that matter most against what was observed, with the "
                           "95 % interval of the observation; every row of each suite follows below."))
    for o in outcomes:
        p, n = o.counts
        head = f"[{o.name}](#suite-{_anchor(o.name)}): {p} of {n} checks passed"
        if o.error:
            head += f"; the suite did not run to completion: `{o.error}`"
        doc.append(_Block("h3", head, f"summary-{_anchor(o.name)}"))
        sel = summary_rows(o)
        if sel:
            doc.append(_Block("table", table=_Table(["quantity", "predicted", "observed", "95% interval", "result"],
                                                    [[r.quantity, _fmt(r.predicted), _fmt(r.observed), _interval(r),
                                                      _verdict(r)] for r in sel],
                                                    ["" if r.passed else "fail" for r in sel])))

    suite_figs = {o.name: [f for f in figs if f.suite == o.name] for o in outcomes}
    toc: list[tuple[int, str, str]] = []
    for o in outcomes:
        toc.append((1, o.name, f"suite-{_anchor(o.name)}"))
        toc += [(2, f"figure: {f.name}", f"figure-{_anchor(f.name)}") for f in suite_figs[o.name]]
    toc.append((1, "Environment", "environment"))
    doc += [_Block("h2", "Contents", "contents"), _Block("toc", toc=toc)]  # after the summary, before the suites

    for o in outcomes:
        p, n = o.counts
        doc.append(_Block("h2", f"{o.name}", f"suite-{_anchor(o.name)}"))
        desc = registry.describe("suite", o.name) if o.name in registry.names("suite") else ""
        doc.append(_Block("p", (desc + " — " if desc else "") + f"{p} of {n} checks passed in {o.wall_s:.1f} s."))
        if o.error:
            doc.append(_Block("p", f"**The suite did not run to completion:** `{o.error}`"))
        checks = [r for r in o.rows if not r.is_info]
        infos = [r for r in o.rows if r.is_info]
        if checks:
            doc.append(_Block("table", table=_Table(list(_COLS), [_row_cells(r) for r in checks],
                                                    ["" if r.passed else "fail" for r in checks])))
        if infos:
            doc.append(_Block("p", "*Information (not checks: shown for context, not counted as passed):*"))
            doc.append(_Block("table", table=_Table(["quantity", "value", "95% interval", "note"],
                                                    [[r.quantity, _fmt(r.observed), _interval(r), r.note] for r in infos],
                                                    ["info"] * len(infos))))
        for note in o.notes:
            doc.append(_Block("quote", note))
        for f in suite_figs[o.name]:
            doc.append(_Block("h3", f"Figure: {f.name}", f"figure-{_anchor(f.name)}"))
            if f.error:
                doc.append(_Block("p", f"**This figure failed:** `{f.error}`"))
            else:
                doc.append(_Block("figure", figure=f))
                if f.warnings:
                    doc.append(_Block("p", "**Hard to read:** " + "; ".join(f.warnings) + "."))
                cap = (f.caption or "").strip()
                csv_name = f.csv.name if f.csv is not None else ""
                doc.append(_Block("p", (cap + " " if cap else "")
                                  + f"Data: [figures/{csv_name}](figures/{csv_name})."))

    doc.append(_Block("h2", "Environment", "environment"))
    doc.append(_Block("table", table=_Table(["item", "value"], [[str(k), str(v)] for k, v in env.items()])))
    doc.append(_Block("table", table=_Table(["suite", "checks", "passed", "information", "wall time (s)"],
                                            [[o.name, str(o.counts[1]), str(o.counts[0]),
                                              str(sum(r.is_info for r in o.rows)), f"{o.wall_s:.1f}"]
                                             for o in outcomes])))
    return doc


# -- Markdown ------------------------------------------------------------------------------
def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _to_md(doc: list[_Block]) -> str:
    out: list[str] = []
    for b in doc:
        if b.kind == "h1":
            out += [f"# {b.text}", ""]
        elif b.kind in ("h2", "h3"):
            out += [f"{'#' * int(b.kind[1])} {b.text}", ""]
        elif b.kind == "p":
            out += [b.text, ""]
        elif b.kind == "quote":
            out += [f"> {b.text}", ""]
        elif b.kind == "toc":
            out += [f"{'  ' * (lvl - 1)}- [{t}](#{a})" for lvl, t, a in b.toc] + [""]
        elif b.kind == "table":
            t = b.table
            assert t is not None  # a table block always carries its table
            out.append("| " + " | ".join(_md_cell(h) for h in t.header) + " |")
            out.append("|" + "---|" * len(t.header))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in t.rows]
            out.append("")
        elif b.kind == "figure":
            assert b.figure is not None and b.figure.png is not None  # only figures that were drawn get a block
            out += [f"![{b.figure.name}](figures/{b.figure.png.name})", ""]
    return "\n".join(out).rstrip() + "\n"


# -- HTML ----------------------------------------------------------------------------------
_INLINE = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|_([^_\s][^_]*)_(?![A-Za-z0-9])|\[([^\]]+)\]\(([^)\s]+)\)")


def inline_html(text: str) -> str:
    """Inline Markdown (``code``, **bold**, *emphasis*, _emphasis_, [text](url)) as escaped HTML."""
    out, pos = [], 0
    for m in _INLINE.finditer(text):
        if m.start() > 0 and text[m.start() - 1].isalnum() and m.group(4) is not None:
            continue  # snake_case words are not emphasis
        out.append(html.escape(text[pos:m.start()]))
        code, bold, em, em2, label, url = m.groups()
        if code is not None:
            out.append(f"<code>{html.escape(code)}</code>")
        elif bold is not None:
            out.append(f"<strong>{inline_html(bold)}</strong>")
        elif em is not None or em2 is not None:
            out.append(f"<em>{inline_html(em if em is not None else em2)}</em>")
        else:
            out.append(f'<a href="{html.escape(url, quote=True)}">{inline_html(label)}</a>')
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


_STYLE = """
body{font-family:system-ui,sans-serif;max-width:1150px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:0.6em 0 1.2em;font-size:0.85em}
td,th{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f3f3f3} tr.fail td{background:#fdd} tr.info td{color:#555;background:#f8f8fb}
td.result-pass{color:#176117;font-weight:600} td.result-FAIL{color:#a00;font-weight:700} td.result-info{color:#666}
h2{border-bottom:1px solid #ddd;padding-bottom:0.2em;margin-top:2em} h3{margin-bottom:0.3em}
img{max-width:100%;height:auto;border:1px solid #eee} figure{margin:0.5em 0}
blockquote{color:#444;border-left:3px solid #ccc;margin:0.8em 0;padding:0.1em 1em}
nav ul{columns:2;font-size:0.92em} code{background:#f4f4f4;padding:0 3px}
"""


def _to_html(doc: list[_Block]) -> str:
    body: list[str] = []
    for b in doc:
        if b.kind == "h1":
            body.append(f"<h1>{inline_html(b.text)}</h1>")
        elif b.kind in ("h2", "h3"):
            body.append(f'<{b.kind} id="{b.anchor}">{inline_html(b.text)}</{b.kind}>')
        elif b.kind == "p":
            body.append(f"<p>{inline_html(b.text)}</p>")
        elif b.kind == "quote":
            body.append(f"<blockquote>{inline_html(b.text)}</blockquote>")
        elif b.kind == "toc":
            items, level = [], 1
            for lvl, t, a in b.toc:
                while level < lvl:
                    items.append("<ul>")
                    level += 1
                while level > lvl:
                    items.append("</ul>")
                    level -= 1
                items.append(f'<li><a href="#{a}">{html.escape(t)}</a></li>')
            items += ["</ul>"] * (level - 1)
            body.append("<nav><ul>" + "".join(items) + "</ul></nav>")
        elif b.kind == "table":
            tb = b.table
            assert tb is not None
            res = tb.header.index("result") if "result" in tb.header else -1
            rows = ["<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in tb.header) + "</tr>"]
            for i, row in enumerate(tb.rows):
                cls = tb.classes[i] if i < len(tb.classes) else ""
                cells = "".join(f'<td class="result-{c}">{html.escape(c)}</td>' if j == res else f"<td>{inline_html(c)}</td>"
                                for j, c in enumerate(row))
                rows.append(f'<tr class="{cls}">{cells}</tr>' if cls else f"<tr>{cells}</tr>")
            body.append("<table>" + "".join(rows) + "</table>")
        elif b.kind == "figure":
            f = b.figure
            assert f is not None and f.png is not None
            b64 = base64.b64encode(f.png.read_bytes()).decode()
            body.append(f'<figure><img alt="figure {html.escape(f.name)}" src="data:image/png;base64,{b64}"/></figure>')
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>nsl report</title>"
            f"<meta name='viewport' content='width=device-width'><style>{_STYLE}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def build_report(*, out: Path, store: RunStore, preset: str = "quick", device: str = "cpu", suites: list[str] | None = None,
                 executor: Any = None, workers: int | None = None, progress: bool = True,
                 force: bool = False) -> tuple[list[SuiteOutcome], list[FigureFile]]:
    """Run ``suites`` (default: all registered), then their figures, and write the report files."""
    t0 = time.perf_counter()
    names = suites or list(registry.names("suite"))
    outcomes = []
    for name in names:
        if progress:
            print(f"[nsl report] suite {name} ({preset}) ...", flush=True)
        o = run_suite(name, store=store, preset=preset, device=device, executor=executor, workers=workers,
                      progress=progress, force=force, out=out)
        if progress:
            p, n = o.counts
            print(f"[nsl report] suite {name}: {p}/{n} checks passed in {o.wall_s:.1f} s", flush=True)
        outcomes.append(o)
    figs = []
    for name, entry in registry.figures().items():
        if entry.suite in names:
            figs.append(make_figure(name, store=store, out=out / "figures", preset=preset, run_missing=False))
    total = time.perf_counter() - t0
    env = environment(device)
    doc = _document(env, preset, outcomes, figs, total)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "report.md", _to_md(doc))
    atomic_write_text(out / "report.html", _to_html(doc))
    rows = [r.to_dict() for o in outcomes for r in o.rows]
    atomic_write_text(out / "rows.json", dumps(rows, indent=1))
    atomic_write_text(out / "suites.json", dumps({"environment": env, "preset": preset, "total_wall_s": total,
                                                   "suites": [{"name": o.name, "wall_s": o.wall_s, "error": o.error,
                                                               "checks": o.counts[1], "passed": o.counts[0],
                                                               "information": sum(r.is_info for r in o.rows),
                                                               "rows": len(o.rows), "notes": o.notes}
                                                              for o in outcomes]}, indent=1))
    return outcomes, figs
