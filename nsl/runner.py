"""Run suites and make figures by name: the one path shared by ``nsl validate``, ``nsl figures``
and ``nsl report`` (registry → context → suite/figure → rows, PNG and CSV)."""
from __future__ import annotations

import csv
import io
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nsl import registry
from nsl.context import ArtifactMissing, FigureContext, FigureOutput, SuiteContext, check_preset
from nsl.jsonio import atomic_write_bytes, atomic_write_text
from nsl.rows import Row, all_passed, count_checks
from nsl.store import RunStore

__all__ = ["FigureFile", "SuiteOutcome", "failure_row", "make_figure", "run_suite", "write_csv"]


@dataclass
class SuiteOutcome:
    name: str
    rows: list[Row]
    wall_s: float
    notes: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        """No error and every check passed (information rows are not checks)."""
        return self.error is None and all_passed(self.rows)

    @property
    def counts(self) -> tuple[int, int]:
        """``(passed, total)`` checks, information rows left out."""
        return count_checks(self.rows)


@dataclass
class FigureFile:
    name: str
    suite: str
    png: Path | None
    csv: Path | None
    caption: str = ""
    error: str | None = None
    warnings: list[str] = field(default_factory=list)  # legibility problems found in the drawn figure


def _where(exc: BaseException) -> str:
    """``file:line in function`` of the innermost frame of ``exc`` (paths shortened to the package)."""
    tb = traceback.extract_tb(exc.__traceback__)
    if not tb:
        return ""
    fr = tb[-1]
    parts = Path(fr.filename).parts
    for anchor in ("validation", "theory", "sims", "nsl", "figures", "site-packages"):
        if anchor in parts:
            parts = parts[len(parts) - parts[::-1].index(anchor) - 1:]
            break
    return f"{'/'.join(parts[-3:])}:{fr.lineno} in {fr.name}"


def failure_row(name: str, exc: BaseException, stage: str = "ran to completion") -> Row:
    """The one failed row that stands for a suite that could not run: the cause and where it arose."""
    cause = f"{type(exc).__name__}: {exc}".strip()
    where = _where(exc)
    return Row(name, f"suite {stage}", None, None, None, None, None, False, "raised",
               cause + (f" (at {where})" if where else ""))


def run_suite(name: str, *, store: RunStore, preset: str = "quick", device: str = "cpu", executor: Any = None,
              workers: int | None = None, progress: bool = True, force: bool = False, out: Path | None = None) -> SuiteOutcome:
    """Run one registered suite; an exception inside it (or on importing it) becomes a failed row, not a crash."""
    check_preset(preset)
    t0 = time.perf_counter()
    try:
        entry = registry.get("suite", name)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - a suite that cannot even be imported is a failed row
        if isinstance(exc, ValueError) and name not in registry.names("suite"):
            raise  # an unknown name is a usage error
        return SuiteOutcome(name, [failure_row(name, exc, "loaded")], time.perf_counter() - t0, [],
                            f"{type(exc).__name__}: {exc}")
    ctx = SuiteContext(name, store, preset=preset, device=device, executor=executor, workers=workers,
                       progress=progress, force=force, out=out)
    try:
        rows = list(entry.fn(ctx))
        bad = [type(r).__name__ for r in rows if not isinstance(r, Row)]
        if bad:
            raise TypeError(f"suite {name!r} returned a {bad[0]}, expected nsl.rows.Row")
        err = None
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - reported as a failed row with its cause
        err = f"{type(exc).__name__}: {exc}"
        rows = [failure_row(name, exc)]
    wall = time.perf_counter() - t0
    budget = entry.budget_s.get(preset)
    if budget is not None and wall > budget:  # information for the reader, not a check (machines differ)
        ctx.note(f"{name} ({preset}) took {wall:.0f} s, over its budget of {budget:.0f} s (budget_s in its @suite); "
                 "a loaded machine or a cold cache can explain it")
    return SuiteOutcome(name, rows, wall, ctx.notes, err)


def write_csv(path: Path, table: dict[str, Any]) -> None:
    """Write equal-length columns as CSV (atomic)."""
    import numpy as np

    cols = list(table)
    data = [np.asarray(table[c]).ravel().tolist() for c in cols]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(cols)
    for row in zip(*data):
        w.writerow(["" if (isinstance(v, float) and v != v) else (repr(v) if isinstance(v, float) else v) for v in row])
    atomic_write_text(path, buf.getvalue())


