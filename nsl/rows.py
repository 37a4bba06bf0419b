"""The row every suite returns: ``{suite, quantity, predicted, observed, ci_low, ci_high, tolerance, passed}``.

A row compares one observed number (usually a fitted exponent with its bootstrap interval)
with a prediction (theory, a paper's number, or an independent computation).  The
constructors state the pass rule once, so every suite applies the same one:

- :meth:`Row.check`: passes when the prediction lies within the observed interval widened
  by ``tolerance`` (without an interval: ``|observed - predicted| <= tolerance``).
- :meth:`Row.in_range`: passes when ``low <= observed <= high``.
- :meth:`Row.at_most` / :meth:`Row.at_least`: one-sided bounds.
- :meth:`Row.information`: a number shown for context that no wrong result could fail
  (e.g. "lower 95 % bound >= 0" of a positive quantity, a count, a timing).  Its ``kind`` is
  ``"info"``; reports show it apart and leave it out of the pass count
  (:func:`count_checks`, :func:`all_passed`).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["KINDS", "Row", "all_passed", "count_checks", "rows_to_json"]

KINDS = ("check", "info")


def _f(v: Any) -> float | None:
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


@dataclass(frozen=True)
class Row:
    suite: str
    quantity: str
    predicted: float | None
    observed: float | None
    ci_low: float | None
    ci_high: float | None
    tolerance: float | None
    passed: bool
    criterion: str = "interval"
    note: str = ""
    kind: str = "check"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")

    @property
    def is_info(self) -> bool:
        """True for information rows (shown apart, never counted as a pass)."""
        return self.kind == "info"

    @classmethod
    def information(cls, suite: str, quantity: str, observed: float | None, *, predicted: float | None = None,
                    ci: tuple[float, float] | None = None, note: str = "") -> Row:
        """A number reported for context, not a check: it cannot fail and is left out of the pass count."""
        lo, hi = (ci if ci is not None else (None, None))
        return cls(suite, quantity, _f(predicted), _f(observed), _f(lo), _f(hi), None, True, "information", note,
                   "info")

    @classmethod
    def check(cls, suite: str, quantity: str, predicted: float, observed: float, *, tolerance: float,
              ci: tuple[float, float] | None = None, relative: bool = False, note: str = "") -> Row:
        """Prediction vs observation: pass if the prediction lies in ``ci`` widened by ``tolerance``.

        With ``relative=True`` the tolerance is a fraction of ``|predicted|``.  Without ``ci`` the
        interval is the observed point itself.  A non-finite observation fails.
        """
        if tolerance is None or not (tolerance >= 0):
            raise ValueError(f"tolerance must be >= 0, got {tolerance!r}")
        tol = tolerance * abs(predicted) if relative else tolerance
        obs = _f(observed)
        lo_raw, hi_raw = (ci if ci is not None else (observed, observed))
        lo, hi = _f(lo_raw), _f(hi_raw)
        if obs is None or lo is None or hi is None:
            passed = False
        else:
            passed = (lo - tol) <= float(predicted) <= (hi + tol)
        crit = "interval+tol" if ci is not None else "abs"
        if relative:
            crit += " (relative)"
        return cls(suite, quantity, _f(predicted), obs, lo, hi, _f(tol), bool(passed), crit, note)

    @classmethod
    def in_range(cls, suite: str, quantity: str, observed: float, low: float, high: float, *,
                 ci: tuple[float, float] | None = None, note: str = "") -> Row:
        """Pass if ``low <= observed <= high`` (predicted = midpoint, tolerance = half-width)."""
        obs = _f(observed)
        passed = obs is not None and low <= obs <= high
        lo, hi = (ci if ci is not None else (None, None))
        return cls(suite, quantity, (low + high) / 2, obs, _f(lo), _f(hi), (high - low) / 2, bool(passed),
                   f"range [{low:g}, {high:g}]", note)

    @classmethod
    def at_most(cls, suite: str, quantity: str, observed: float, bound: float, *, note: str = "") -> Row:
        """Pass if ``observed <= bound``."""
        obs = _f(observed)
        return cls(suite, quantity, float(bound), obs, None, None, 0.0, bool(obs is not None and obs <= bound),
                   f"<= {bound:g}", note)

    @classmethod
    def at_least(cls, suite: str, quantity: str, observed: float, bound: float, *, note: str = "") -> Row:
        """Pass if ``observed >= bound``."""
        obs = _f(observed)
        return cls(suite, quantity, float(bound), obs, None, None, 0.0, bool(obs is not None and obs >= bound),
                   f">= {bound:g}", note)

    def to_dict(self) -> dict:
        return asdict(self)


def rows_to_json(rows: list[Row]) -> list[dict]:
    return [r.to_dict() for r in rows]


def all_passed(rows: list[Row]) -> bool:
    """True if every check passed (information rows are not checks)."""
    return all(r.passed for r in rows if not r.is_info)


def count_checks(rows: list[Row]) -> tuple[int, int]:
    """``(passed, total)`` over the checks, information rows left out."""
    checks = [r for r in rows if not r.is_info]
    return sum(r.passed for r in checks), len(checks)
