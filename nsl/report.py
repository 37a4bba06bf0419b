"""``nsl report``: run every suite, make every figure, write ``report.md``, a self-contained
``report.html`` (figures embedded as base64 PNG), ``rows.json``, and ``figures/NAME.png`` +
``figures/NAME.csv``.  The head states the versions, the preset, the device and the wall time
of each suite."""
from __future__ import annotations

import base64
import html
import importlib.metadata as md
import os
import platform
import time
from pathlib import Path
from typing import Any

from nsl import __version__, registry
from nsl.jsonio import atomic_write_text, dumps
from nsl.runner import FigureFile, SuiteOutcome, make_figure, run_suite
from nsl.store import RunStore

__all__ = ["build_report", "environment"]


def _version(pkg: str) -> str:
    try:
        return md.version(pkg)
    except md.PackageNotFoundError:
        return "not installed"


def environment(device: str) -> dict:
    """Versions and machine facts for the report head (no heavy imports: metadata only)."""
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


_COLS = ("quantity", "predicted", "observed", "ci_low", "ci_high", "tolerance", "criterion", "passed", "note")


def _md(env: dict, preset: str, outcomes: list[SuiteOutcome], figs: list[FigureFile], total: float) -> str:
    n_rows = sum(len(o.rows) for o in outcomes)
    n_pass = sum(r.passed for o in outcomes for r in o.rows)
    lines = [f"# nsl report ({preset} preset)", "",
             f"{n_pass} of {n_rows} checks passed; total wall time {total:.1f} s.", "",
             "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in env.items()]
    lines += ["", "| suite | rows | passed | wall time (s) |", "|---|---|---|---|"]
    lines += [f"| {o.name} | {len(o.rows)} | {sum(r.passed for r in o.rows)} | {o.wall_s:.1f} |" for o in outcomes]
    for o in outcomes:
        lines += ["", f"## {o.name}", ""]
        if o.error:
            lines += [f"**The suite raised:** `{o.error}`", ""]
        lines += ["| " + " | ".join(_COLS) + " |", "|" + "---|" * len(_COLS)]
        for r in o.rows:
            d = r.to_dict()
            lines.append("| " + " | ".join(_fmt(d[c]).replace("|", "/") for c in _COLS) + " |")
        for n in o.notes:
            lines += ["", f"> {n}"]
        for f in (f for f in figs if f.suite == o.name):
            lines += [""]
            if f.error:
                lines += [f"Figure `{f.name}` failed: `{f.error}`"]
            else:
                lines += [f"![{f.name}](figures/{f.png.name})", "", f"*{f.name}*: {f.caption} "
                          f"(data: [figures/{f.csv.name}](figures/{f.csv.name}))"]
    return "\n".join(lines) + "\n"


def _html(md_text: str, figs: list[FigureFile], out: Path) -> str:
    """A self-contained HTML rendering of the Markdown (tables, headings, images inlined)."""
    body = []
    in_table = False
    header: list[str] = []
    for line in md_text.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(set(c) <= set("-") for c in cells):
                continue
            if not in_table:
                body.append("<table>")
                in_table = True
                header = cells
                body.append("<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in cells) + "</tr>")
            else:
                k = header.index("passed") if "passed" in header else -1
                cls = ' class="fail"' if k >= 0 and k < len(cells) and cells[k] == "no" else ""
                body.append(f"<tr{cls}>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
            continue
        if in_table:
            body.append("</table>")
            in_table = False
        if line.startswith("# "):
            body.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.startswith("!["):
            name = line[2:line.index("]")]
            f = next(f for f in figs if f.name == name)
            b64 = base64.b64encode(f.png.read_bytes()).decode()
            body.append(f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{b64}"/></figure>')
        elif line.startswith("> "):
            body.append(f"<blockquote>{html.escape(line[2:])}</blockquote>")
        elif line.strip():
            body.append(f"<p>{html.escape(line)}</p>")
    if in_table:
        body.append("</table>")
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;}table{border-collapse:collapse;margin:1em 0;"
             "font-size:0.85em}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}tr.fail{background:#fdd}"
             "img{max-width:100%}blockquote{color:#555;border-left:3px solid #ccc;padding-left:1em}")
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>nsl report</title><style>{style}</style></head><body>" \
           + "\n".join(body) + "</body></html>\n"


def build_report(*, out: Path, store: RunStore, preset: str = "quick", device: str = "cpu", suites: list[str] | None = None,
                 executor: Any = None, workers: int | None = None, progress: bool = True, force: bool = False) -> tuple[list[SuiteOutcome], list[FigureFile]]:
    """Run ``suites`` (default: all registered), then their figures, and write the report files."""
    t0 = time.perf_counter()
    names = suites or list(registry.suites())
    outcomes = []
    for name in names:
        if progress:
            print(f"[nsl report] suite {name} ({preset}) ...", flush=True)
        o = run_suite(name, store=store, preset=preset, device=device, executor=executor, workers=workers,
                      progress=progress, force=force, out=out)
        if progress:
            print(f"[nsl report] suite {name}: {sum(r.passed for r in o.rows)}/{len(o.rows)} passed in {o.wall_s:.1f} s",
                  flush=True)
        outcomes.append(o)
    figs = []
    for name, entry in registry.figures().items():
        if entry.suite in names:
            figs.append(make_figure(name, store=store, out=out / "figures", preset=preset, run_missing=False))
    total = time.perf_counter() - t0
    env = environment(device)
    md_text = _md(env, preset, outcomes, figs, total)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "report.md", md_text)
    atomic_write_text(out / "report.html", _html(md_text, [f for f in figs if not f.error], out))
    rows = [r.to_dict() for o in outcomes for r in o.rows]
    atomic_write_text(out / "rows.json", dumps(rows, indent=1))
    atomic_write_text(out / "suites.json", dumps({"environment": env, "preset": preset, "total_wall_s": total,
                                                   "suites": [{"name": o.name, "wall_s": o.wall_s, "error": o.error,
                                                               "rows": len(o.rows), "passed": sum(r.passed for r in o.rows),
                                                               "notes": o.notes} for o in outcomes]}, indent=1))
    return outcomes, figs
