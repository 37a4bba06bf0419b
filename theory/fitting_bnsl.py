"""Broken neural scaling laws with intervals, and the number of breaks chosen by extrapolation.

The law is Caballero et al.'s smoothly broken power law (arXiv 2210.14891, Eq. 1),

    y = a + b·x^(−c0)·Π_i (1 + (x/d_i)^(1/f_i))^(−c_i·f_i),

fitted by :func:`nsl.theory.fitting.fit_broken_power_law`.  Two things are added here:

- :func:`broken_power_law_intervals`: bootstrap intervals on every parameter, on the final
  exponent c0 + Σ c_i and a pointwise band on the curve.  A case bootstrap over repeats when
  ``y`` is 2-D, a residual bootstrap of the log residuals (scaled by √(n/(n−p))) otherwise;
  each replicate is refitted by ``scipy.optimize.least_squares`` started from the point
  estimate, with the same bounds, so every replicate is bounded.
- :func:`select_n_breaks`: the number of breaks chosen by held-out extrapolation error (fit
  on the smaller-x points, predict the ``k`` largest; Caballero et al. §3 judge the law by
  extrapolation, as do Alabdulmohsin et al. arXiv 2209.06640): an extra break is kept only
  if it extrapolates better, so a curve with one break is not over-fitted by two.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize

from nsl.theory.checks import MAX_BOOT, check_int, check_real
from nsl.theory.fitting import BrokenPowerLawFit, as_rng, case_bootstrap_log_means, bnsl_shape, check_boot, check_xy, fit_broken_power_law

__all__ = ["BrokenPowerLawIntervals", "broken_power_law_intervals", "BreakSelection", "select_n_breaks"]


def _pack(fit: BrokenPowerLawFit) -> np.ndarray:
    t = [fit.a, math.log(max(fit.b, 1e-300)), fit.c0]
    for c, d, f in zip(fit.c, fit.d, fit.f):
        t += [c, math.log(d), math.log(f)]
    return np.array(t, float)


def _bounds(n_breaks: int, lx0: float, lx1: float):
    lo = [0.0, -np.inf, -5.0] + [-10.0, lx0 - 3.0, math.log(1e-3)] * n_breaks
    hi = [np.inf, np.inf, 10.0] + [10.0, lx1 + 3.0, math.log(1e2)] * n_breaks
    return np.array(lo), np.array(hi)


def _unpack(t: np.ndarray, n_breaks: int, rmsle: float = math.nan) -> BrokenPowerLawFit:
    rest = t[3:].reshape(n_breaks, 3) if n_breaks else np.zeros((0, 3))
    return BrokenPowerLawFit(a=float(abs(t[0])), b=float(math.exp(t[1])), c0=float(t[2]),
                             c=tuple(map(float, rest[:, 0])), d=tuple(map(float, np.exp(rest[:, 1]))),
                             f=tuple(map(float, np.exp(rest[:, 2]))), rmsle=float(rmsle), n_breaks=int(n_breaks))


def _refit(t0: np.ndarray, logx: np.ndarray, logy: np.ndarray, n_breaks: int, lo, hi) -> np.ndarray:
    def resid(t):
        rest = t[3:].reshape(n_breaks, 3) if n_breaks else np.zeros((0, 3))
        with np.errstate(all="ignore"):
            yh = abs(t[0]) + math.exp(min(t[1], 700.0)) * bnsl_shape(logx, t[2], rest[:, 0], rest[:, 1],
                                                                        np.exp(rest[:, 2]))
            r = np.log(yh) - logy
        return np.where(np.isfinite(r), r, 1e3)  # NaN-safe: a non-finite prediction is a large residual

    t0 = np.clip(t0, lo + 1e-12, hi - 1e-12)
    try:
        res = optimize.least_squares(resid, t0, bounds=(lo, hi), xtol=1e-10, ftol=1e-10, gtol=1e-10, max_nfev=600)
        return res.x
    except (ValueError, FloatingPointError):
        return np.full_like(t0, np.nan)


@dataclass(frozen=True)
class BrokenPowerLawIntervals:
    """A broken-power-law fit with bootstrap intervals (level ``ci``) on each parameter."""

    fit: BrokenPowerLawFit
    a_ci: tuple[float, float]
    b_ci: tuple[float, float]
    c0_ci: tuple[float, float]
    c_ci: tuple[tuple[float, float], ...]
    d_ci: tuple[tuple[float, float], ...]
    f_ci: tuple[tuple[float, float], ...]
    final_exponent_ci: tuple[float, float]
    n_boot: int
    n_failed: int
    ci: float
    bootstrap: str
    boot: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.empty((0, 3)))

    def band(self, x, ci: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Pointwise bootstrap band of the fitted curve at ``x`` (> 0)."""
        x = np.asarray(x, dtype=float)
        if np.any(~np.isfinite(x)) or np.any(x <= 0):
            raise ValueError("x must be finite and > 0")
        c = self.ci if ci is None else float(ci)
        if self.boot.shape[0] == 0:
            return np.full(x.shape, np.nan), np.full(x.shape, np.nan)
        curves = np.stack([_unpack(t, self.fit.n_breaks).predict(x.ravel()) for t in self.boot])
        lo, hi = np.nanpercentile(curves, [(1 - c) / 2 * 100, (1 + c) / 2 * 100], axis=0)
        return lo.reshape(x.shape), hi.reshape(x.shape)

    def to_dict(self) -> dict:
        d = self.fit.to_dict()
        d["final_exponent"] = self.fit.final_exponent()
        for k in ("a_ci", "b_ci", "c0_ci", "c_ci", "d_ci", "f_ci", "final_exponent_ci", "n_boot", "n_failed", "ci",
                  "bootstrap"):
            d[k] = getattr(self, k)
        return d


