"""Joint scaling laws: L(N, D) = E + A·N^(−α) + B·D^(−β), and the compute-optimal allocation.

The Chinchilla parametric law (Hoffmann et al. 2022, arXiv 2203.15556, §3.3 "Approach 3",
Eq. 2 and Appendix D.2) fitted the way its replication does it (Besiroglu et al. 2024,
arXiv 2404.10102, §2 and Appendix A): minimise the Huber loss (δ = 1e−3) of the log
residuals, with the prediction written as a log-sum-exp,

    log L̂ = LSE(a − α log N, b − β log D, e),   A = e^a, B = e^b, E = e^e,

by L-BFGS-B started from a grid of initialisations; intervals by a case bootstrap over runs.

Internally log N and log D are centred on their means (so the same fit is returned for N and
10¹⁵·N, only A rescales), the grid starts are ranked by one vectorised evaluation of the
objective, and the bootstrap replicates are refitted in one batch: resampling runs with
replacement is the same as weighting each run by its multinomial count, so every replicate
shares one design and a batched Levenberg–Marquardt on the iteratively reweighted Huber
system fits them all at once (the tests check it against per-replicate L-BFGS-B).

Compute-optimal allocation (Hoffmann et al. Eq. 4, Appendix D.3): with C = 6ND,
N_opt(C) = G·(C/6)^a, D_opt(C) = G^(−1)·(C/6)^b, G = (αA/(βB))^(1/(α+β)),
a = β/(α+β), b = α/(α+β).  A user FLOPs function C = f(N, D) is handled numerically.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special

from nsl.theory.checks import check_boot, check_int, check_real, check_real_array
from nsl.theory.fitting import as_rng

__all__ = ["JointPowerLawFit", "ComputeOptimal", "fit_joint_power_law", "HOFFMANN_GRID"]

#: Hoffmann et al.'s grid of initialisations as written in Besiroglu et al.'s notebook:
#: α, β ∈ {0, 0.5, …, 2}, e ∈ {−1, −0.5, …, 1}, a, b ∈ {0, 5, …, 25} (in raw units of N and D).
HOFFMANN_GRID = {"alpha": np.arange(0, 2.5, 0.5), "beta": np.arange(0, 2.5, 0.5), "e": np.arange(-1, 1.5, 0.5),
                 "a": np.arange(0, 30, 5.0), "b": np.arange(0, 30, 5.0)}
_EXP_MAX = 10.0  # α, β bounds [0, _EXP_MAX]: every fit and every bootstrap replicate stays bounded
_NAMES = ("A", "B", "E", "alpha", "beta")


def _huber(r: np.ndarray, delta: float) -> tuple[np.ndarray, np.ndarray]:
    a = np.abs(r)
    return np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta)), np.clip(r, -delta, delta)


def _model(theta: np.ndarray, ln: np.ndarray, ld: np.ndarray):
    """log L̂ and its Jacobian for parameters θ = (a, b, e, α, β) of shape (..., 5)."""
    t = theta[..., None, :]
    u1 = t[..., 0] - t[..., 3] * ln
    u2 = t[..., 1] - t[..., 4] * ld
    u3 = np.broadcast_to(t[..., 2], u1.shape)
    m = np.maximum(np.maximum(u1, u2), u3)
    J = np.empty(u1.shape + (5,))
    J[..., 0] = np.exp(u1 - m)
    J[..., 1] = np.exp(u2 - m)
    J[..., 2] = np.exp(u3 - m)
    s = J[..., 0] + J[..., 1] + J[..., 2]
    pred = m + np.log(s)
    J[..., :3] /= s[..., None]  # softmax weights: ∂ log L̂ / ∂(a, b, e)
    J[..., 3] = -J[..., 0] * ln
    J[..., 4] = -J[..., 1] * ld
    return pred, J


def _objective(theta, ln, ld, logy, w, delta):
    pred, J = _model(theta, ln, ld)
    rho, psi = _huber(pred - logy, delta)
    return np.sum(w * rho, -1), np.einsum("...n,...np->...p", w * psi, J)


def _bounds() -> list[tuple[float | None, float | None]]:
    return [(None, None), (None, None), (None, None), (0.0, _EXP_MAX), (0.0, _EXP_MAX)]


def _lbfgsb(theta0, ln, ld, logy, w, delta):
    scale = 1.0 / (delta * max(float(w.sum()), 1.0))

    def f(t):
        v, g = _objective(t, ln, ld, logy, w, delta)
        if not np.isfinite(v):
            return 1e300, np.zeros(5)
        return float(v) * scale, g * scale

    res = optimize.minimize(f, theta0, jac=True, method="L-BFGS-B", bounds=_bounds(),
                            options={"ftol": 1e-15, "gtol": 1e-11, "maxiter": 5000, "maxcor": 30})
    return res.x, res.fun / scale


def _lm_batch(theta0, ln, ld, logy, W, delta, iters: int = 300):
    """Batched Levenberg–Marquardt on the IRLS system of the weighted Huber objective.

    ``theta0`` (m, 5) starts, ``W`` (m, n) weights per replicate.  α and β are kept in
    [0, _EXP_MAX] by projection.  Returns the optimised θ (m, 5) and objectives (m,).
    """
    th = np.array(theta0, float)
    m = th.shape[0]
    pred, J = _model(th, ln, ld)
    r = pred - logy
    obj = np.sum(W * _huber(r, delta)[0], -1)
    mu = np.full(m, 1e-3)
    active = np.ones(m, bool)
    eye = np.eye(5)
    for _ in range(iters):
        if not active.any():
            break
        idx = np.nonzero(active)[0]
        Ja, ra, Wa = J[idx], r[idx], W[idx]
        irls = Wa * np.where(np.abs(ra) <= delta, 1.0, delta / np.maximum(np.abs(ra), 1e-300))
        Jt = np.swapaxes(Ja, -1, -2)
        H = np.matmul(Jt * irls[:, None, :], Ja)
        g = np.matmul(Jt, (Wa * np.clip(ra, -delta, delta))[..., None])[..., 0]
        dH = np.maximum(np.einsum("mii->mi", H), 1e-300)
        step = -np.linalg.solve(H + mu[idx, None, None] * dH[:, :, None] * eye, g[..., None])[..., 0]
        cand = th[idx] + step
        cand[:, 3:] = np.clip(cand[:, 3:], 0.0, _EXP_MAX)
        cand[:, :3] = np.clip(cand[:, :3], -700.0, 700.0)  # e^a, e^b, e^e stay finite
        cpred, cJ = _model(cand, ln, ld)
        cr = cpred - logy
        cobj = np.sum(Wa * _huber(cr, delta)[0], -1)
        ok = np.isfinite(cobj) & (cobj <= obj[idx])
        small = np.max(np.abs(cand - th[idx]), 1) < 1e-10
        good = idx[ok]
        th[good], J[good], r[good], obj[good] = cand[ok], cJ[ok], cr[ok], cobj[ok]
        mu[idx] = np.where(ok, np.maximum(mu[idx] / 10.0, 1e-12), mu[idx] * 10.0)
        active[idx] = ~(small | (mu[idx] > 1e10))
    return th, obj


@dataclass(frozen=True)
class ComputeOptimal:
    """Compute-optimal allocation at budgets ``C``: N_opt, D_opt (each with intervals), and
    the exponents a, b of N_opt ∝ C^a, D_opt ∝ C^b (local slopes for a user FLOPs function)."""

    C: np.ndarray
    N_opt: np.ndarray
    N_opt_ci: tuple[np.ndarray, np.ndarray]
    D_opt: np.ndarray
    D_opt_ci: tuple[np.ndarray, np.ndarray]
    a: float
    a_ci: tuple[float, float]
    b: float
    b_ci: tuple[float, float]
    flops: str

    def to_dict(self) -> dict:
        return {"C": self.C.tolist(), "N_opt": self.N_opt.tolist(), "N_opt_ci": [v.tolist() for v in self.N_opt_ci],
                "D_opt": self.D_opt.tolist(), "D_opt_ci": [v.tolist() for v in self.D_opt_ci], "a": self.a,
                "a_ci": list(self.a_ci), "b": self.b, "b_ci": list(self.b_ci), "flops": self.flops}


def _opt_6nd(A, B, alpha, beta, C):
    """Closed form N_opt, D_opt for C = 6ND (Hoffmann et al. Eq. 4); broadcasts params × C."""
    A, B, alpha, beta = (np.asarray(v, float)[..., None] for v in (A, B, alpha, beta))
    s = alpha + beta
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        logG = (np.log(alpha * A) - np.log(beta * B)) / s
        lc = np.log(np.asarray(C, float) / 6.0)
        logN = logG + beta / s * lc
    return np.exp(logN), np.exp(lc - logN)


def _opt_numeric(A, B, alpha, beta, C, flops):
    """N_opt, D_opt for a user FLOPs function: minimise A N^−α + B D(N)^−β with f(N, D(N)) = C."""
    out_n, out_d = np.empty(len(C)), np.empty(len(C))
    for k, c in enumerate(C):
        def d_of(logn, c=c):
            g = lambda logd: math.log(flops(math.exp(logn), math.exp(logd))) - math.log(c)  # noqa: E731
            lo, hi = -50.0, 120.0
            if g(lo) > 0 or g(hi) < 0:
                return math.nan
            return optimize.brentq(g, lo, hi, xtol=1e-12)

        def loss(logn):
            ld = d_of(logn)
            if not np.isfinite(ld):
                return 1e300
            return A * math.exp(-alpha * logn) + B * math.exp(-beta * ld)

        n6, _ = _opt_6nd(A, B, alpha, beta, [c])
        x0 = math.log(float(n6[..., 0])) if np.isfinite(n6).all() and n6[..., 0] > 0 else math.log(c) / 2
        res = optimize.minimize_scalar(loss, bracket=(x0 - 2.0, x0 + 2.0), options={"xtol": 1e-10})
        out_n[k] = math.exp(res.x)
        out_d[k] = math.exp(d_of(res.x))
    return out_n, out_d


@dataclass(frozen=True)
class JointPowerLawFit:
    """Result of :func:`fit_joint_power_law`: L(N, D) = E + A·N^(−alpha) + B·D^(−beta).

    Each parameter has a ``*_ci`` bootstrap percentile interval at level ``ci`` (NaN when
    ``n_boot = 0``).  ``objective`` is the Huber loss Σ wᵢ Huber_δ(rᵢ) at the optimum;
    ``converged`` is the projected-gradient check; ``boot`` holds the (n_boot, 5) replicates
    of (A, B, E, alpha, beta).
    """

    A: float
    B: float
    E: float
    alpha: float
    beta: float
    A_ci: tuple[float, float]
    B_ci: tuple[float, float]
    E_ci: tuple[float, float]
    alpha_ci: tuple[float, float]
    beta_ci: tuple[float, float]
    huber_delta: float
    objective: float
    n_points: int
    n_starts: int
    n_boot: int
    ci: float
    converged: bool
    grad_norm: float
    rmsle: float
    boot: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.empty((0, 5)))

    def predict(self, N, D) -> np.ndarray:
        """E + A·N^(−α) + B·D^(−β) at ``N``, ``D`` (> 0, broadcast together)."""
        N = np.asarray(N, float)
        D = np.asarray(D, float)
        if not (np.all(np.isfinite(N)) and np.all(N > 0) and np.all(np.isfinite(D)) and np.all(D > 0)):
            raise ValueError("N and D must be finite and > 0")
        return self.E + self.A * N ** (-self.alpha) + self.B * D ** (-self.beta)

    def compute_optimal(self, C, flops: Callable[[float, float], float] | None = None) -> ComputeOptimal:
        """N_opt(C), D_opt(C) and the exponents a = β/(α+β), b = α/(α+β), with bootstrap intervals
        (NaN when the fit has no bootstrap replicates, ``n_boot = 0``).

        Parameters
        ----------
        C : compute budgets (FLOPs, > 0), scalar or 1-D.
        flops : ``f(N, D) -> FLOPs``; default C = 6ND (closed form, Hoffmann et al. Eq. 4).
            With a user function the allocation is found numerically and a, b are the local
            slopes d log N_opt / d log C between the smallest and largest budget (at a single
            budget, over a factor 10 around it).

        Returns
        -------
        ComputeOptimal

        Examples
        --------
        >>> fit.compute_optimal([1e21, 1e24]).a   # doctest: +SKIP
        """
        C = np.atleast_1d(np.asarray(C, float))
        if C.ndim != 1 or C.size == 0 or not np.all(np.isfinite(C)) or np.any(C <= 0):
            raise ValueError("C must be a non-empty 1-D array of finite budgets > 0")
        q = [(1 - self.ci) / 2 * 100, (1 + self.ci) / 2 * 100]
        bt = self.boot
        if flops is None:
            Nn, Dn = _opt_6nd(self.A, self.B, self.alpha, self.beta, C)
            Nn, Dn = Nn.ravel(), Dn.ravel()
            a, b = self.beta / (self.alpha + self.beta), self.alpha / (self.alpha + self.beta)
            if bt.shape[0]:
                Nb, Db = _opt_6nd(bt[:, 0], bt[:, 1], bt[:, 3], bt[:, 4], C)
                ab = bt[:, 4] / (bt[:, 3] + bt[:, 4])
                bb = bt[:, 3] / (bt[:, 3] + bt[:, 4])
            name = "6ND"
        else:
            if not callable(flops):
                raise ValueError("flops must be a callable f(N, D) -> FLOPs, or None for 6ND")
            Cs = C if C.size > 1 else np.array([C[0] / 10 ** 0.5, C[0], C[0] * 10 ** 0.5])
            Nn, Dn = _opt_numeric(self.A, self.B, self.alpha, self.beta, Cs, flops)
            sl = lambda v, c: float(np.polyfit(np.log(c), np.log(v), 1)[0])  # noqa: E731
            a, b = sl(Nn, Cs), sl(Dn, Cs)
            if bt.shape[0]:
                res = [_opt_numeric(p[0], p[1], p[3], p[4], Cs, flops) for p in bt]
                Nb = np.array([r[0] for r in res])
                Db = np.array([r[1] for r in res])
                ab = np.array([sl(v, Cs) for v in Nb])
                bb = np.array([sl(v, Cs) for v in Db])
            if C.size == 1:
                Nn, Dn = Nn[1:2], Dn[1:2]
                if bt.shape[0]:
                    Nb, Db = Nb[:, 1:2], Db[:, 1:2]
            name = getattr(flops, "__name__", "user")
        if bt.shape[0]:
            nci = tuple(np.nanpercentile(Nb, qq, axis=0) for qq in q)
            dci = tuple(np.nanpercentile(Db, qq, axis=0) for qq in q)
            pa, pb = np.nanpercentile(ab, q), np.nanpercentile(bb, q)
            aci, bci = (float(pa[0]), float(pa[1])), (float(pb[0]), float(pb[1]))
        else:
            nan = np.full(C.size, np.nan)
            nci = dci = (nan, nan)
            aci = bci = (math.nan, math.nan)
        return ComputeOptimal(C=C, N_opt=np.asarray(Nn), N_opt_ci=nci, D_opt=np.asarray(Dn), D_opt_ci=dci,
                              a=float(a), a_ci=aci, b=float(b), b_ci=bci, flops=name)

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "boot"}
        for k in _NAMES:
            d[f"{k}_ci"] = list(d[f"{k}_ci"])
        return d


def _check_inputs(N, D, loss, weights):
    arrs = {}
    for name, v in (("N", N), ("D", D), ("loss", loss)):
        try:
            a = np.asarray(v, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a numeric 1-D array") from None
        if a.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got shape {a.shape}")
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} must be finite (no NaN or inf)")
        if np.any(a <= 0):
            raise ValueError(f"{name} must be > 0 (logs are taken), got min {a.min():g}")
        arrs[name] = a
    n = arrs["loss"].size
    if arrs["N"].size != n or arrs["D"].size != n:
        raise ValueError(f"N, D and loss must have the same length, got {arrs['N'].size}, {arrs['D'].size}, {n}")
    if np.unique(arrs["N"]).size < 2 or np.unique(arrs["D"]).size < 2:
        raise ValueError("N and D must each take at least 2 distinct values")
    if n < 6:
        raise ValueError(f"loss must have at least 6 runs for a 5-parameter law, got {n}")
    if weights is None:
        w = np.ones(n)
    else:
        w = check_real_array(weights, "weights", lo=0.0)
        if w.shape != (n,) or w.sum() <= 0:
            raise ValueError(f"weights must be ({n},) finite, >= 0 and not all 0")
    return arrs["N"], arrs["D"], arrs["loss"], w


_MAX_STARTS = 10**6  # grid starts scored in one pass (each costs one evaluation over the runs)


def _check_grid(grid) -> dict[str, np.ndarray]:
    """The grid of initialisations: a dict with exactly the keys of HOFFMANN_GRID, each a non-empty 1-D
    array of finite numbers, at most _MAX_STARTS starts in all."""
    if grid is None:
        return {k: np.asarray(v, dtype=float) for k, v in HOFFMANN_GRID.items()}
    if not isinstance(grid, dict):
        raise TypeError(f"grid must be a dict with the keys {sorted(HOFFMANN_GRID)}, got {type(grid).__name__}")
    if set(grid) != set(HOFFMANN_GRID):
        raise ValueError(f"grid must have exactly the keys {sorted(HOFFMANN_GRID)}, got {sorted(map(str, grid))}")
    g = {k: check_real_array(np.atleast_1d(grid[k]) if np.ndim(grid[k]) == 0 else grid[k], f"grid[{k!r}]", ndim=1,
                             min_size=1) for k in HOFFMANN_GRID}
    n = math.prod(v.size for v in g.values())
    if n > _MAX_STARTS:
        raise ValueError(f"grid holds {n} starts; at most {_MAX_STARTS} are allowed")
    return g


def _linearised(th: np.ndarray, ln: np.ndarray, ld: np.ndarray, logy: np.ndarray, w: np.ndarray, ci: float,
                mN: float, mD: float, ly0: float) -> list[tuple[float, float]]:
    """Asymptotic intervals on (A, B, E, α, β) from the weighted least-squares covariance s²(JᵀWJ)⁺ at the
    optimum (J = ∂ log L̂/∂θ, s² = Σ w r²/(Σ w − 5)), t quantile; A, B, E symmetric in log, α, β clipped
    to [0, _EXP_MAX].  The Huber objective is approximated by least squares here (Seber & Wild 2003,
    Nonlinear Regression, §5.1): a rough guide, the bootstrap (``n_boot`` > 0) is the paper's interval.
    """
    with np.errstate(all="ignore"):
        pred, J = _model(th, ln, ld)
        r = pred - logy
        dof = max(float(w.sum()) - 5.0, 1.0)
        cov = float(np.sum(w * r * r)) / dof * np.linalg.pinv((J * w[:, None]).T @ J)
        t = float(special.stdtrit(dof, 0.5 + ci / 2.0))
        grads = np.array([[1, 0, 0, mN, 0], [0, 1, 0, 0, mD], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1]], float)
        centre = np.array([th[0] + th[3] * mN + ly0, th[1] + th[4] * mD + ly0, th[2] + ly0, th[3], th[4]])
        half = t * np.sqrt(np.maximum(np.einsum("ip,pq,iq->i", grads, cov, grads), 0.0))
        out = [(float(np.exp(c - h)), float(np.exp(c + h))) for c, h in zip(centre[:3], half[:3])]
        out += [(float(max(c - h, 0.0)), float(min(c + h, _EXP_MAX))) for c, h in zip(centre[3:], half[3:])]
    return out


def fit_joint_power_law(N, D, loss, *, weights=None, delta: float = 1e-3, n_boot: int = 1000, ci: float = 0.95,
                        grid: dict | None = None, n_polish: int = 16,
                        rng: np.random.Generator | int | None = None) -> JointPowerLawFit:
    """Fit L(N, D) = E + A·N^(−α) + B·D^(−β) by Huber loss on log residuals (Approach 3).

    Parameters
    ----------
    N, D : (n,) model sizes and training tokens (> 0), any units.
    loss : (n,) final losses (> 0).
    weights : (n,) non-negative run weights (default all 1).
    delta : Huber threshold on log residuals, > 0 (Hoffmann et al.: 1e−3).
    n_boot : case-bootstrap resamples over runs, integer in [0, 100000]; Besiroglu et al. use
        4000.  0: asymptotic intervals from the weighted least-squares covariance at the optimum
        instead (a rough guide: the Huber objective is approximated by least squares).
    ci : interval level in (0, 1).
    grid : initialisations {"alpha", "beta", "e", "a", "b"} in raw units, each a non-empty 1-D array
        of finite numbers, at most 10^6 starts in all (default :data:`HOFFMANN_GRID`, 4500
        starts).  All starts are scored in one vectorised pass and the best ``n_polish`` are run
        to convergence with L-BFGS-B.
    n_polish : number of grid starts run to convergence, integer in [1, number of grid starts].
    rng : None, an integer seed >= 0 or a Generator, for the bootstrap.

    Returns
    -------
    JointPowerLawFit

    References
    ----------
    Hoffmann et al. 2022, arXiv 2203.15556, §3.3 and Appendix D.2 (Eq. 2, the Huber/L-BFGS-B
    fit); Besiroglu et al. 2024, arXiv 2404.10102, §2–3 (the replication: 240 runs, 4000
    bootstrap resamples, A = 482.01, B = 2085.43, E = 1.8172, α = 0.3478, β = 0.3658).

    Examples
    --------
    >>> N = np.repeat(np.geomspace(1e7, 1e10, 8), 6); D = np.tile(np.geomspace(1e9, 1e12, 6), 8)
    >>> fit = fit_joint_power_law(N, D, 1.7 + 400 * N**-0.34 + 410 * D**-0.28, n_boot=0)
    >>> round(fit.alpha, 3), round(fit.beta, 3)
    (0.34, 0.28)
    """
    N, D, L, w = _check_inputs(N, D, loss, weights)
    delta = check_real(delta, "delta", lo=0.0, lo_open=True)
    n_boot, ci = check_boot(n_boot, ci)
    g = _check_grid(grid)
    n_starts = math.prod(v.size for v in g.values())
    n_polish = check_int(n_polish, "n_polish", lo=1, hi=n_starts)
    gen = as_rng(rng)

    mN, mD = float(np.log(N).mean()), float(np.log(D).mean())
    # losses in units of the nearest power of ten to their geometric mean: Hoffmann's grid is
    # written for losses of order 1, and the fit is then the same for L and 10^k·L
    ly0 = math.log(10.0) * round(float(np.log10(L).mean()))
    ln, ld, logy = np.log(N) - mN, np.log(D) - mD, np.log(L) - ly0
    # grid starts, moved to centred coordinates: a' = a − α·mean(log N)
    mesh = np.stack(np.meshgrid(g["a"], g["b"], g["e"], g["alpha"], g["beta"], indexing="ij"), -1).reshape(-1, 5)
    mesh = mesh.astype(float)
    mesh[:, 0] -= mesh[:, 3] * mN
    mesh[:, 1] -= mesh[:, 4] * mD
    mesh[:, 3:] = np.clip(mesh[:, 3:], 0.0, _EXP_MAX)
    vals = np.concatenate([_objective(mesh[s:s + 500], ln, ld, logy, w, delta)[0] for s in range(0, len(mesh), 500)])
    vals = np.where(np.isfinite(vals), vals, np.inf)
    starts = mesh[np.argsort(vals, kind="stable")[:n_polish]]
    # a few cheap LM steps on every chosen start, then L-BFGS-B on each
    starts, _ = _lm_batch(starts, ln, ld, logy, np.broadcast_to(w, (len(starts), w.size)), delta, iters=50)
    fits = [_lbfgsb(t0, ln, ld, logy, w, delta) for t0 in starts]
    th, fval = min(fits, key=lambda tf: tf[1])
    # final LM polish (same objective); keep it only if it does not worsen the optimum
    th2, f2 = _lm_batch(th[None], ln, ld, logy, w[None], delta, iters=200)
    if f2[0] <= fval:
        th, fval = th2[0], float(f2[0])
    _, gr = _objective(th, ln, ld, logy, w, delta)
    pg = gr.copy()
    pg[3:] = np.where(((th[3:] <= 0) & (gr[3:] > 0)) | ((th[3:] >= _EXP_MAX) & (gr[3:] < 0)), 0.0, gr[3:])
    gnorm = float(np.linalg.norm(pg))
    # natural scale of the gradient: Σ w δ·max|∂r/∂θ|
    scale = float(w.sum()) * delta * (1.0 + max(np.abs(ln).max(), np.abs(ld).max()))
    at_edge = bool(np.any(th[3:] <= 1e-8) or np.any(th[3:] >= _EXP_MAX - 1e-8))
    converged = bool(gnorm <= 1e-4 * scale) and not at_edge

    def raw(t):
        t = np.atleast_2d(t)
        return np.stack([np.exp(t[:, 0] + t[:, 3] * mN + ly0), np.exp(t[:, 1] + t[:, 4] * mD + ly0),
                         np.exp(t[:, 2] + ly0), t[:, 3], t[:, 4]], -1)

    point = raw(th)[0]
    boot = np.empty((0, 5))
    if n_boot > 0:
        n = L.size
        counts = np.zeros((n_boot, n))
        draws = gen.integers(0, n, size=(n_boot, n))
        np.add.at(counts, (np.repeat(np.arange(n_boot), n), draws.ravel()), 1.0)
        W = counts * w
        tb = []
        for s in range(0, n_boot, 500):
            t_s, _ = _lm_batch(np.repeat(th[None], min(500, n_boot - s), 0), ln, ld, logy, W[s:s + 500], delta)
            tb.append(t_s)
        boot = raw(np.concatenate(tb))
    q = [(1 - ci) / 2 * 100, (1 + ci) / 2 * 100]

    lin = _linearised(th, ln, ld, logy, w, ci, mN, mD, ly0) if n_boot == 0 else []

    def interval(j):
        if boot.shape[0] == 0:  # no resamples: the asymptotic interval
            return lin[j]
        lo, hi = np.percentile(boot[:, j], q)
        return (float(lo), float(hi))

    pred, _ = _model(th, ln, ld)
    return JointPowerLawFit(
        A=float(point[0]), B=float(point[1]), E=float(point[2]), alpha=float(point[3]), beta=float(point[4]),
        A_ci=interval(0), B_ci=interval(1), E_ci=interval(2), alpha_ci=interval(3), beta_ci=interval(4),
        huber_delta=float(delta), objective=float(fval), n_points=int(L.size), n_starts=int(len(mesh)),
        n_boot=int(n_boot), ci=float(ci), converged=converged, grad_norm=gnorm,
        rmsle=float(np.sqrt(np.mean((pred - logy) ** 2))), boot=boot)
