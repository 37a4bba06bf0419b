"""Scaling-law fitting with honest uncertainties.

Four estimators, each with input checks at the door (``ValueError`` naming the argument):

- :func:`fit_power_law`: y = E + B·x^(−α), E ≥ 0 (``offset=False``: E = 0), by variable
  projection (for each α, E and B by non-negative least squares on relative residuals;
  Open-Athena arXiv 2603.22339 §3), then a polish of a Huber loss on log residuals with
  L-BFGS-B (Hoffmann et al. 2022 approach 3; Besiroglu et al. 2024) and a gradient check at
  the optimum.  Intervals come from resampling only: a case bootstrap over repeats at each
  x when ``y`` is 2-D (repeats × points), a residual bootstrap otherwise (Besiroglu et al.
  2024, 4000 case-bootstrap resamples).
- :func:`fit_broken_power_law`: the smoothly broken power law of Caballero et al.
  (arXiv 2210.14891, Eq. 1), grid then refine.
- :func:`local_slopes` and :func:`select_fit_window`: d log y / d log x, and the fit window
  chosen by leave-largest-k-out extrapolation error (Alabdulmohsin et al. arXiv 2209.06640:
  judge a law by how it extrapolates).
- :func:`fit_tail_exponent`: the Clauset–Shalizi–Newman MLE for a power-law *distribution*
  p(x) ∝ x^(−α), x ≥ x_min (SIAM Rev. 51, 661 (2009), Eqs. 3.1–3.7), with the exact discrete
  likelihood (Hurwitz zeta), an optional x_max inside the normalisation, x_min by the KS
  distance over every candidate, bootstrap errors that include the x_min uncertainty (§3.4),
  and the semi-parametric bootstrap goodness-of-fit p-value (CSN §4.1).

Sibling modules, re-exported here: :mod:`nsl.theory.fitting_joint` (L(N, D) = E + A N^−α +
B D^−β and the compute-optimal allocation), :mod:`nsl.theory.fitting_tails` (likelihood-ratio
tests of a tail against other distributions), :mod:`nsl.theory.fitting_bnsl` (intervals on
broken power laws and the number of breaks).

Conventions: α > 0 is the decay exponent (y falls as x^(−α)); ``loglog_slope`` is the plain
least-squares slope of log y on log x (negative for a decaying curve), reported beside α so
the effect of the offset is visible.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy import optimize, special

from nsl.theory.checks import MAX_BOOT, check_int, check_real, check_real_array, check_seed
from nsl.theory.checks import check_boot as _check_boot

__all__ = [
    "PowerLawFit", "fit_power_law", "BrokenPowerLawFit", "fit_broken_power_law",
    "local_slopes", "select_fit_window", "TailFit", "fit_tail_exponent", "sample_power_law",
]  # the sibling modules' names are importable from here too (lazily, see __getattr__ at the end)

_ALPHA_MIN, _ALPHA_MAX = 1e-4, 12.0
_ALPHA_POLISH_MAX = 50.0  # every polished fit and bootstrap replicate keeps α in [_ALPHA_MIN, 50]
_GRID = np.geomspace(_ALPHA_MIN, _ALPHA_MAX, 400)
_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0


# ----------------------------------------------------------------------------- input checks
def as_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    """A numpy Generator from ``None``, an integer seed >= 0 or a Generator (shared by the fitting modules)."""
    return check_seed(rng, "rng")


def check_xy(x, y, *, min_distinct: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """x (n,) > 0, y (n,) or (R, n) > 0, all finite; returns float arrays, y always 2-D."""
    try:
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("x and y must be numeric arrays") from None
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    if y.ndim == 1:
        y = y[None, :]
    if y.ndim != 2 or y.shape[1] != x.size:
        raise ValueError(f"y must have shape ({x.size},) or (repeats, {x.size}) to match x, got {np.shape(y)}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x must be finite (no NaN or inf)")
    if not np.all(np.isfinite(y)):
        raise ValueError("y must be finite (no NaN or inf)")
    if np.any(x <= 0):
        raise ValueError(f"x must be > 0 (logs are taken), got min {x.min():g}")
    if np.any(y <= 0):
        raise ValueError(f"y must be > 0 (logs are taken), got min {y.min():g}")
    if np.unique(x).size < min_distinct:
        raise ValueError(f"x must have at least {min_distinct} distinct values, got {np.unique(x).size}")
    return x, y


def case_bootstrap_log_means(logY: np.ndarray, n_boot: int, gen: np.random.Generator) -> np.ndarray:
    """Case-bootstrap replicates of the seed-mean log curve, (n_boot, n), from logY (R seeds, n points), R > 1.

    Seeds are drawn with replacement and each replicate's deviation from the mean is scaled by
    sqrt(R/(R-1)) (the small-sample correction of the bootstrap variance; Davison & Hinkley 1997, Sec. 3.2).
    Shared by the power-law and broken-power-law fits.
    """
    R, n = logY.shape
    logy = logY.mean(0)
    idx = gen.integers(0, R, size=(n_boot, R, n))
    means = np.take_along_axis(np.broadcast_to(logY, (n_boot, R, n)), idx, axis=1).mean(1)
    return logy + math.sqrt(R / (R - 1.0)) * (means - logy)


def check_boot(n_boot: int, ci: float) -> tuple[int, float]:
    """Check a bootstrap size (integer in [0, MAX_BOOT]) and a confidence level in (0, 1), naming the argument."""
    return _check_boot(n_boot, ci)


# ----------------------------------------------------------------------- variable projection
def _finite_or_inf(v: np.ndarray) -> np.ndarray:
    """NaN-safe objectives: a NaN (an underflow 0/0, an overflow inf − inf) counts as +inf,
    so an argmin or a comparison never picks it."""
    return np.where(np.isfinite(v), v, np.inf)


def _nnls2(h: np.ndarray, y: np.ndarray, offset: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """min over E, B >= 0 of Σ_i ((E + B h_i − y_i)/y_i)², vectorised over leading axes.

    ``h`` and ``y`` broadcast to (..., n).  Returns E, B and the residual sum of squares.
    The objective is a convex quadratic: the unconstrained minimum if feasible, else the best
    of the two faces E = 0 and B = 0 (each a one-dimensional closed form).
    """
    a = 1.0 / y
    b = h / y
    saa = np.sum(a * a, -1)
    sab = np.sum(a * b, -1)
    sbb = np.sum(b * b, -1)
    sa = np.sum(a, -1)
    sb = np.sum(b, -1)
    n = y.shape[-1]

    def ssr(E, B):
        with np.errstate(all="ignore"):
            return E * E * saa + 2 * E * B * sab + B * B * sbb - 2 * E * sa - 2 * B * sb + n

    with np.errstate(divide="ignore", invalid="ignore"):
        B0 = np.where(sbb > 0, np.maximum(sb / sbb, 0.0), 0.0)  # face E = 0 (h may underflow to 0)
    r0 = _finite_or_inf(ssr(0.0, B0))
    if not offset:
        return np.zeros_like(B0), B0, np.maximum(r0, 0.0)
    det = saa * sbb - sab * sab
    with np.errstate(divide="ignore", invalid="ignore"):
        Eu = (sa * sbb - sb * sab) / det
        Bu = (sb * saa - sa * sab) / det
    feas = (Eu >= 0) & (Bu >= 0) & np.isfinite(Eu) & np.isfinite(Bu) & (det > 0)
    ru = np.where(feas, ssr(np.where(feas, Eu, 0.0), np.where(feas, Bu, 0.0)), np.inf)
    E1 = np.maximum(sa / saa, 0.0)  # face B = 0
    r1 = _finite_or_inf(ssr(E1, 0.0))
    ru = _finite_or_inf(ru)
    best = np.argmin(np.stack([ru, r0, r1]), axis=0)
    E = np.choose(best, [np.where(feas, Eu, 0.0), np.zeros_like(E1), E1])
    B = np.choose(best, [np.where(feas, Bu, 0.0), B0, np.zeros_like(B0)])
    R = np.choose(best, [ru, r0, r1])
    return E, B, np.maximum(R, 0.0)


def _vp_fit(logx: np.ndarray, y: np.ndarray, offset: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Variable-projection fit for each row of ``y`` (m, n): grid over α, then golden section.

    Returns α, E, B (each (m,)).
    """
    m = y.shape[0]
    out_a = np.empty(m)
    chunk = max(1, 200_000 // (_GRID.size * y.shape[1]))
    for s in range(0, m, chunk):
        yy = y[s:s + chunk]
        _, _, R = _nnls2(np.exp(-_GRID[:, None] * logx)[None], yy[:, None, :], offset)  # (c, G)
        i = np.argmin(R, axis=1)
        lo = _GRID[np.maximum(i - 1, 0)]
        hi = _GRID[np.minimum(i + 1, _GRID.size - 1)]
        # vectorised golden-section search on [lo, hi]
        c = hi - _GOLDEN * (hi - lo)
        d = lo + _GOLDEN * (hi - lo)

        def f(a, yy=yy):
            return _nnls2(np.exp(-a[:, None] * logx), yy, offset)[2]

        fc, fd = f(c), f(d)
        for _ in range(64):
            left = fc < fd
            hi = np.where(left, d, hi)
            lo = np.where(left, lo, c)
            c_new = hi - _GOLDEN * (hi - lo)
            d_new = lo + _GOLDEN * (hi - lo)
            c, d = c_new, d_new
            fc, fd = f(c), f(d)
        out_a[s:s + chunk] = 0.5 * (lo + hi)
    E, B, _ = _nnls2(np.exp(-out_a[:, None] * logx), y, offset)
    return out_a, E, B


# ------------------------------------------------------------------------------ Huber polish
def _huber(r: np.ndarray, delta: float) -> tuple[np.ndarray, np.ndarray]:
    a = np.abs(r)
    rho = np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))
    psi = np.clip(r, -delta, delta)
    return rho, psi