def broken_power_law_intervals(x, y, *, n_breaks: int = 1, n_boot: int = 200, ci: float = 0.95,
                               rng: np.random.Generator | int | None = None) -> BrokenPowerLawIntervals:
    """Fit the broken neural scaling law and bootstrap intervals on its parameters.

    Parameters
    ----------
    x : (n,) positive abscissae.
    y : (n,) or (repeats, n) positive values.
    n_breaks : number of breaks, integer in [0, 3].
    n_boot : bootstrap resamples, integer in [2, 100000]; each is one bounded ``least_squares``
        refit (a refit that fails is counted in ``n_failed``; ValueError if all fail).
    ci : interval level in (0, 1).
    rng : None, an integer seed >= 0 or a Generator.

    Returns
    -------
    BrokenPowerLawIntervals

    References
    ----------
    Caballero et al. 2022, arXiv 2210.14891, Eq. 1 (the law); Davison & Hinkley 1997 §6.2
    (residual and case bootstraps for regression).

    Examples
    --------
    >>> x = np.geomspace(1, 1e6, 30)
    >>> true = BrokenPowerLawFit(0.01, 2.0, 0.3, (0.9,), (1e3,), (0.5,), 0.0, 1)
    >>> r = broken_power_law_intervals(x, true.predict(x), n_breaks=1, n_boot=20, rng=0)
    >>> round(r.fit.final_exponent(), 2)
    1.2
    """
    n_breaks = check_int(n_breaks, "n_breaks", lo=0, hi=3)
    x, Y = check_xy(x, y, min_distinct=max(4, 3 + 3 * n_breaks))
    n_boot, ci = check_boot(n_boot, ci)
    if n_boot < 2:
        raise ValueError(f"n_boot must be an integer in [2, {MAX_BOOT}] (an interval needs resamples; "
                         f"fit_broken_power_law fits without them), got {n_boot}")
    gen = as_rng(rng)
    fit = fit_broken_power_law(x, Y, n_breaks=n_breaks)
    order = np.argsort(x)
    x, Y = x[order], Y[:, order]
    logx = np.log(x)
    logY = np.log(Y)
    R, n = Y.shape
    logy = logY.mean(0)
    t_hat = _pack(fit)
    lo_b, hi_b = _bounds(n_breaks, logx[0], logx[-1])
    fitted = np.log(fit.predict(x))
    refits: list[np.ndarray] = []
    kind = "none"
    if n_boot:
        if R > 1:
            kind = "case"
            ly = case_bootstrap_log_means(logY, n_boot, gen)
        else:
            kind = "residual"
            p = t_hat.size
            res = logy - fitted
            rc = (res - res.mean()) * math.sqrt(n / max(n - p, 1))
            ly = fitted[None, :] + rc[gen.integers(0, n, size=(n_boot, n))]
        refits = [_refit(t_hat, logx, row, n_breaks, lo_b, hi_b) for row in ly]
    boot = np.array(refits).reshape(-1, t_hat.size)
    ok = np.all(np.isfinite(boot), 1)
    n_failed = int((~ok).sum())
    if not np.any(ok):
        raise ValueError(f"every one of the n_boot = {n_boot} bootstrap refits failed: the data do not constrain "
                         f"a law with n_breaks = {n_breaks} (try fewer breaks)")
    boot = boot[ok]
    q = [(1 - ci) / 2 * 100, (1 + ci) / 2 * 100]

    def iv(v):
        if v.size == 0:
            return (math.nan, math.nan)
        a, b = np.percentile(v, q)
        return (float(a), float(b))

    col = lambda j: boot[:, j] if boot.size else np.empty(0)  # noqa: E731
    c_ci = tuple(iv(col(3 + 3 * i)) for i in range(n_breaks))
    d_ci = tuple(iv(np.exp(col(4 + 3 * i))) for i in range(n_breaks))
    f_ci = tuple(iv(np.exp(col(5 + 3 * i))) for i in range(n_breaks))
    fe = col(2) + sum(col(3 + 3 * i) for i in range(n_breaks)) if boot.size else np.empty(0)
    return BrokenPowerLawIntervals(fit=fit, a_ci=iv(np.abs(col(0))), b_ci=iv(np.exp(col(1))), c0_ci=iv(col(2)),
                                   c_ci=c_ci, d_ci=d_ci, f_ci=f_ci, final_exponent_ci=iv(fe), n_boot=int(n_boot),
                                   n_failed=n_failed, ci=float(ci), bootstrap=kind, boot=boot)


