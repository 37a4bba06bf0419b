"""Shared pieces of the prediction results: a labelled number, interval propagation, text rows.

Every ``nsl predict`` result is a frozen dataclass with ``to_dict()`` (plain JSON values, the
``--json`` output) and ``items()`` (label -> formatted text, what the CLI prints), so the CLI
is a thin printer and the same object is what a Python caller gets.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["Quantity", "BASES", "TextRows", "percentile_ci", "fmt_num", "fmt_ci", "plain"]

#: how a number was obtained; every two-layer number carries one of these labels
BASES = ("input", "derived", "fit", "measured on the ODE", "heuristic")


@dataclass(frozen=True)
class Quantity:
    """A predicted number with its 95 % interval (``None`` when it rests on no fit), how it was
    obtained (``basis``, one of :data:`BASES`) and a short note (the formula or method)."""

    value: Any
    ci: tuple[float, float] | None = None
    basis: str = "derived"
    note: str = ""

    def __post_init__(self) -> None:
        if self.basis not in BASES:
            raise ValueError(f"basis must be one of {BASES}, got {self.basis!r}")

    def to_dict(self) -> dict:
        return {"value": plain(self.value), "ci": None if self.ci is None else [float(self.ci[0]), float(self.ci[1])],
                "basis": self.basis, "note": self.note}

    def text(self) -> str:
        v = fmt_num(self.value)
        ci = "" if self.ci is None else " " + fmt_ci(self.ci)
        note = f"; {self.note}" if self.note else ""
        return f"{v}{ci}  ({self.basis}{note})"


class TextRows:
    """Mixin: a result prints as (label, text) rows; iterating gives the labels, ``items()`` the rows
    (the CLI's printer walks ``for k in res`` and ``res.items()``), ``to_dict()`` the JSON."""

    def items(self) -> list[tuple[str, str]]:  # pragma: no cover - every result overrides it
        raise NotImplementedError

    def __iter__(self):
        return iter([k for k, _ in self.items()])

    def __str__(self) -> str:
        rows = self.items()
        w = max((len(k) for k, _ in rows), default=0)
        return "\n".join(f"{k:{w}s}  {v}" for k, v in rows)


def plain(v: Any) -> Any:
    """numpy scalars/arrays and tuples to plain Python values (NaN kept: jsonio writes it as null)."""
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (np.floating, np.integer)):
        return v.item()
    if isinstance(v, tuple):
        return [plain(x) for x in v]
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    return v


def percentile_ci(samples: Iterable[float], level: float = 0.95) -> tuple[float, float] | None:
    """Percentile interval of bootstrap replicates (finite ones); ``None`` with fewer than 20."""
    s = np.asarray(list(samples) if not isinstance(samples, np.ndarray) else samples, float)
    s = s[np.isfinite(s)]
    if s.size < 20:
        return None
    q = (1 - level) / 2
    lo, hi = np.quantile(s, [q, 1 - q])
    return float(lo), float(hi)


def fmt_num(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return "nan" if not math.isfinite(f) else f"{f:.4g}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(fmt_num(x) for x in v) + "]"
    return str(v)


def fmt_ci(ci: tuple[float, float] | None) -> str:
    return "" if ci is None else f"[{float(ci[0]):.4g}, {float(ci[1]):.4g}]"