def _polish(logx, logy, alpha0, B0, E0, offset: bool, delta: float, yscale: float):
    """Minimise Σ Huber_δ(log(E + B x^−α) − log y) by L-BFGS-B from the VP solution.

    Parameters θ = (α, log B, E/yscale) with E ≥ 0.  Returns α, B, E, the projected-gradient
    norm at the optimum (the gradient check), and the objective.
    """
    def fun(theta):
        a, lb = theta[0], theta[1]
        e = theta[2] * yscale if offset else 0.0
        pw = np.exp(lb - a * logx)
        yh = e + pw
        r = np.log(yh) - logy
        rho, psi = _huber(r, delta)
        g_a = np.sum(psi * (-pw * logx / yh))
        g_b = np.sum(psi * (pw / yh))
        g_e = np.sum(psi / yh) * yscale if offset else 0.0
        f = float(np.sum(rho)) / delta ** 2
        g = np.array([g_a, g_b, g_e]) / delta ** 2
        if not (np.isfinite(f) and np.all(np.isfinite(g))):
            return 1e300, np.zeros(3)  # NaN-safe: L-BFGS-B backs off from a non-finite point
        return f, g

    theta0 = np.array([alpha0, math.log(max(B0, 1e-300)), (E0 / yscale) if offset else 0.0])
    bounds = [(_ALPHA_MIN, _ALPHA_POLISH_MAX), (-700.0, 700.0), (0.0, None) if offset else (0.0, 0.0)]
    res = optimize.minimize(fun, theta0, jac=True, method="L-BFGS-B", bounds=bounds,
                            options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 2000, "maxcor": 20})
    theta = res.x
    f0, _ = fun(theta0)
    if not (np.isfinite(res.fun) and res.fun <= f0):
        theta = theta0
    f, g = fun(theta)
    g = g * delta ** 2  # the gradient check is made on the unscaled objective Σ Huber_δ(r)
    # projected gradient: components pushing against an active bound do not count
    pg = g.copy()
    lo = np.array([_ALPHA_MIN, -np.inf, 0.0])
    at_lo = (theta <= lo + 1e-12) & (g > 0)
    pg[at_lo] = 0.0
    if not offset:
        pg[2] = 0.0
    return float(theta[0]), float(math.exp(theta[1])), float(theta[2] * yscale if offset else 0.0), \
        float(np.linalg.norm(pg)), float(f)


def _polish_batch(logx, logy, alpha0, B0, E0, offset: bool, delta: float, iters: int = 200):
    """The same Huber polish as :func:`_polish`, for many curves at once (rows of ``logy``).

    Levenberg–Marquardt on the iteratively reweighted Gauss–Newton system of the Huber loss
    (weights min(1, δ/|r|)), batched over rows with 3×3 solves; E ≥ 0 by projection.  Used
    for the bootstrap replicates, where one L-BFGS-B call per replicate would dominate the
    cost; the tests check that both reach the same optimum.
    """
    m = logy.shape[0]
    th = np.stack([np.asarray(alpha0, float), np.log(np.maximum(B0, 1e-300)),
                   np.asarray(E0, float) if offset else np.zeros(m)], -1)

    def evaluate(t, ly):
        pw = np.exp(t[:, 1:2] - t[:, 0:1] * logx)
        yh = t[:, 2:3] + pw
        r = np.log(yh) - ly
        rho, psi = _huber(r, delta)
        return pw, yh, r, rho.sum(1), psi

    with np.errstate(all="ignore"):
        pw, yh, r, obj, psi = evaluate(th, logy)
    mu = np.full(m, 1e-3)
    active = np.ones(m, bool)
    eye = np.eye(3)
    for _ in range(iters):
        ix = np.nonzero(active)[0]
        if ix.size == 0:
            break
        pa, ya, ra, sa = pw[ix], yh[ix], r[ix], psi[ix]
        J = np.stack([-pa * logx / ya, pa / ya, (1.0 / ya) if offset else np.zeros_like(ya)], -1)
        w = np.where(np.abs(ra) <= delta, 1.0, delta / np.maximum(np.abs(ra), 1e-300))
        Jt = np.swapaxes(J, -1, -2)
        A = np.matmul(Jt * w[:, None, :], J)
        g = np.matmul(Jt, sa[..., None])[..., 0]
        if not offset:
            A[:, 2, :] = 0.0
            A[:, :, 2] = 0.0
            A[:, 2, 2] = 1.0
            g[:, 2] = 0.0
        dA = np.maximum(np.einsum("mii->mi", A), 1e-300)
        step = -np.linalg.solve(A + mu[ix, None, None] * dA[:, :, None] * eye, g[..., None])[..., 0]
        cand = th[ix] + step
        cand[:, 0] = np.clip(cand[:, 0], _ALPHA_MIN, _ALPHA_POLISH_MAX)
        cand[:, 1] = np.clip(cand[:, 1], -700.0, 700.0)
        cand[:, 2] = np.maximum(cand[:, 2], 0.0)
        with np.errstate(all="ignore"):
            cpw, cyh, cr, cobj, cpsi = evaluate(cand, logy[ix])
        ok = np.isfinite(cobj) & (cobj <= obj[ix])
        small = np.max(np.abs(cand - th[ix]) / (np.abs(th[ix]) + 1e-12), 1) < 1e-11
        flat = ok & (obj[ix] - cobj <= 1e-15 * np.maximum(obj[ix], 1e-300))
        go = ix[ok]
        th[go] = cand[ok]
        pw[go], yh[go], r[go], obj[go], psi[go] = cpw[ok], cyh[ok], cr[ok], cobj[ok], cpsi[ok]
        mu[ix] = np.where(ok, np.maximum(mu[ix] / 10.0, 1e-12), mu[ix] * 10.0)
        active[ix] = ~(small | flat | (mu[ix] > 1e12))
    return th[:, 0], np.exp(th[:, 1]), th[:, 2]