def make_figure(name: str, *, store: RunStore, out: Path, preset: str = "quick", run_missing: bool = True,
                **suite_kwargs: Any) -> FigureFile:
    """Make figure ``name`` from stored artifacts (running its suite first if they are missing)
    and write ``out/NAME.png`` and ``out/NAME.csv``."""
    # figures are matplotlib.figure.Figure objects (nsl.figures.canvas): no backend is chosen and no
    # global matplotlib state is changed here; Agg renders them.
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    entry = registry.get("figure", name)
    ctx = FigureContext(entry.suite, store, preset)
    try:
        try:
            res = entry.fn(ctx)
        except ArtifactMissing:
            if not run_missing:
                raise
            run_suite(entry.suite, store=store, preset=preset, **suite_kwargs)
            res = entry.fn(ctx)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken figure is reported, the report goes on
        return FigureFile(name, entry.suite, None, None, error=f"{type(exc).__name__}: {exc}")
    if not isinstance(res, FigureOutput):
        raise TypeError(f"figure {name!r} returned {type(res).__name__}, expected nsl.context.FigureOutput")
    out.mkdir(parents=True, exist_ok=True)
    png, csv_path = out / f"{name}.png", out / f"{name}.csv"
    if not isinstance(res.figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(res.figure)  # attaches itself: a figure made without pyplot has a bare canvas
    buf = io.BytesIO()
    res.figure.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    warnings = overlapping_labels(res.figure)
    if "matplotlib.pyplot" in sys.modules:  # a figure module that used pyplot: free its figure
        sys.modules["matplotlib.pyplot"].close(res.figure)
    atomic_write_bytes(png, buf.getvalue())
    write_csv(csv_path, res.table)
    return FigureFile(name, entry.suite, png, csv_path, res.caption, warnings=warnings)


def overlapping_labels(fig: Any, pad_px: float = 1.0) -> list[str]:
    """Tick labels, axis labels and titles of ``fig`` that overlap one another, as sentences.

    The figure is drawn once more to measure its texts.  Two texts overlap when their rendered boxes intersect by more than ``pad_px`` pixels each way.
    """
    fig.canvas.draw()  # a plain draw: savefig(bbox_inches="tight") leaves shifted text positions behind
    renderer = fig.canvas.get_renderer()
    out: list[str] = []
    for k, ax in enumerate(fig.get_axes()):
        where = f"panel {k + 1}" + (f" ({ax.get_title()!r})" if ax.get_title() else "")
        groups = {"x tick labels": ax.get_xticklabels(which="both"), "y tick labels": ax.get_yticklabels(which="both")}
        for what, labels in groups.items():
            boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in labels
                     if t.get_visible() and t.get_text().strip() and t.get_position() is not None]
            boxes = [(txt, b) for txt, b in boxes if _in_view(ax, b)]
            for (t1, b1), (t2, b2) in zip(boxes, boxes[1:]):
                if _overlap(b1, b2, pad_px):
                    out.append(f"{where}: {what} {t1!r} and {t2!r} overlap")
                    break
        texts = [ax.xaxis.label, ax.yaxis.label, ax.title]
        texts = [t for t in texts if t.get_visible() and t.get_text().strip()]
        ticks = [t for t in (*ax.get_xticklabels(), *ax.get_yticklabels()) if t.get_visible() and t.get_text().strip()]
        for t in texts:
            bt = t.get_window_extent(renderer)
            hit = next((u for u in ticks if _in_view(ax, u.get_window_extent(renderer))
                        and _overlap(bt, u.get_window_extent(renderer), pad_px)), None)
            if hit is not None:
                out.append(f"{where}: label {t.get_text()!r} overlaps tick label {hit.get_text()!r}")
    return out


def _in_view(ax: Any, box: Any) -> bool:
    """Tick labels outside the axes' span are not drawn."""
    fig_box = ax.figure.bbox
    return box.width > 0 and box.height > 0 and box.x1 >= fig_box.x0 - 1 and box.x0 <= fig_box.x1 + 1


def _overlap(a: Any, b: Any, pad: float) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > pad and min(a.y1, b.y1) - max(a.y0, b.y0) > pad