@dataclass(frozen=True)
class BreakSelection:
    """Held-out extrapolation errors (RMS log error on the ``k`` largest x) per number of breaks."""

    n_breaks: int
    errors: dict[int, float]
    k: int
    tolerance: float

    def to_dict(self) -> dict:
        return {"n_breaks": self.n_breaks, "errors": dict(self.errors), "k": self.k, "tolerance": self.tolerance}


def select_n_breaks(x, y, *, max_breaks: int = 2, k: int | None = None, tolerance: float = 0.1,
                    origins: int = 3) -> BreakSelection:
    """Choose the number of breaks of a broken power law by held-out extrapolation error.

    Each law with 0..``max_breaks`` breaks is fitted to all but the ``k + j`` largest-x
    points (default k = max(2, n // 4); j = 0 .. ``origins`` − 1, a rolling origin) and scored
    by the RMS log error of its prediction of the held-out points, averaged over the origins.
    The fewest breaks whose error is within a factor (1 + ``tolerance``) of the best wins (an
    extra break must earn its keep by extrapolating better).

    Parameters
    ----------
    x, y : as for :func:`nsl.theory.fitting.fit_broken_power_law`.
    max_breaks : largest number of breaks tried, integer in [0, 3].
    k : held-out points (integer >= 1).
    tolerance : relative slack, a finite number >= 0.
    origins : number of rolling forecast origins averaged (integer >= 1, at most n − k − 3).

    Returns
    -------
    BreakSelection

    References
    ----------
    Caballero et al. 2022, arXiv 2210.14891 §3 (extrapolation as the test of the law);
    Alabdulmohsin et al. 2022, arXiv 2209.06640 (choosing a law by extrapolation error).

    Examples
    --------
    >>> x = np.geomspace(1, 1e6, 30)
    >>> y = BrokenPowerLawFit(0.01, 2.0, 0.3, (0.9,), (1e3,), (0.5,), 0.0, 1).predict(x)
    >>> select_n_breaks(x, y, max_breaks=1, origins=1).n_breaks
    1
    """
    x, Y = check_xy(x, y)
    max_breaks = check_int(max_breaks, "max_breaks", lo=0, hi=3)
    tolerance = check_real(tolerance, "tolerance", lo=0.0)
    order = np.argsort(x)
    x, Y = x[order], Y[:, order]
    n = x.size
    k = max(2, n // 4) if k is None else check_int(k, "k", lo=1)
    origins = check_int(origins, "origins", lo=1)
    if n - k - (origins - 1) < 4:
        raise ValueError(f"x has {n} points: too few to hold out k = {k} points at each of origins = {origins} "
                         f"rolling origins (needs at least k + origins + 3 = {k + origins + 3})")
    errors: dict[int, float] = {}
    logy = np.log(Y).mean(0)
    for nb in range(max_breaks + 1):
        need = max(4, 3 + 3 * nb)
        errs = []
        for j in range(origins):  # rolling origin: train on x[:m], predict the points beyond
            m = n - k - j
            if m < need or np.unique(x[:m]).size < need:
                break
            f = fit_broken_power_law(x[:m], Y[:, :m], n_breaks=nb)
            with np.errstate(all="ignore"):
                e = float(np.sqrt(np.mean((np.log(f.predict(x[m:])) - logy[m:]) ** 2)))
            errs.append(e if np.isfinite(e) else math.inf)
        if len(errs) < origins:
            break
        errors[nb] = float(np.mean(errs))
    if not errors:
        raise ValueError(f"x must have at least k + origins + 3 = {k + origins + 3} distinct points to hold out "
                         f"k = {k} at origins = {origins} rolling origins, got {n}")
    best = min(errors.values())
    chosen = min(nb for nb, e in errors.items() if e <= best * (1 + tolerance) + 1e-12)
    return BreakSelection(n_breaks=int(chosen), errors=errors, k=int(k), tolerance=float(tolerance))