# ------------------------------------------------------------------------------- the fit
@dataclass(frozen=True)
class PowerLawFit:
    """Result of :func:`fit_power_law`: y = offset + amplitude·x^(−alpha).

    ``alpha_ci`` is the bootstrap interval at level ``ci``; with n_boot = 0 it and the other
    intervals are the asymptotic (Wald) ones from the linearised covariance, t quantile with n − p
    degrees of freedom, and ``alpha_se`` is then the linearised standard error (the bootstrap
    standard deviation otherwise); (0, inf) when the data are not a decaying power law (the
    exponent is not determined).  ``converged`` and ``grad_norm`` report the
    gradient check at the optimum; ``message`` says why a fit is not to be trusted ("" if
    nothing is wrong).
    """

    alpha: float
    alpha_ci: tuple[float, float]
    alpha_se: float
    amplitude: float
    amplitude_ci: tuple[float, float]
    offset: float
    offset_ci: tuple[float, float]
    loglog_slope: float
    x_range: tuple[float, float]
    n_points: int
    n_repeats: int
    n_boot: int
    ci: float
    fit_offset: bool
    bootstrap: str
    converged: bool
    grad_norm: float
    huber_delta: float
    rmsle: float
    alpha_boot: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.empty(0))
    message: str = ""
    amplitude_boot: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.empty(0))
    offset_boot: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.empty(0))

    def band(self, x, ci: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Pointwise bootstrap band of the fitted curve at ``x`` (level ``ci``, default the fit's); NaN
        without bootstrap replicates (``n_boot = 0``)."""
        x = np.asarray(x, dtype=float)
        if np.any(~np.isfinite(x)) or np.any(x <= 0):
            raise ValueError("x must be finite and > 0")
        c = self.ci if ci is None else float(ci)
        if not 0 < c < 1:
            raise ValueError(f"ci must be in (0, 1), got {ci!r}")
        if self.alpha_boot.size == 0:
            nan = np.full(x.shape, np.nan)
            return nan, nan
        with np.errstate(over="ignore", invalid="ignore"):
            curves = self.offset_boot[:, None] + self.amplitude_boot[:, None] * x.ravel()[None, :] ** -self.alpha_boot[:, None]
        lo, hi = np.nanpercentile(curves, [(1 - c) / 2 * 100, (1 + c) / 2 * 100], axis=0)
        return lo.reshape(x.shape), hi.reshape(x.shape)

    def predict(self, x) -> np.ndarray:
        """E + B·x^(−α) at ``x`` (> 0)."""
        x = np.asarray(x, dtype=float)
        if np.any(~np.isfinite(x)) or np.any(x <= 0):
            raise ValueError("x must be finite and > 0")
        return self.offset + self.amplitude * x ** (-self.alpha)

    def to_dict(self) -> dict:
        d = asdict(self)
        for k in ("alpha_boot", "amplitude_boot", "offset_boot"):
            d.pop(k)
        return d


def _alpha_se(logx: np.ndarray, logy: np.ndarray, alpha, B, E, offset: bool) -> np.ndarray:
    """Linearised standard error of α for each row: s²·[(JᵀJ)⁻¹]_αα with J = ∂ log ŷ/∂(α, log B, E)
    and s² = Σ r²/(n − p); an E pinned at its bound 0 (or ``offset=False``) drops its column."""
    alpha, B, E = (np.atleast_1d(np.asarray(v, float)) for v in (alpha, B, E))
    logy = np.atleast_2d(logy)
    with np.errstate(all="ignore"):
        pw = B[:, None] * np.exp(-alpha[:, None] * logx)
        yh = E[:, None] + pw
        r = np.log(yh) - logy
        free_e = (E > 0) & bool(offset)
        J = np.stack([-pw * logx / yh, pw / yh, np.where(free_e[:, None], 1.0 / yh, 0.0)], -1)
        A = np.einsum("mni,mnj->mij", J, J)
        A[~free_e, 2, 2] = 1.0
        p = 2 + free_e.astype(float)
        s2 = np.sum(r * r, 1) / np.maximum(logx.size - p, 1.0)
        inv = np.linalg.pinv(A)
        se = np.sqrt(np.maximum(s2 * inv[:, 0, 0], 0.0))
    return np.where(np.isfinite(se), se, np.nan)


def _linearised(logx: np.ndarray, logy: np.ndarray, alpha: float, B: float, E: float, offset: bool, ci: float,
                lx0: float, ly0: float):
    """Asymptotic (Wald) standard error of α and intervals on α, the amplitude and the offset, in user units.

    The covariance of θ = (α, log B, E) is s²(JᵀJ)⁺ with J = ∂ log ŷ/∂θ at the optimum and
    s² = Σ r²/(n − p) (an E pinned at 0, or ``offset=False``, drops its column and its interval is
    the point); the half-widths use the Student t quantile with n − p degrees of freedom
    (Seber & Wild 2003, Nonlinear Regression, §5.1).  The amplitude interval is symmetric in log.
    """
    with np.errstate(all="ignore"):
        pw = B * np.exp(-alpha * logx)
        yh = E + pw
        r = np.log(yh) - logy
        free_e = offset and E > 0
        J = np.stack([-pw * logx / yh, pw / yh] + ([1.0 / yh] if free_e else []), -1)
        p = J.shape[1]
        dof = max(logx.size - p, 1)
        cov = float(np.sum(r * r)) / dof * np.linalg.pinv(J.T @ J)
        t = float(special.stdtrit(dof, 0.5 + ci / 2.0))
        se_a = math.sqrt(max(float(cov[0, 0]), 0.0))
        g = np.zeros(p)
        g[0], g[1] = lx0, 1.0  # log amplitude in user units: log B + ly0 + α·lx0
        se_la = math.sqrt(max(float(g @ cov @ g), 0.0))
        la = math.log(B) + ly0 + alpha * lx0
        a_ci = (float(max(alpha - t * se_a, 0.0)), float(alpha + t * se_a))
        amp_ci = (float(np.exp(la - t * se_la)), float(np.exp(la + t * se_la)))
        eu = float(np.exp(ly0))
        if free_e:
            se_e = math.sqrt(max(float(cov[2, 2]), 0.0))
            off_ci = (float(max(E - t * se_e, 0.0) * eu), float((E + t * se_e) * eu))
        else:
            off_ci = (float(E * eu), float(E * eu))
    return se_a, a_ci, amp_ci, off_ci


def fit_power_law(x, y, *, offset: bool = True, n_boot: int = 1000, ci: float = 0.95,
                  rng: np.random.Generator | int | None = None) -> PowerLawFit:
    """Fit y = E + B·x^(−α) (E ≥ 0, B ≥ 0) with a bootstrap interval on α.

    Parameters
    ----------
    x : (n,) positive abscissae, at least 4 distinct values.  Any scale: the fit is made on
        x / geometric-mean(x) and y / geometric-mean(y), so α is the same for x and 1e15·x.
    y : (n,) or (repeats, n) positive values (e.g. test losses of several seeds).  The point
        estimate fits the geometric mean over repeats.
    offset : fit the irreducible term E ≥ 0 (else E = 0, a pure power law).
    n_boot : bootstrap resamples, integer in [0, 100000] (0: asymptotic intervals from the
        linearised covariance instead, the cheapest call: about 20× faster than the default 1000).
        With repeats > 1: case bootstrap of the repeats within each x,
        with the small-sample variance correction √(R/(R−1)) on the resampled means, percentile
        interval; with one repeat: residual bootstrap of the log residuals (scaled by √(n/(n−p))
        for the p fitted parameters) with a studentized (bootstrap-t) interval, each
        replicate's α standardised by its linearised standard error (Davison & Hinkley 1997,
        §5.2.1), which keeps the coverage near nominal with 6 points and 3 parameters.
    ci : interval level in (0, 1).
    rng : None, an integer seed >= 0 or a Generator, for the bootstrap.

    Returns
    -------
    PowerLawFit
        ``converged=False`` with a ``message`` and ``alpha_ci = (0, inf)`` when the data are
        not a decaying power law: flat (no significant decay: F-test of the law against a
        constant, p > 0.05), rising (positive log-log slope), or α at an end of its range.

    Method: variable projection on relative residuals (grid of 400 α in [1e−4, 12] and a
    golden-section refinement), then a Huber polish on log residuals (δ = 1.345 × the robust
    scale of the VP residuals, floored at 1e−8) with L-BFGS-B and a gradient check.  Every
    bootstrap replicate is refitted with the same Huber objective by a batched
    Levenberg–Marquardt (``_polish_batch``) started from the point estimate, with α kept in
    [1e−4, 50]; every objective is NaN-safe (a non-finite value counts as +inf).

    References
    ----------
    Hoffmann et al. 2022, arXiv 2203.15556, Appendix D.2 (Huber on log residuals, L-BFGS-B);
    Besiroglu et al. 2024, arXiv 2404.10102 §2 (bootstrap intervals); Open-Athena
    arXiv 2603.22339 §3 (variable projection).

    Examples
    --------
    >>> x = np.geomspace(1e2, 1e5, 10)
    >>> round(fit_power_law(x, 0.1 + 5 * x ** -1.3, n_boot=0).alpha, 6)
    1.3
    """
    x, Y = check_xy(x, y)
    n_boot, ci = check_boot(n_boot, ci)
    if not isinstance(offset, (bool, np.bool_)):
        raise ValueError(f"offset must be True or False, got {offset!r}")
    gen = as_rng(rng)
    order = np.argsort(x, kind="stable")
    x, Y = x[order], Y[:, order]
    lx0 = float(np.log(x).mean())
    logx = np.log(x) - lx0  # centred: the fit is invariant to the units of x
    logY = np.log(Y)
    R, n = Y.shape
    ly0 = float(logY.mean())
    logY = logY - ly0  # and to the units of y
    logy = logY.mean(0)
    ybar = np.exp(logy)
    p = 3 if offset else 2
    if n <= p:
        raise ValueError(f"x must have more than {p} points for this fit, got {n}")

    def one(logy_row: np.ndarray, a0: float, E0: float, B0: float, delta: float):
        return _polish(logx, logy_row, a0, B0, E0, bool(offset), delta, float(np.exp(logy_row).min()))

    with np.errstate(all="ignore"):
        a_vp, E_vp, B_vp = _vp_fit(logx, ybar[None], bool(offset))
        r_vp = np.log(E_vp[0] + B_vp[0] * np.exp(-a_vp[0] * logx)) - logy
    r_vp = np.where(np.isfinite(r_vp), r_vp, 0.0)
    mad = 1.4826 * np.median(np.abs(r_vp - np.median(r_vp)))
    delta = max(1.345 * mad, 1e-8)
    with np.errstate(all="ignore"):
        alpha, B, E, gnorm, fval = one(logy, a_vp[0], E_vp[0], B_vp[0], delta)
        resid = logy - np.log(E + B * np.exp(-alpha * logx))
    # gradient check: |∇ Σ Huber_δ(r)| small against its natural scale n·δ·max|∂r/∂θ|
    tol_g = 1e-6 * n * delta * (1.0 + float(np.abs(logx).max()))
    converged = bool(gnorm <= tol_g) and bool(np.all(np.isfinite(resid)))

    # is it a decaying power law at all?
    slope = float(np.polyfit(logx, logy, 1)[0])
    rss1 = float(np.sum(resid ** 2))
    rss0 = float(np.sum((logy - logy.mean()) ** 2))
    message = ""
    if rss0 <= 1e-24 * n:
        message = "y is constant: no power law to fit"
    elif slope >= 0:
        message = f"y does not decrease with x (log-log slope {slope:+.3g}): not a decaying power law"
    elif alpha <= 1.01 * _ALPHA_MIN or alpha >= 0.99 * _ALPHA_MAX:
        message = f"alpha = {alpha:.3g} sits at an end of its range [{_ALPHA_MIN:g}, {_ALPHA_MAX:g}]"
    else:
        df1, df2 = p - 1, n - p
        F_stat = ((rss0 - rss1) / df1) / (rss1 / df2) if rss1 > 0 else math.inf
        p_flat = float(special.fdtrc(df1, df2, F_stat)) if np.isfinite(F_stat) else 0.0
        if p_flat > 0.05:
            message = (f"no significant decay: the law does not beat a constant (F-test p = {p_flat:.2g}); "
                       "the exponent is not determined by these data")
    degenerate = bool(message)
    if degenerate:
        converged = False

    boot_a = np.empty(0)
    boot_B = np.empty(0)
    boot_E = np.empty(0)
    boot_t = None
    kind = "none"
    if n_boot > 0:
        if R > 1:
            kind = "case"
            ly = case_bootstrap_log_means(logY, n_boot, gen)
        else:
            kind = "residual-t"
            rc = (resid - resid.mean()) * math.sqrt(n / (n - p))
            ly = (logy - resid)[None, :] + rc[gen.integers(0, n, size=(n_boot, n))]
        start = np.ones(n_boot)
        boot_a, boot_B, boot_E = _polish_batch(logx, ly, alpha * start, B * start, E * start, bool(offset), delta)
        if kind == "residual-t":
            se_b = _alpha_se(logx, ly, boot_a, boot_B, boot_E, bool(offset))
            se0 = float(_alpha_se(logx, logy, alpha, B, E, bool(offset))[0])
            with np.errstate(all="ignore"):
                tt = (boot_a - alpha) / se_b
            boot_t = (tt[np.isfinite(tt)], se0)

    q = [(1 - ci) / 2 * 100, (1 + ci) / 2 * 100]

    def interval(v):
        if v.size == 0:
            return (math.nan, math.nan)
        lo, hi = np.percentile(v, q)
        return (float(lo), float(hi))

    # back to the user's units: B·x^−α = B_n·e^{ly0}·(x/e^{lx0})^−α
    def amp(b, a):
        with np.errstate(over="ignore"):
            return b * np.exp(ly0 + a * lx0)

    boot_Bu = amp(boot_B, boot_a) if boot_a.size else boot_B
    boot_Eu = boot_E * math.exp(ly0)
    a_ci = interval(boot_a)
    if boot_t is not None and boot_t[0].size > 10 and np.isfinite(boot_t[1]):
        tlo, thi = np.percentile(boot_t[0], q)
        a_ci = (float(max(alpha - thi * boot_t[1], 0.0)), float(alpha - tlo * boot_t[1]))
    amp_ci, off_ci = interval(boot_Bu), interval(boot_Eu)
    if boot_a.size > 1:
        alpha_se = float(np.std(boot_a, ddof=1))
    else:  # no (usable) resamples: the asymptotic error and, for n_boot = 0, intervals (documented in PowerLawFit)
        lin = _linearised(logx, logy, alpha, B, E, bool(offset), float(ci), lx0, ly0)
        alpha_se = lin[0]
        if n_boot == 0:
            a_ci, amp_ci, off_ci = lin[1:]
    if degenerate:
        a_ci = (0.0, math.inf)
    return PowerLawFit(
        alpha=float(alpha), alpha_ci=a_ci,
        alpha_se=alpha_se,
        amplitude=float(amp(B, alpha)), amplitude_ci=amp_ci, offset=float(E * math.exp(ly0)),
        offset_ci=off_ci,
        loglog_slope=slope, x_range=(float(x[0]), float(x[-1])), n_points=int(n), n_repeats=int(R),
        n_boot=int(n_boot), ci=float(ci), fit_offset=bool(offset), bootstrap=kind, converged=converged,
        grad_norm=float(gnorm), huber_delta=float(delta), rmsle=float(np.sqrt(np.mean(resid ** 2))),
        alpha_boot=boot_a, message=message, amplitude_boot=np.asarray(boot_Bu), offset_boot=np.asarray(boot_Eu),
    )


# ------------------------------------------------------------------ broken power law (BNSL)
@dataclass(frozen=True)
class BrokenPowerLawFit:
    """y = a + b·x^(−c0)·Π_i (1 + (x/d_i)^(1/f_i))^(−c_i·f_i) (Caballero et al. 2022, Eq. 1)."""

    a: float
    b: float
    c0: float
    c: tuple[float, ...]
    d: tuple[float, ...]
    f: tuple[float, ...]
    rmsle: float
    n_breaks: int

    def predict(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if np.any(~np.isfinite(x)) or np.any(x <= 0):
            raise ValueError("x must be finite and > 0")
        return self.a + self.b * bnsl_shape(np.log(x), self.c0, np.array(self.c), np.log(self.d), np.array(self.f))

    def final_exponent(self) -> float:
        """The slope −d log(y − a)/d log x far beyond the last break: c0 + Σ c_i."""
        return float(self.c0 + sum(self.c))

    def to_dict(self) -> dict:
        return asdict(self)


def bnsl_shape(logx, c0, c, logd, f):
    """x^(−c0) Π_i (1 + (x/d_i)^(1/f_i))^(−c_i f_i), computed in logs (stable for large x/d)."""
    logx = np.asarray(logx)
    out = -c0 * logx
    for ci, ldi, fi in zip(np.atleast_1d(c), np.atleast_1d(logd), np.atleast_1d(f)):
        out = out - ci * fi * np.logaddexp(0.0, (logx - ldi) / fi)
    return np.exp(out)


def fit_broken_power_law(x, y, n_breaks: int = 1) -> BrokenPowerLawFit:
    """Fit the broken neural scaling law (Caballero et al., arXiv 2210.14891, Eq. 1).

    Grid then refine, like the authors' script: a grid over the shape parameters (c0, c_i,
    break location d_i at log-spaced points inside the x range, sharpness f_i), with the
    linear coefficients (a ≥ 0, b ≥ 0) solved exactly at each grid point (variable
    projection on relative residuals); the best grid points are refined by
    ``scipy.optimize.least_squares`` on log residuals.  ``y`` may be 2-D (repeats × points):
    the geometric mean is fitted.

    Parameters
    ----------
    x : (n,) positive abscissae, at least max(4, 3 + 3·n_breaks) distinct values.
    y : (n,) or (repeats, n) positive values; the geometric mean over repeats is fitted.
    n_breaks : number of breaks, integer in [0, 3] (0: a power law with an offset).

    Returns
    -------
    BrokenPowerLawFit
        The parameters a, b, c0, c_i, d_i, f_i of Eq. 1, the RMS log error ``rmsle`` of the
        fit, and ``n_breaks``; ``final_exponent()`` is c0 + Σ c_i.

    References
    ----------
    Caballero, Gupta, Rish & Krueger 2022, "Broken Neural Scaling Laws", arXiv 2210.14891,
    Eq. 1 (the functional form) and §3 (fitting by grid search then least squares).

    Examples
    --------
    >>> x = np.geomspace(10, 1e4, 12)
    >>> fit = fit_broken_power_law(x, 0.05 + 2 * x ** -0.5 * (1 + x / 300) ** -1.0)
    >>> round(fit.c0, 3), round(fit.final_exponent(), 3), round(fit.d[0])
    (0.5, 1.5, 300)
    """
    n_breaks = check_int(n_breaks, "n_breaks", lo=0, hi=3)
    x, Y = check_xy(x, y, min_distinct=max(4, 3 + 3 * n_breaks))
    order = np.argsort(x)
    x = x[order]
    logx = np.log(x)
    logy = np.log(Y[:, order]).mean(0)
    y1 = np.exp(logy)
    lx0, lx1 = logx[0], logx[-1]
    c0g = np.linspace(0.0, 2.0, 9)
    cg = np.linspace(-1.0, 2.0, 7)
    dg = np.linspace(lx0, lx1, 7)[1:-1] if n_breaks else np.zeros(0)
    fg = np.array([0.1, 0.5, 1.0, 2.0])
    axes = [c0g] + [cg, dg, fg] * n_breaks
    mesh = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, len(axes))
    c0 = mesh[:, 0]
    shape = -c0[:, None] * logx
    for i in range(n_breaks):
        ci, ldi, fi = mesh[:, 1 + 3 * i], mesh[:, 2 + 3 * i], mesh[:, 3 + 3 * i]
        shape = shape - (ci * fi)[:, None] * np.logaddexp(0.0, (logx - ldi[:, None]) / fi[:, None])
    h = np.exp(shape)
    E, B, R = _nnls2(h, y1[None, :], True)
    best = np.argsort(R)[:8]

    def unpack(t):
        a, lb, c0_ = t[0], t[1], t[2]
        rest = t[3:].reshape(n_breaks, 3) if n_breaks else np.zeros((0, 3))
        return a, lb, c0_, rest[:, 0], rest[:, 1], np.exp(rest[:, 2])

    def resid(t):
        a, lb, c0_, c_, ld_, f_ = unpack(t)
        yh = np.abs(a) + np.exp(lb) * bnsl_shape(logx, c0_, c_, ld_, f_)
        return np.log(yh) - logy

    fits = []
    for k in best:
        t0 = [E[k], math.log(max(B[k], 1e-300)), mesh[k, 0]]
        for i in range(n_breaks):
            t0 += [mesh[k, 1 + 3 * i], mesh[k, 2 + 3 * i], math.log(mesh[k, 3 + 3 * i])]
        lo = [0.0, -np.inf, -5.0] + [-10.0, lx0 - 3.0, math.log(1e-3)] * n_breaks
        hi = [np.inf, np.inf, 10.0] + [10.0, lx1 + 3.0, math.log(1e2)] * n_breaks
        t0 = np.clip(np.array(t0, float), np.array(lo) + 1e-12, np.array(hi) - 1e-12)
        try:
            res = optimize.least_squares(resid, t0, bounds=(lo, hi), xtol=1e-12, ftol=1e-12, gtol=1e-12, max_nfev=4000)
            fits.append((float(np.sqrt(np.mean(res.fun ** 2))), res.x))
        except (ValueError, FloatingPointError):
            continue
    rmsle, t = min(fits, key=lambda z: z[0])
    a, lb, c0_, c_, ld_, f_ = unpack(t)
    return BrokenPowerLawFit(a=float(abs(a)), b=float(math.exp(lb)), c0=float(c0_), c=tuple(map(float, c_)),
                             d=tuple(map(float, np.exp(ld_))), f=tuple(map(float, f_)), rmsle=rmsle,
                             n_breaks=int(n_breaks))


# ---------------------------------------------------------------------- slopes and windows
def local_slopes(x, y) -> np.ndarray:
    """d log y / d log x at each x (second-order finite differences, non-uniform spacing).

    ``y`` may be 2-D (repeats × points): the geometric mean is differentiated.  For a pure
    power law y ∝ x^(−α) every entry is −α; a flattening curve shows the slope rising to 0.

    Parameters
    ----------
    x : (n,) positive abscissae, at least 3 distinct values, none repeated.
    y : (n,) or (repeats, n) positive values.

    Returns
    -------
    numpy.ndarray
        (n,) local slopes d log y / d log x, in the order of ``x`` as given.

    References
    ----------
    Alabdulmohsin, Neyshabur & Zhai 2022, "Revisiting Neural Scaling Laws in Language and
    Vision", arXiv 2209.06640, §2 (the local log-log slope as a diagnostic of the regime).

    Examples
    --------
    >>> x = np.geomspace(1, 1e3, 8)
    >>> bool(np.allclose(local_slopes(x, 3 * x ** -0.7), -0.7))
    True
    """
    x, Y = check_xy(x, y, min_distinct=3)
    order = np.argsort(x)
    if np.unique(x).size != x.size:
        raise ValueError("x must not repeat values for local slopes (pass repeats as rows of y)")
    lx = np.log(x[order])
    ly = np.log(Y[:, order]).mean(0)
    s = np.gradient(ly, lx, edge_order=2)
    out = np.empty_like(s)
    out[order] = s
    return out


def select_fit_window(x, y, *, k: int = 2, min_points: int = 4, offset: bool = False) -> tuple[int, int]:
    """The fit window ``[lo, hi)`` (indices into x sorted ascending) by leave-largest-k-out error.

    For each lower cutoff ``lo`` the law is fitted (no bootstrap) on the points
    ``lo .. n−k−1`` and judged by the RMS log error of its prediction of the ``k`` largest-x
    points (Alabdulmohsin et al. 2022: a law is as good as its extrapolation).  The cutoff with
    the smallest error wins; ties (within 1 %) go to the widest window.  Returns
    ``(lo, n)``: the window keeps the largest points, which the prediction was judged on.

    Parameters
    ----------
    x : (n,) positive abscissae, n >= min_points + k.
    y : (n,) or (repeats, n) positive values.
    k : number of largest-x points held out to judge each fit, integer >= 1.
    min_points : fewest points in a fit, integer >= 4.
    offset : fit E + B·x^(−α) (True) or B·x^(−α) (False) in each window.

    Returns
    -------
    tuple of int
        ``(lo, n)``: the window is ``sorted(x)[lo:n]``.

    References
    ----------
    Alabdulmohsin, Neyshabur & Zhai 2022, arXiv 2209.06640, §2 (a scaling law judged by its
    extrapolation to the largest scales held out of the fit).

    Examples
    --------
    A pure power law whose first three points bend away: the window starts after them.

    >>> x = np.geomspace(1, 1e4, 12)
    >>> y = x ** -0.5 * np.r_[0.3, 0.5, 0.8, np.ones(9)]
    >>> select_fit_window(x, y)
    (3, 12)
    """
    x, Y = check_xy(x, y)
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be an integer >= 1, got {k!r}")
    if not isinstance(min_points, (int, np.integer)) or min_points < 4:
        raise ValueError(f"min_points must be an integer >= 4, got {min_points!r}")
    n = x.size
    if n < min_points + k:
        raise ValueError(f"x must have at least min_points + k = {min_points + k} points, got {n}")
    order = np.argsort(x)
    xs, Ys = x[order], Y[:, order]
    errs = []
    for lo in range(0, n - k - min_points + 1):
        xf, yf = xs[lo:n - k], Ys[:, lo:n - k]
        if np.unique(xf).size < 4:
            break
        fit = fit_power_law(xf, yf, offset=offset, n_boot=0)
        pred = fit.predict(xs[n - k:])
        errs.append(float(np.sqrt(np.mean((np.log(pred) - np.log(Ys[:, n - k:]).mean(0)) ** 2))))
    err = np.array(errs)
    best = err.min()
    lo = int(np.nonzero(err <= best * 1.01 + 1e-15)[0][0])
    return lo, n


# -------------------------------------------------------------------------- tail exponents
@dataclass(frozen=True)
class TailFit:
    """Result of :func:`fit_tail_exponent`: p(x) ∝ x^(−alpha) on [xmin, xmax].

    ``sigma`` is the bootstrap error (x_min uncertainty included) when ``n_boot > 0``, else the
    asymptotic one, which ``sigma_asymptotic`` always holds; ``xmin_sigma`` the bootstrap
    spread of x_min: 0 when x_min was fixed by the caller, None when not estimated (x_min
    chosen by KS with fewer than 2 bootstrap resamples).
    """

    alpha: float
    sigma: float
    xmin: float
    xmax: float | None
    ks: float
    n_tail: int
    n: int
    discrete: bool
    p_value: float | None = None
    gof_samples: int = 0
    sigma_asymptotic: float = math.nan
    xmin_sigma: float | None = None
    n_boot: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def discrete_power_law_norm(a, xmin, xmax):
    """Normalisation of p(x) ∝ x^-a on the integers xmin..xmax (xmax None: infinity), by Hurwitz zeta
    (Clauset, Shalizi & Newman 2009, arXiv:0706.1062, Eq. 2.5)."""
    z = special.zeta(a, xmin)
    if xmax is not None:
        z = z - special.zeta(a, xmax + 1.0)
    return z


def _tail_mle(t: np.ndarray, xmin: float, xmax: float | None, discrete: bool) -> tuple[float, float]:
    """MLE of α and its standard error on the tail sample ``t`` (all in [xmin, xmax])."""
    n = t.size
    slog = float(np.sum(np.log(t)))
    if not discrete and xmax is None:
        a = 1.0 + n / float(np.sum(np.log(t / xmin)))
        return a, (a - 1.0) / math.sqrt(n)
    if discrete:
        def nll(a):
            return a * slog + n * math.log(discrete_power_law_norm(a, xmin, xmax))
    else:
        def nll(a):
            if abs(a - 1.0) < 1e-9:
                zn = math.log(xmax / xmin)
            else:
                zn = (xmin ** (1 - a) - xmax ** (1 - a)) / (a - 1.0)
            return a * slog + n * math.log(zn)
    lo = 1.0 + 1e-6 if xmax is None else 1e-6
    res = optimize.minimize_scalar(nll, bounds=(lo, 20.0), method="bounded", options={"xatol": 1e-10})
    a = float(res.x)
    h = 1e-4 * max(1.0, a)
    a_lo = max(a - h, lo)
    a_hi = a_lo + 2 * h
    d2 = (nll(a_hi) - 2 * nll(0.5 * (a_lo + a_hi)) + nll(a_lo)) / h ** 2
    se = 1.0 / math.sqrt(d2) if d2 > 0 else math.nan
    return a, se


def _tail_ks(t: np.ndarray, a: float, xmin: float, xmax: float | None, discrete: bool) -> float:
    """KS distance between the empirical CDF of the tail and the fitted power law."""
    t = np.sort(t)
    n = t.size
    if discrete:
        v, cnt = np.unique(t, return_counts=True)
        emp = np.cumsum(cnt) / n
        model = 1.0 - discrete_power_law_norm(a, v + 1.0, xmax) / discrete_power_law_norm(a, xmin, xmax) if xmax is not None else \
            1.0 - special.zeta(a, v + 1.0) / special.zeta(a, xmin)
        return float(np.max(np.abs(emp - model)))
    if xmax is None:
        model = 1.0 - (t / xmin) ** (1.0 - a)
    else:
        model = (xmin ** (1 - a) - t ** (1 - a)) / (xmin ** (1 - a) - xmax ** (1 - a))
    # CSN's statistic (their plfit code): max |F(x_i) − (i − 1)/n| over the sorted tail.  It
    # reproduces their Table 6.1 x_min (cities 52 457, quakes 794.3, blackouts 230 000), which
    # the two-sided supremum does not (cities 52 648)
    i = np.arange(1, n + 1)
    return float(np.max(np.abs(model - (i - 1) / n)))


def _scan_xmin(x: np.ndarray, xmax: float | None, discrete: bool, max_candidates: int | None = None):
    """CSN §3.3: x_min minimising the KS distance over the distinct values (tails of >= 10 points).

    Every candidate is tried unless ``max_candidates`` is given (then that many, evenly spaced
    in rank).  Continuous data without x_max take a vectorised path: α for every candidate from
    suffix sums of log x (CSN Eq. 3.1) and the KS distances in chunks of candidates.
    Candidates whose tail is a single repeated value are skipped (α is infinite there).
    Returns (ks, x_min, α, σ, n_tail).
    """
    xs = np.sort(x)
    cand = np.unique(xs)
    first = np.searchsorted(xs, cand, side="left")
    n_ge = xs.size - first
    ok = (n_ge >= 10) & (cand < xs[-1])  # a tail of one repeated value has no finite α
    cand, first = cand[ok], first[ok]
    if cand.size == 0:
        raise ValueError("samples must have at least 10 values at or above some x_min, not all equal, to fit a tail")
    if max_candidates is not None and cand.size > max_candidates:
        keep = np.unique(np.linspace(0, cand.size - 1, max_candidates).round().astype(int))
        cand, first = cand[keep], first[keep]
    if not discrete and xmax is None:
        N = xs.size
        lx = np.log(xs)
        suffix = np.concatenate([np.cumsum(lx[::-1])[::-1], [0.0]])
        n = (N - first).astype(float)
        alphas = 1.0 + n / (suffix[first] - n * np.log(cand))
        ks = np.empty(cand.size)
        chunk = max(1, 1_000_000 // N)
        j = np.arange(N)
        for s in range(0, cand.size, chunk):
            f0, a, nn, lxm = first[s:s + chunk, None], alphas[s:s + chunk, None], n[s:s + chunk, None], \
                np.log(cand[s:s + chunk, None])
            c0 = int(first[s])  # candidates ascend: columns before the chunk's first tail are never inside
            jj = j[None, c0:]
            with np.errstate(all="ignore"):
                model = -np.expm1((1.0 - a) * (lx[None, c0:] - lxm))
            d = np.abs(model - (jj - f0) / nn)  # CSN's statistic, as in _tail_ks
            ks[s:s + chunk] = np.max(np.where(jj >= f0, d, -np.inf), axis=1)
        b = int(np.argmin(ks))
        return float(ks[b]), float(cand[b]), float(alphas[b]), float((alphas[b] - 1.0) / math.sqrt(n[b])), int(n[b])
    best: tuple[float, float, float, float, int] | None = None
    for xm, f0 in zip(cand, first):
        t = xs[f0:]
        a, se = _tail_mle(t, float(xm), xmax, discrete)
        d = _tail_ks(t, a, float(xm), xmax, discrete)
        if best is None or d < best[0]:
            best = (d, float(xm), a, se, int(t.size))
    assert best is not None  # cand is non-empty
    return best


def _sample_power_law(gen, n: int, a: float, xmin: float, xmax: float | None, discrete: bool) -> np.ndarray:
    u = gen.random(n)
    if not discrete:
        if xmax is None:
            return xmin * (1.0 - u) ** (-1.0 / (a - 1.0))
        lo, hi = xmin ** (1 - a), xmax ** (1 - a)
        return (lo - u * (lo - hi)) ** (1.0 / (1 - a))
    # exact inverse CDF on a table of integers; beyond the table the continuous approximation
    top = xmax if xmax is not None else xmin + 100_000
    k = np.arange(xmin, top + 1.0)
    pmf = k ** (-a) / discrete_power_law_norm(a, xmin, xmax)
    cdf = np.cumsum(pmf)
    out = np.empty(n)
    inside = u < cdf[-1]
    out[inside] = k[np.searchsorted(cdf, u[inside], side="right").clip(max=k.size - 1)]
    m = int((~inside).sum())
    if m:
        x0 = top + 0.5
        out[~inside] = np.floor(x0 * (1.0 - gen.random(m)) ** (-1.0 / (a - 1.0)) + 0.5)
    return out


def sample_power_law(n: int, alpha: float, *, xmin: float = 1.0, xmax: float | None = None, discrete: bool = True,
                     rng: np.random.Generator | int | None = None) -> np.ndarray:
    """Draw ``n`` samples from p(x) ∝ x^(−α) on x_min ≤ x (≤ x_max), by inverting the CDF.

    The continuous law inverts F(x) = 1 − (x/x_min)^(1−α) (truncated at x_max when given); the
    discrete law inverts the exact CDF with Hurwitz-zeta normalisation on a table of integers up to
    x_min + 10^5 (or x_max) and, beyond it, the continuous approximation rounded to the nearest
    integer (Clauset, Shalizi & Newman 2009, App. D). These are the synthetic data sets of the
    goodness-of-fit test in :func:`fit_tail_exponent`.

    Parameters
    ----------
    n : int
        Number of samples, in [1, 10^8].
    alpha : float
        Exponent α > 1 (α ≤ 1 is not normalisable without ``xmax``), at most 50.
    xmin, xmax : float
        Lower cut-off x_min ≥ 1 for the discrete law (> 0 for the continuous one); optional upper
        cut-off x_max > x_min.
    discrete : bool
        Integer samples (the discrete law) or real ones.
    rng : Generator, int or None
        Random source or seed.

    Returns
    -------
    numpy.ndarray
        ``n`` samples, float64 (integral values when ``discrete``).

    References
    ----------
    A. Clauset, C. R. Shalizi, M. E. J. Newman, "Power-law distributions in empirical data",
    SIAM Review 51, 661 (2009), arXiv:0706.1062, Eq. (D.4) and App. D.

    Examples
    --------
    >>> x = sample_power_law(20_000, 2.5, discrete=False, rng=0)
    >>> bool(abs(1 + x.size / np.log(x).sum() - 2.5) < 0.05)  # the continuous MLE, Eq. (3.1)
    True
    """
    n = check_int(n, "n", lo=1, hi=10**8)
    alpha = check_real(alpha, "alpha", lo=1.0, hi=_ALPHA_POLISH_MAX, lo_open=True)
    xmin = check_real(xmin, "xmin", lo=1.0 if discrete else 0.0, lo_open=not discrete, hi=1e15)
    if xmax is not None:
        xmax = check_real(xmax, "xmax", lo=xmin, lo_open=True, hi=1e15 if not discrete else xmin + 10**7)
    if discrete and xmin != math.floor(xmin):
        raise ValueError(f"xmin must be an integer for the discrete law, got {xmin}")
    return _sample_power_law(check_seed(rng), n, alpha, xmin, xmax, bool(discrete))


def fit_tail_exponent(samples, *, discrete: bool = True, xmin: float | None = None, xmax: float | None = None,
                      gof_samples: int = 0, n_boot: int = 0, max_xmin_candidates: int | None = None,
                      rng: np.random.Generator | int | None = None) -> TailFit:
    """Clauset–Shalizi–Newman MLE of α for p(x) ∝ x^(−α) on x_min ≤ x (≤ x_max).

    Parameters
    ----------
    samples : positive values (integers when ``discrete``), at least two distinct ones.
    discrete : exact discrete likelihood L = Π x_i^(−α) / [ζ(α, x_min) − ζ(α, x_max + 1)]
        (Hurwitz zeta; CSN Eq. 3.5 with x_max in the normalisation) rather than the x_min − ½
        shortcut; otherwise the continuous closed form α = 1 + n / Σ ln(x_i/x_min) (CSN Eq. 3.1)
        or, with x_max, the truncated likelihood.
    xmin : fixed lower cut-off; None: the x_min minimising the KS distance (CSN §3.3) over
        every distinct value with at least 10 samples at or above it.
    xmax : optional upper cut-off inside the normalisation.
    gof_samples : > 0 adds the semi-parametric bootstrap p-value (CSN §4.1; ~2500 for ±0.01);
        integer in [0, 100000].
    n_boot : > 0: σ is the standard deviation of α over ``n_boot`` nonparametric bootstrap
        resamples of the whole sample, each with x_min chosen again (CSN §3.4), so it includes
        the uncertainty of x_min (reported as ``xmin_sigma``); 0: σ is the asymptotic error
        ((α − 1)/√n in the continuous closed form, else the observed Fisher information), which
        leaves that uncertainty out.  ``sigma_asymptotic`` always holds the latter.  Integer in
        [0, 100000].
    max_xmin_candidates : None (default) scans every candidate x_min; an integer limits the
        scan to that many candidates evenly spaced in rank (faster on huge samples).
    rng : seed or Generator for the bootstraps.

    Returns
    -------
    TailFit

    Raises
    ------
    ValueError
        On bad arguments, and on degenerate samples: constant data, or a tail that is a single
        repeated value (α would be infinite).

    References
    ----------
    Clauset, Shalizi & Newman, SIAM Rev. 51, 661 (2009), arXiv 0706.1062: Eqs. 3.1, 3.5,
    §3.3 (x_min by KS), §3.4 (bootstrap errors), §4.1 (goodness of fit).

    Examples
    --------
    >>> s = (1.0 - np.random.default_rng(0).random(5000)) ** (-1 / 1.5)
    >>> round(fit_tail_exponent(s, discrete=False, xmin=1.0).alpha, 1)
    2.5
    """
    x = check_real_array(samples, "samples").ravel()
    if x.size == 0:
        raise ValueError("samples must be non-empty")
    if np.any(x <= 0):
        raise ValueError(f"samples must be > 0, got min {x.min():g}")
    if discrete and np.any(x != np.round(x)):
        raise ValueError("samples must be integers when discrete=True")
    if np.all(x == x[0]):
        raise ValueError(f"samples are constant (all {x[0]:g}): a tail exponent is not defined")
    if xmin is not None:
        xmin = check_real(xmin, "xmin", lo=0.0, lo_open=True)
        if discrete and xmin != round(xmin):
            raise ValueError(f"xmin must be an integer when discrete=True, got {xmin!r}")
    if xmax is not None:
        xmax = check_real(xmax, "xmax", lo=0.0, lo_open=True)
        if xmin is not None and xmax <= xmin:
            raise ValueError(f"xmax must be finite and > xmin, got {xmax!r}")
        if np.any(x > xmax):
            raise ValueError(f"samples must be <= xmax={xmax:g}, got max {x.max():g}")
    gof_samples = check_int(gof_samples, "gof_samples", lo=0, hi=MAX_BOOT)
    n_boot = check_int(n_boot, "n_boot", lo=0, hi=MAX_BOOT)
    if max_xmin_candidates is not None:
        max_xmin_candidates = check_int(max_xmin_candidates, "max_xmin_candidates", lo=1)
    gen = as_rng(rng)

    def fixed(data, xm):
        t = data[data >= xm]
        if t.size < 2:
            raise ValueError(f"fewer than 2 samples at or above xmin={xm:g}")
        if np.all(t == t[0]):
            raise ValueError(f"every sample at or above xmin={xm:g} equals it: alpha would be infinite")
        a, se = _tail_mle(t, xm, xmax, discrete)
        return _tail_ks(t, a, xm, xmax, discrete), xm, a, se, t.size

    def fit_once(data):
        if xmin is None:
            return _scan_xmin(data, xmax, discrete, max_xmin_candidates)
        return fixed(data, float(xmin))

    ks, xm, a, se, nt = fit_once(x)
    p_value = None
    if gof_samples:
        body = x[x < xm]
        ntot = x.size
        exceed = 0
        for _ in range(gof_samples):
            n_t = gen.binomial(ntot, nt / ntot)
            syn = np.concatenate([_sample_power_law(gen, n_t, a, xm, xmax, discrete),
                                  gen.choice(body, ntot - n_t) if body.size else np.empty(0)])
            if xmin is None:
                ks_s = _scan_xmin(syn, xmax, discrete, max_xmin_candidates)[0]
            else:
                tt = syn[syn >= xm]
                a_s, _ = _tail_mle(tt, xm, xmax, discrete)
                ks_s = _tail_ks(tt, a_s, xm, xmax, discrete)
            exceed += ks_s >= ks
        p_value = exceed / gof_samples
    sigma, xmin_sigma = se, (0.0 if xmin is not None else None)
    if n_boot:
        ab, xb = [], []
        for _ in range(n_boot):
            try:
                r = fit_once(x[gen.integers(0, x.size, x.size)])
            except ValueError:  # a resample with too short a tail: skipped (counted below)
                continue
            ab.append(r[2])
            xb.append(r[1])
        if len(ab) >= 2:
            sigma = float(np.std(ab, ddof=1))
            xmin_sigma = float(np.std(xb, ddof=1))
    return TailFit(alpha=float(a), sigma=float(sigma), xmin=xm, xmax=None if xmax is None else float(xmax),
                   ks=float(ks), n_tail=int(nt), n=int(x.size), discrete=bool(discrete), p_value=p_value,
                   gof_samples=int(gof_samples), sigma_asymptotic=float(se), xmin_sigma=xmin_sigma,
                   n_boot=int(n_boot))


_LAZY = {"fit_joint_power_law": "fitting_joint", "JointPowerLawFit": "fitting_joint", "ComputeOptimal": "fitting_joint",
         "compare_tail": "fitting_tails", "LikelihoodRatio": "fitting_tails",
         "broken_power_law_intervals": "fitting_bnsl", "BrokenPowerLawIntervals": "fitting_bnsl",
         "select_n_breaks": "fitting_bnsl", "BreakSelection": "fitting_bnsl"}


def __getattr__(name: str):
    """``from nsl.theory.fitting import fit_joint_power_law`` (and the other sibling-module names)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"nsl.theory.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
