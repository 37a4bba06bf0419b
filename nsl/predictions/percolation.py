"""``nsl predict percolation --d 2 --c 4``: Brill's exponents for percolation data in d dimensions.

:func:`predict_percolation` is the library call (numbers in, a frozen :class:`PercolationPrediction`
out); the CLI prints it.  Theory: Brill 2024 (arXiv 2412.07942) Secs. 3-4 (critical and
subcritical data: α = (3 − τ)/(τ − 2), α_N = min(α, c/D), α_D = min(α/(1+α), c/D)); above p_c one
dominant d-dimensional cluster acts as a data manifold with exponents c/d (Sharma & Kaplan 2022,
arXiv 2004.10802), which needs a supercritical phase: none exists in d = 1 (p_c = 1).
"""
from __future__ import annotations

import argparse
import math
from dataclasses import dataclass

from nsl.predictions.result import Quantity, TextRows, plain
from nsl.registry import prediction

__all__ = ["PercolationPrediction", "predict_percolation", "configure", "from_args"]


@dataclass(frozen=True)
class PercolationPrediction(TextRows):
    """Exponents with their basis: ``tau``, ``D`` (fractal dimension), ``alpha``, ``c_over_D``,
    ``alpha_N``, ``alpha_D`` (each a :class:`Quantity`: value, ci, basis, note), the regimes and warnings.

    The intervals are degenerate ([x, x]) where the percolation exponents are exact (d = 1, 2 and
    d >= 6) and ``None`` for d = 3..5, whose τ comes from simulations (quoted without an interval here).
    """

    d: int
    c: float
    supercritical: bool
    tau: Quantity
    D: Quantity
    alpha: Quantity | None
    c_over_D: Quantity
    alpha_N: Quantity
    alpha_D: Quantity
    regime_N: str
    regime_D: str
    regime: str
    exponents_exact: bool
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        out = {}
        for k in self.__dataclass_fields__:
            v = getattr(self, k)
            out[k] = v.to_dict() if isinstance(v, Quantity) else plain(v)
        return out

    def items(self):
        rows = [("d", str(self.d)), ("c", f"{self.c:g}"), ("phase", self.regime)]
        for k in ("tau", "D", "alpha", "c_over_D", "alpha_N", "alpha_D"):
            q = getattr(self, k)
            if q is not None:
                rows.append((k, q.text()))
        rows += [("regime in N", self.regime_N), ("regime in D", self.regime_D)]
        rows += [("warning", w) for w in self.warnings]
        return rows


def predict_percolation(d: int, c: float = 2.0, *, supercritical: bool = False) -> PercolationPrediction:
    """Brill's exponents for percolation-cluster data in ``d`` dimensions.

    Parameters
    ----------
    d : lattice dimension, integer >= 1 (d >= 6: mean field, the Bethe lattice); the critical
        picture needs d >= 2 (τ > 2) and so does ``supercritical`` (d = 1 has p_c = 1).
    c : approximation order c > 0 (2: piecewise constant, 4: piecewise linear).
    supercritical : p > p_c, one dominant d-dimensional cluster: exponents c/d.

    Returns
    -------
    PercolationPrediction

    References
    ----------
    Brill 2024, arXiv 2412.07942, Secs. 3-4; Sharma & Kaplan 2022, arXiv 2004.10802 (c/d).

    Example
    -------
    >>> predict_percolation(6, 2).alpha_N.value  # mean field: alpha = 1, c/D = 2/4
    0.5
    """
    from nsl.theory.percolation import brill_exponents, brill_supercritical_exponents, critical_exponents

    if isinstance(d, bool) or not isinstance(d, (int,)) and not (isinstance(d, float) and d == int(d)):
        raise ValueError(f"d must be an integer >= 1, got {d!r}")
    d = int(d)
    if d < 1:
        raise ValueError(f"d must be an integer >= 1, got {d}")
    try:
        c = float(c)
    except (TypeError, ValueError):
        raise ValueError(f"c must be a number > 0, got {c!r}") from None
    if not (math.isfinite(c) and c > 0):
        raise ValueError(f"c must be > 0 (2: piecewise constant, 4: piecewise linear), got {c!r}")
    e = critical_exponents(d)
    exact = bool(e.exact)

    def q(v: float, note: str, basis: str = "derived") -> Quantity:
        return Quantity(float(v), (float(v), float(v)) if exact and math.isfinite(v) else None, basis, note)

    src = "exact" if exact else "numerical tau (simulations), no interval quoted"
    tau = q(e.tau, f"Fisher exponent, {e.source}", "input")
    Df = q(e.D, "fractal dimension of the critical clusters", "input")
    if supercritical:
        if d < 2:
            raise ValueError(f"--supercritical needs d >= 2: in d = {d} the threshold is p_c = 1, there is no "
                             f"supercritical phase (no dominant infinite cluster)")
        b = brill_supercritical_exponents(c, d)
        m = c / d
        return PercolationPrediction(d, c, True, tau, Df, None,
                                     Quantity(m, (m, m), "derived", "c/d: the dominant cluster is d-dimensional"),
                                     Quantity(m, (m, m), "derived", "alpha_N = c/d (Sharma & Kaplan 2022)"),
                                     Quantity(m, (m, m), "derived", "alpha_D = c/d"),
                                     b.regime_N, b.regime_D, b.regime, exact,
                                     ("supercritical: the exponents c/d do not depend on tau or D",))
    if e.tau <= 2.0:
        raise ValueError(f"d must be >= 2 for the critical subtask picture: tau = {e.tau:g} in d = {d} "
                         f"(alpha = (3 - tau)/(tau - 2) diverges)")
    b = brill_exponents(e.tau, c, e.D)
    assert b.alpha is not None  # only brill_supercritical_exponents has no subtask exponent
    warnings = () if exact else (f"d = {d}: tau = {e.tau:g} is a simulation estimate; the exponents carry its "
                                 f"(small) uncertainty, not shown",)
    return PercolationPrediction(
        d, c, False, tau, Df,
        q(b.alpha, f"(3 - tau)/(tau - 2), {src}"),
        q(b.c_over_D, f"c/D, {src}"),
        q(b.alpha_N, "min(alpha, c/D) (Brill Sec. 3)"),
        q(b.alpha_D, "min(alpha/(1+alpha), c/D) (Brill Sec. 4)"),
        b.regime_N, b.regime_D, b.regime, exact, warnings)


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``nsl predict percolation``."""
    parser.add_argument("--d", type=int, default=6, help="lattice dimension (>= 1; d >= 6 is mean field, the Bethe lattice)")
    parser.add_argument("--c", type=float, default=2.0, help="approximation order c > 0 (2: piecewise constant, 4: linear)")
    parser.add_argument("--supercritical", action="store_true",
                        help="p > p_c (d >= 2): one dominant d-dimensional cluster (exponents c/d)")


_configure = configure


def from_args(args: argparse.Namespace) -> PercolationPrediction:
    """Parsed CLI arguments -> :func:`predict_percolation`."""
    return predict_percolation(args.d, args.c, supercritical=args.supercritical)


@prediction("percolation", configure=_configure)
def compute(args: argparse.Namespace) -> PercolationPrediction:
    """tau, D, alpha, alpha_N, alpha_D and the regime (Brill, arXiv 2412.07942)."""
    return from_args(args)
