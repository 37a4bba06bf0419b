"""Spectral learning curves of kernel ridge regression.

The self-consistent ("omniscient", replica / deterministic-equivalent) theory of Bordelon,
Canatar & Pehlevan (ICML 2020; Nat. Commun. 2021) and Spigler, Geiger & Wyart (2020), used by
Bahri et al. (2024, App. E) for the resolution-limited regime.

Conventions (Canatar, Bordelon & Pehlevan, arXiv:2006.13198, Sec. 2; Bahri et al., arXiv:2102.06701, App. E):

- kernel eigenvalues η_k > 0 (k = 1..K), target power per mode v_k = η_k w̄_k² for
  f*(x) = Σ_k w̄_k √η_k φ_k(x) (so Σ_k v_k = E[f*²]);
- ridge λ in the convention (K + λ I) a = y for the *unnormalised* Gram matrix K (K_ab = k(x_a, x_b));
  code that solves (K/D + λ' I) a = y has λ = D·λ' (pass ``ridge`` as an array over D);
- label noise variance σ² (``noise``); E_g is the *excess* test error E[(f − f*)²] (add σ² for the
  noisy-label test MSE).

Equations::

    κ = λ + κ Σ_k η_k / (D η_k + κ)          (λ = 0: 1 = Σ_k η_k / (D η_k + κ), needs D < K)
    γ = Σ_k D η_k² / (D η_k + κ)²
    E_g = [Σ_k v_k κ² / (D η_k + κ)² + σ² γ] / (1 − γ)

Power laws η_k ∝ k^−b, v_k ∝ k^−a (b, a > 1), noiseless and ridgeless: E_g ∝ D^−min(a−1, 2b): the
unlearned tail Σ_{k>D} v_k ~ D^(1−a) sets it when a − 1 < 2b, the residual of the learned modes
~ D^−2b when a − 1 > 2b ("saturation").  Bahri's isotropic teacher, a = b = 1 + α_K, gives α_D = α_K.
Ridgeless with noise: E_g → σ²(b − 1) (γ → 1 − 1/b, a floor [derived]); a fixed ridge λ in the
(K + λI) convention leaves a slower power law, exponent min(a−1, 2b)/b once κ → λ; a fixed
per-sample ridge λ' (λ = Dλ') leaves the floor Σ_k v_k λ'²/(η_k + λ')².

Numerics: the sums over modes are evaluated exactly (to rounding) by binned Taylor series in
u = Dη/κ (``_ResolventSums``), so their cost does not grow with the number of modes once the
moments are built; κ is found by a safeguarded Newton iteration on all D at once.  Mode merging
(``compress_modes``) stays available as an option; ``method='direct'`` sums every mode.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nsl.theory.checks import check_boot, check_choice, check_int, check_real, check_real_array
from nsl.theory.spectra import check_eigenvalues

__all__ = [
    "LearningCurve", "learning_curve", "solve_kappa", "compress_modes",
    "AsymptoticExponent", "asymptotic_exponent", "noise_floor", "per_sample_ridge_floor",
    "learning_curve_exponent",
]


# ---------------------------------------------------------------------------------- helpers
def _check_D(D) -> np.ndarray:
    d = np.atleast_1d(check_real_array(D, "D"))
    if d.ndim != 1 or d.size == 0:
        raise ValueError(f"D must be a scalar or a non-empty 1-D array, got shape {np.shape(D)}")
    if np.any(d <= 0):
        raise ValueError("D must be finite and > 0")
    return d


def _check_nonneg(name: str, v, n: int) -> np.ndarray:
    a = check_real_array(v, name)
    if a.ndim > 1 or (a.ndim == 1 and a.size not in (1, n)):
        raise ValueError(f"{name} must be a scalar or an array of the same length as D ({n}), got shape {a.shape}")
    if np.any(a < 0):
        raise ValueError(f"{name} must be finite and >= 0, got {v!r}")
    return np.broadcast_to(a, (n,)).astype(float)


def _check_modes(eigenvalues, name: str = "eigenvalues") -> np.ndarray:
    """Eigenvalues as a flat float array in the caller's order (finite, > 0, non-empty; named errors)."""
    check_eigenvalues(eigenvalues, name)
    return np.asarray(eigenvalues, dtype=float).ravel()


def _check_weights(v, name: str, n: int, *, positive: bool = False) -> np.ndarray:
    """One finite weight per mode (>= 0, or > 0 with ``positive``), flattened, ``n`` of them."""
    a = check_real_array(v, name, lo=0.0, lo_open=positive).ravel()
    if a.size != n:
        raise ValueError(f"{name} must have the same length as eigenvalues ({n}), got {a.size}")
    return a


def compress_modes(eigenvalues, target_power, rtol: float = 1e-3):
    """Merge modes whose eigenvalues agree within ``rtol`` (relative) into one weighted mode.

    Returns (eta_count_mean, counts, eta_v_mean, v_sum): for the κ and γ sums each group is
    its count-weighted mean eigenvalue times its count, for the bias sum the v-weighted mean
    with the summed target power.  The first-order error cancels in both; what is left is
    O(rtol²) relative (a second-order Taylor term), e.g. ~1e−7 at rtol = 1e−3.  ``rtol=0``: no merging.

    Parameters
    ----------
    eigenvalues : array_like
        Kernel eigenvalues η_k > 0 (flattened).
    target_power : array_like
        Target power per mode v_k >= 0, same length.
    rtol : float, optional
        Relative width of a merged group, a finite number >= 0; 0 returns the modes unchanged.

    Returns
    -------
    tuple of numpy.ndarray
        (eta_count_mean, counts, eta_v_mean, v_sum), one entry per merged group; counts sum to
        the number of modes and v_sum to Σ_k v_k.

    References
    ----------
    Bordelon, B., Canatar, A. & Pehlevan, C. (2020). Spectrum dependent learning curves in kernel
    regression and wide neural networks. arXiv:2002.02561, Eqs. (7)-(9).
    Canatar, A., Bordelon, B. & Pehlevan, C. (2021). Spectral bias and task-model alignment explain
    generalization in kernel regression and infinitely wide neural networks. arXiv:2006.13198, Eqs. (4)-(6).
    The merging rule is derived here (a numerical device, not from the papers).

    Examples
    --------
    >>> import numpy as np
    >>> k = np.arange(1, 2001.0)
    >>> eta, cnt, eta_v, v = compress_modes(k ** -2, k ** -2, rtol=1e-2)
    >>> eta.size < 2000, float(cnt.sum()), bool(np.isclose(v.sum(), (k ** -2).sum()))
    (True, 2000.0, True)
    """
    eta = _check_modes(eigenvalues)
    v = _check_weights(target_power, "target_power", eta.size)
    rtol = check_real(rtol, "rtol", lo=0.0)
    if rtol == 0:
        return eta, np.ones_like(eta), eta, v
    key = np.floor(np.log(eta / eta.min()) / math.log1p(rtol)).astype(np.int64)
    order = np.argsort(-key, kind="stable")
    key, eta, v = key[order], eta[order], v[order]
    starts = np.concatenate([[0], np.nonzero(np.diff(key))[0] + 1])
    cnt = np.diff(np.concatenate([starts, [eta.size]])).astype(float)
    eta_c = np.add.reduceat(eta, starts) / cnt
    v_sum = np.add.reduceat(v, starts)
    ev = np.add.reduceat(v * eta, starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        eta_v = np.where(v_sum > 0, ev / np.where(v_sum > 0, v_sum, 1.0), eta_c)
    return eta_c, cnt, eta_v, v_sum


def _sums(eta, cnt, D, kappa, block: int = 1 << 22):
    """S1 = Σ c η/(Dη+κ), S2 = Σ c η/(Dη+κ)² for each D by direct summation (blocked over modes).

    The plain O(modes × D) evaluation, kept as the reference the series evaluation of
    :class:`_ResolventSums` is tested against (``method='direct'``).
    """
    nD = D.size
    s1 = np.zeros(nD)
    s2 = np.zeros(nD)
    step = max(1, block // max(nD, 1))
    for j in range(0, eta.size, step):
        e = eta[j:j + step]
        c = cnt[j:j + step]
        r = 1.0 / (D[:, None] * e[None, :] + kappa[:, None])
        t = r * (c * e)[None, :]
        s1 += t.sum(1)
        s2 += (t * r).sum(1)
    return s1, s2


class _ResolventSums:
    """Σ_k c_k f(η_k/z) for the four resolvent functions of u = η/z, many z at once, with no modes merged.

    f1 = u/(1+u), f2 = u/(1+u)², f3 = u²/(1+u)² (weights c) and f4 = 1/(1+u)² (weights v).
    Modes are grouped in narrow bins of log η (``bins_per_decade``); in a bin with centre η0,
    u = u0 (1 + δ) with u0 = η0/z and |δ| <= 10^(1/(2·bins_per_decade)) − 1 (3.7 % at 32 per
    decade).  With ρ = u0/(1+u0) and s = 1/(1+u0) every f is a power series in ρδ with
    coefficients that carry no cancellation, e.g. 1/(1+u) = s Σ (−ρδ)^n, so

        Σ_{k in bin} c_k f(u_k) = Σ_n a_n(ρ, s) M_n,   M_n = Σ_{k in bin} c_k δ_k^n,

    exact for every u0 (the pole u = −1 is at least 1/|δ| radii away), truncated where
    (n+1) |δ|^n < 1e-17, below double rounding.  The moments M_n are computed once (O(modes × P));
    each evaluation costs O(len(z) × bins × P), independent of the number of modes.
    """

    def __init__(self, eta: np.ndarray, cnt: np.ndarray, v: np.ndarray | None = None, *,
                 bins_per_decade: int = 32):
        eta = np.asarray(eta, dtype=float)
        cnt = np.asarray(cnt, dtype=float)
        if eta.size > 1 and not np.all(eta[:-1] >= eta[1:]):
            order = np.argsort(-eta, kind="stable")
            eta, cnt = eta[order], cnt[order]
            v = None if v is None else np.asarray(v, float)[order]
        dmax = 10.0 ** (0.5 / bins_per_decade) - 1.0
        P = 2
        while (P + 1) * dmax ** P >= 1e-17:
            P += 1
        self.P = P
        top = np.log10(eta[0])
        key = np.floor((top - np.log10(eta)) * bins_per_decade).astype(np.int64)
        starts = np.concatenate([[0], np.nonzero(np.diff(key))[0] + 1])
        kb = key[starts]
        self.eta0 = 10.0 ** (top - (kb + 0.5) / bins_per_decade)  # geometric bin centres
        delta = eta / np.repeat(self.eta0, np.diff(np.concatenate([starts, [eta.size]]))) - 1.0
        ones = bool(np.all(cnt == 1.0))
        same = v is None
        vv = cnt if same else np.asarray(v, dtype=float)
        self.Mc = np.empty((starts.size, P + 1))
        self.Mv = self.Mc if same else np.empty((starts.size, P + 1))
        pw = np.ones_like(eta)
        for n in range(P + 1):
            self.Mc[:, n] = np.add.reduceat(pw if ones else pw * cnt, starts)
            if not same:
                self.Mv[:, n] = np.add.reduceat(pw * vv, starts)
            pw *= delta

    def __call__(self, z: np.ndarray) -> np.ndarray:
        """(4, len(z)): Σ c f1, Σ c f2, Σ c f3 and Σ v f4 at u_k = η_k / z."""
        z = np.asarray(z, dtype=float)
        u0 = self.eta0[None, :] / z[:, None]  # (nz, nb)
        s = 1.0 / (1.0 + u0)
        rho = u0 * s
        P = self.P
        n = np.arange(P + 1, dtype=float)
        E = np.cumprod(np.concatenate([np.ones((*rho.shape, 1)), np.repeat(-rho[..., None], P, axis=-1)], axis=-1),
                       axis=-1)  # (nz, nb, P+1): (−ρ)^m
        Mc, Mv = self.Mc, self.Mv
        # f1 = ρ [M0 + s Σ_{n>=1} (−ρ)^(n−1) M_n]
        t1 = np.einsum("zbm,bm->zb", E[..., :P], Mc[:, 1:])
        f1 = rho * (Mc[:, 0] + s * t1)
        # f2 = ρ s [M0 + Σ_{n>=1} (−ρ)^(n−1) (n s − ρ) M_n]
        t2 = np.einsum("zbm,bm->zb", E[..., :P], Mc[:, 1:] * n[1:]) * s - rho * t1
        f2 = rho * s * (Mc[:, 0] + t2)
        # f3 = ρ² [M0 + 2 s M1 + s Σ_{n>=2} (−ρ)^(n−2) ((n−1) s − 2ρ) M_n]
        t3a = np.einsum("zbm,bm->zb", E[..., :P - 1], Mc[:, 2:] * (n[2:] - 1.0))
        t3b = np.einsum("zbm,bm->zb", E[..., :P - 1], Mc[:, 2:])
        f3 = rho * rho * (Mc[:, 0] + s * (2.0 * Mc[:, 1] + s * t3a - 2.0 * rho * t3b))
        # f4 = s² Σ_n (n+1) (−ρ)^n Mv_n
        f4 = s * s * np.einsum("zbm,bm->zb", E, Mv * (n + 1.0))
        return np.stack([f1.sum(1), f2.sum(1), f3.sum(1), f4.sum(1)])


class _DirectSums:
    """The same four sums as :class:`_ResolventSums` by direct summation over all modes (O(modes × z))."""

    def __init__(self, eta: np.ndarray, cnt: np.ndarray, v: np.ndarray | None = None, *, block: int = 1 << 22):
        self.eta = np.asarray(eta, dtype=float)
        self.cnt = np.asarray(cnt, dtype=float)
        self.v = self.cnt if v is None else np.asarray(v, dtype=float)
        self.block = block

    def __call__(self, z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=float)
        out = np.zeros((4, z.size))
        step = max(1, self.block // max(z.size, 1))
        for j in range(0, self.eta.size, step):
            u = self.eta[None, j:j + step] / z[:, None]
            r = 1.0 / (1.0 + u)
            f1 = u * r
            c = self.cnt[j:j + step]
            out[0] += f1 @ c
            out[1] += (f1 * r) @ c
            out[2] += (f1 * f1) @ c
            out[3] += (r * r) @ self.v[j:j + step]
        return out


_METHODS = ("series", "direct")


def _kappa_newton(sums, n_modes: float, trace: float, top: np.ndarray, D: np.ndarray, lam: np.ndarray,
                  rtol: float, max_iter: int) -> tuple[np.ndarray, np.ndarray]:
    """Safeguarded Newton in log κ on G(κ) = 1 − λ/κ − S1(κ), all D at once; returns κ and the sums at it.

    With z = κ/D and u_k = η_k/z: S1 = Σ c f1(u)/D and dG/dlog κ = λ/κ + Σ c f2(u)/D.  G rises
    monotonically from G(0+) < 0 to 1, so [max(λ, tiny), λ + Σ c η] brackets the root; a Newton
    step that leaves the current bracket is replaced by bisection in log κ.
    """
    hi = lam + trace * (1 + 1e-12) + 1e-300
    llo = np.log(np.where(lam > 0, lam, 1e-300))
    lhi = np.log(hi)
    # start near the mode whose index is D: κ ≈ λ + D η_(D) (the scaling for power laws)
    eta_sorted, cum = top
    pos = np.minimum(np.searchsorted(cum, D), eta_sorted.size - 1)
    x = np.clip(np.log(lam + D * eta_sorted[pos]), llo, lhi)
    kappa = np.empty(D.size)
    at = np.empty((4, D.size))
    todo = np.arange(D.size)
    for _ in range(max_iter):
        k = np.exp(x[todo])
        f = sums(k / D[todo])
        G = 1.0 - lam[todo] / k - f[0] / D[todo]
        dG = lam[todo] / k + f[1] / D[todo]
        llo[todo] = np.where(G < 0, x[todo], llo[todo])
        lhi[todo] = np.where(G > 0, x[todo], lhi[todo])
        with np.errstate(divide="ignore", invalid="ignore"):
            step = G / dG
        conv = (np.abs(step) <= rtol) | (G == 0)
        xn = x[todo] - np.where(conv, 0.0, step)
        bis = ~conv & (~np.isfinite(xn) | (xn <= llo[todo]) | (xn >= lhi[todo]))
        xn = np.where(bis, 0.5 * (llo[todo] + lhi[todo]), xn)
        done = todo[conv]
        kappa[done] = np.exp(x[done] - step[conv])
        at[:, done] = f[:, conv]
        x[todo] = xn
        todo = todo[~conv]
        if todo.size == 0:
            return kappa, at
    raise ValueError(f"solve_kappa did not converge in max_iter = {max_iter} iterations to rtol = {rtol:g} "
                     "(raise max_iter or rtol)")


def _prepare(eta: np.ndarray, cnt: np.ndarray, D: np.ndarray, lam: np.ndarray, modes: str = "eigenvalues"):
    n_modes = float(cnt.sum())
    bad = (lam == 0) & (D >= n_modes)
    if np.any(bad):
        raise ValueError(f"D must be < the number of non-zero modes ({n_modes:g}, from {modes}) for a ridgeless "
                         f"curve (ridge=0); got D up to {D[bad].max():g}: add a ridge or more modes")
    order = None if eta.size < 2 or np.all(eta[:-1] >= eta[1:]) else np.argsort(-eta, kind="stable")
    es = eta if order is None else eta[order]
    cs = cnt if order is None else cnt[order]
    return n_modes, float(np.dot(cnt, eta)), (es, np.cumsum(cs))


def _make_sums(method: str, eta, cnt, v=None):
    check_choice(method, "method", _METHODS)
    return _ResolventSums(eta, cnt, v) if method == "series" else _DirectSums(eta, cnt, v)


def solve_kappa(eigenvalues, D, *, ridge=0.0, counts=None, rtol: float = 1e-12, max_iter: int = 200,
                method: str = "series") -> np.ndarray:
    """κ(D) of the self-consistent equation κ = λ + κ Σ_k η_k/(Dη_k + κ), vectorised over D.

    Parameters
    ----------
    eigenvalues : array_like
        Kernel eigenvalues η_k, finite and > 0 (any order).
    D : float or array_like
        Sample sizes, > 0.  Ridgeless (λ = 0) needs D < Σ counts (the number of non-zero modes).
    ridge : float or array_like
        λ >= 0 in (K + λI) for the unnormalised Gram matrix; scalar or one per D.
    counts : array_like, optional
        Multiplicities of the eigenvalues (finite, > 0, one per eigenvalue; default 1).
    rtol : float
        Newton stops when the step in log κ is below ``rtol``, in (0, 0.1].
    max_iter : int
        Iteration cap, integer >= 1 (the bracket halves at least every other step); ValueError if
        κ has not converged by then.
    method : {'series', 'direct'}
        'series' (default): the sums Σ_k η_k/(Dη_k + κ) are evaluated mode by mode only near the
        resolution scale η ≈ κ/D and through convergent power series (truncated below double
        rounding) elsewhere, so 10^6 modes × 100 D take a fraction of a second with no modes
        merged; 'direct': plain summation over every mode (O(modes × D)), the reference.

    Returns
    -------
    numpy.ndarray
        κ for each D, relative accuracy about ``rtol``.

    References
    ----------
    Bordelon, Canatar & Pehlevan, arXiv:2002.02561, Eq. (7) (κ self-consistency); Canatar, Bordelon &
    Pehlevan, arXiv:2006.13198, Eq. (4); Bahri et al., arXiv:2102.06701, App. E.

    Examples
    --------
    >>> k = np.arange(1, 4001.0)
    >>> float(solve_kappa(k ** -2, 100.0)[0]) > 0
    True
    """
    if counts is None:
        eta = check_eigenvalues(eigenvalues)
        cnt = np.ones_like(eta)
    else:
        eta = _check_modes(eigenvalues)
        cnt = _check_weights(counts, "counts", eta.size, positive=True)
    D = _check_D(D)
    lam = _check_nonneg("ridge", ridge, D.size)
    rtol = check_real(rtol, "rtol", lo=0.0, hi=0.1, lo_open=True)
    max_iter = check_int(max_iter, "max_iter", lo=1)
    check_choice(method, "method", _METHODS)
    n_modes, trace, top = _prepare(eta, cnt, D, lam, "eigenvalues" if counts is None else "counts")
    kappa, _ = _kappa_newton(_make_sums(method, eta, cnt), n_modes, trace, top, D, lam, rtol, max_iter)
    return kappa


@dataclass(frozen=True)
class LearningCurve:
    """E_g(D) = bias + variance (excess test error, label noise not added), with κ and γ per D."""

    D: np.ndarray
    error: np.ndarray
    bias: np.ndarray
    variance: np.ndarray
    kappa: np.ndarray
    gamma: np.ndarray
    ridge: np.ndarray
    noise: float

    def to_dict(self) -> dict:
        return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in self.__dict__.items()}


def learning_curve(eigenvalues, target_power, D, *, ridge=0.0, noise: float = 0.0,
                   merge_rtol: float = 0.0, method: str = "series") -> LearningCurve:
    """Spectral learning curve of kernel ridge regression: κ, γ and E_g = bias + variance for each D.

    Parameters
    ----------
    eigenvalues : array_like
        Kernel eigenvalues η_k, finite and > 0.
    target_power : array_like
        v_k = η_k w̄_k² >= 0, same length.
    D : float or array_like
        Sample sizes (> 0).  Ridgeless curves need D < number of modes.
    ridge : float or array_like
        λ >= 0 in (K + λI) for the unnormalised Gram matrix; scalar or one per D.
    noise : float
        Label-noise variance σ² >= 0.
    merge_rtol : float
        0 (default): every mode kept (exact).  > 0: modes with eigenvalues within this relative
        tolerance are merged first (error O(merge_rtol²)); an option, no longer needed for speed.
    method : {'series', 'direct'}
        How the sums over modes are evaluated (see :func:`solve_kappa`); 'direct' is the plain
        O(modes × D) reference.

    Returns
    -------
    LearningCurve
        D, error (excess test error), bias, variance, kappa, gamma, ridge, noise.

    References
    ----------
    Bordelon, Canatar & Pehlevan, arXiv:2002.02561, Eqs. (7)-(9); Canatar, Bordelon & Pehlevan,
    arXiv:2006.13198, Eqs. (4)-(6); Bahri et al., arXiv:2102.06701, App. E (resolution-limited regime).

    Examples
    --------
    >>> k = np.arange(1, 4001.0)
    >>> round(float(learning_curve(k ** -2, k ** -2, 100).error[0]), 3)
    0.024
    """
    eta_raw = _check_modes(eigenvalues)  # door check (finite, > 0, non-empty)
    v_in = _check_weights(target_power, "target_power", eta_raw.size)
    if eta_raw.size > 1 and not np.all(eta_raw[:-1] >= eta_raw[1:]):
        order = np.argsort(-eta_raw, kind="stable")
        eta, v = eta_raw[order], v_in[order]
    else:
        eta, v = eta_raw, v_in
    D = _check_D(D)
    lam = _check_nonneg("ridge", ridge, D.size)
    noise = check_real(noise, "noise", lo=0.0)
    merge_rtol = check_real(merge_rtol, "merge_rtol", lo=0.0, hi=0.1)
    check_choice(method, "method", _METHODS)
    if merge_rtol:
        eta_c, cnt, eta_v, v_sum = compress_modes(eta, v, merge_rtol)
        n_modes, trace, top = _prepare(eta_c, cnt, D, lam)
        kappa, _ = _kappa_newton(_make_sums(method, eta_c, cnt), n_modes, trace, top, D, lam, 1e-12, 200)
        f = _make_sums(method, eta_c, cnt)(kappa / D)
        # the bias of a merged mode uses its v-weighted mean eigenvalue
        bias = _make_sums(method, eta_v, v_sum)(kappa / D)[3]
    else:
        cnt = np.ones_like(eta)
        n_modes, trace, top = _prepare(eta, cnt, D, lam)
        kappa, f = _kappa_newton(_make_sums(method, eta, cnt, v), n_modes, trace, top, D, lam, 1e-12, 200)
        bias = f[3]
    # γ = Σ D η²/(Dη+κ)² = Σ f3(u)/D ; bias = Σ v κ²/(Dη+κ)² = Σ v f4(u), u = Dη/κ
    gamma = f[2] / D
    one_m = 1.0 - gamma
    variance = noise * gamma / one_m
    bias = bias / one_m
    return LearningCurve(D=D, error=bias + variance, bias=bias, variance=variance, kappa=kappa, gamma=gamma,
                         ridge=lam, noise=float(noise))


# ------------------------------------------------------------------------------ asymptotics
@dataclass(frozen=True)
class AsymptoticExponent:
    """Large-D behaviour of E_g for η_k ∝ k^−b, v_k ∝ k^−a.

    ``exponent`` is None when the curve ends on a floor (``floor`` > 0 then gives its level).
    ``limited_by`` names the term that sets the exponent or the floor.
    """

    exponent: float | None
    limited_by: str
    floor: float
    b: float
    a: float
    note: str = ""

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def asymptotic_exponent(b: float, a: float, *, ridge: float = 0.0, noise: float = 0.0,
                        ridge_per_sample: bool = False) -> AsymptoticExponent:
    """E_g ∝ D^−min(a−1, 2b) for η_k ∝ k^−b, v_k ∝ k^−a (Spigler et al. 2020; Bordelon et al. 2020).

    ``ridge`` is λ in (K + λI) (``ridge_per_sample=True``: λ' in (K/D + λ'I), a floor).  Needs b > 1, a > 1,
    ridge >= 0, noise >= 0.  Ridgeless noise ends on the floor σ²(b−1) [derived, continuum];
    a fixed λ gives the exponent min(a−1, 2b)/b once κ reaches λ [derived].

    Parameters
    ----------
    b : float
        Eigenvalue decay exponent, η_k ∝ k^−b, b > 1.
    a : float
        Target-power decay exponent, v_k ∝ k^−a, a > 1.
    ridge : float, optional
        Ridge λ >= 0 (see above for the convention).
    noise : float, optional
        Label-noise variance σ² >= 0.
    ridge_per_sample : bool, optional
        Read ``ridge`` as the per-sample λ' of (K/D + λ'I).

    Returns
    -------
    AsymptoticExponent
        The exponent (None on a floor), the limiting term, the floor level, b, a and a note.

    Raises
    ------
    ValueError
        If an argument is out of range.

    References
    ----------
    Spigler, S., Geiger, M. & Wyart, M. (2020). Asymptotic learning curves of kernel methods: empirical
    data versus teacher-student paradigm. arXiv:1905.10843.
    Bordelon, B., Canatar, A. & Pehlevan, C. (2020). Spectrum dependent learning curves in kernel
    regression and wide neural networks. arXiv:2002.02561, Eqs. (7)-(9).
    Canatar, A., Bordelon, B. & Pehlevan, C. (2021). Spectral bias and task-model alignment explain
    generalization in kernel regression and infinitely wide neural networks. arXiv:2006.13198, Eqs. (4)-(6).
    Bahri, Y., Dyer, E., Kaplan, J., Lee, J. & Sharma, U. (2024). Explaining neural scaling laws.
    arXiv:2102.06701, App. E (resolution-limited regime). (α_D = α_K for the isotropic teacher a = b = 1 + α_K).
    The noise floor and the fixed-ridge exponent are derived here.

    Examples
    --------
    >>> asymptotic_exponent(1.5, 3.0).exponent  # tail-limited: a - 1
    2.0
    >>> asymptotic_exponent(2.0, 6.0).exponent  # saturated: 2b
    4.0
    >>> asymptotic_exponent(2.0, 2.0, noise=0.1).exponent is None
    True
    """
    b = check_real(b, "b", lo=1.0, lo_open=True)  # eigenvalue decay exponent
    a = check_real(a, "a", lo=1.0, lo_open=True)  # target-power decay exponent
    ridge = check_real(ridge, "ridge", lo=0.0)
    noise = check_real(noise, "noise", lo=0.0)
    tail, sat = a - 1.0, 2.0 * b
    base = min(tail, sat)
    term = ("unlearned tail Σ_{k>D} v_k ~ D^(1−a)" if tail < sat else
            "learned-mode residual Σ_{k<D} v_k (κ/Dη_k)² ~ D^−2b (saturation)" if tail > sat else
            "tail and learned-mode residual (equal, log correction)")
    if ridge > 0 and ridge_per_sample:
        return AsymptoticExponent(None, "per-sample ridge floor Σ v_k λ'²/(η_k+λ')²", math.nan, b, a,
                                  "a fixed per-sample ridge leaves a floor; its level needs the spectrum: "
                                  "per_sample_ridge_floor()")
    if noise > 0 and ridge == 0:
        return AsymptoticExponent(None, "label-noise floor σ²γ/(1−γ), γ → 1 − 1/b", noise_floor(b, noise), b, a,
                                  "ridgeless interpolation of noisy labels: the excess error tends to σ²(b−1)")
    if ridge > 0:
        return AsymptoticExponent(base / b, "ridge (κ → λ): " + term, 0.0, b, a,
                                  f"for D below the crossover where κ_ridgeless(D) ~ λ the exponent is {base:g}")
    return AsymptoticExponent(base, term, 0.0, b, a)


def noise_floor(b: float, noise: float) -> float:
    """Ridgeless large-D excess error σ²γ/(1−γ) = σ²(b − 1) for η_k ∝ k^−b [derived: γ → 1 − 1/b in the continuum].

    Parameters
    ----------
    b : float
        Eigenvalue decay exponent, b > 1.
    noise : float
        Label-noise variance σ² >= 0.

    Returns
    -------
    float
        σ²(b − 1), the D → ∞ limit of the ridgeless excess test error.

    Raises
    ------
    ValueError
        If ``b`` <= 1 or ``noise`` < 0.

    References
    ----------
    Canatar, A., Bordelon, B. & Pehlevan, C. (2021). Spectral bias and task-model alignment explain
    generalization in kernel regression and infinitely wide neural networks. arXiv:2006.13198, Eqs. (4)-(6). (the σ²γ/(1−γ) noise term); the continuum limit γ → 1 − 1/b is derived here.

    Examples
    --------
    >>> round(noise_floor(2.0, 0.1), 12)
    0.1
    """
    b = check_real(b, "b", lo=1.0, lo_open=True)
    noise = check_real(noise, "noise", lo=0.0)
    return float(noise * (b - 1.0))


def per_sample_ridge_floor(eigenvalues, target_power, ridge_per_sample: float) -> float:
    """D → ∞ limit Σ_k v_k λ'²/(η_k + λ')² of E_g for a fixed per-sample ridge λ' ((K/D + λ'I) convention).

    Parameters
    ----------
    eigenvalues : array_like
        Kernel eigenvalues η_k > 0.
    target_power : array_like
        Target power per mode v_k >= 0, same length.
    ridge_per_sample : float
        Per-sample ridge λ' > 0.

    Returns
    -------
    float
        The floor Σ_k v_k λ'²/(η_k + λ')².

    Raises
    ------
    ValueError
        If the arrays are malformed or ``ridge_per_sample`` <= 0.

    References
    ----------
    Canatar, A., Bordelon, B. & Pehlevan, C. (2021). Spectral bias and task-model alignment explain
    generalization in kernel regression and infinitely wide neural networks. arXiv:2006.13198, Eqs. (4)-(6). (κ → Dλ' as D → ∞ in its Eqs. (4)-(6)); the limit is derived here.

    Examples
    --------
    >>> round(per_sample_ridge_floor([1.0, 0.1], [1.0, 1.0], 0.1), 6)  # (1/11)² + 1/4
    0.258264
    """
    eta = _check_modes(eigenvalues)
    v = _check_weights(target_power, "target_power", eta.size)
    lp = check_real(ridge_per_sample, "ridge_per_sample", lo=0.0, lo_open=True)
    r = lp / (eta + lp)  # in (0, 1]: no overflow for a huge ridge
    return float(np.sum(v * r * r))


def learning_curve_exponent(eigenvalues, target_power, D, *, ridge=0.0, noise: float = 0.0, n_boot: int = 0,
                            rng: np.random.Generator | int | None = None):
    """Fit E_g(D) ∝ D^−α on the theory curve over the given D values (a pure power law, no offset).

    Evaluate the learning-curve equations on the measured spectrum and fit, rather than min(a−1, 2b) from two separate fits.
    Returns the :class:`nsl.theory.fitting.PowerLawFit`.

    Parameters
    ----------
    eigenvalues : array_like
        Kernel eigenvalues η_k > 0.
    target_power : array_like
        Target power per mode v_k >= 0, same length.
    D : array_like
        Sample counts to evaluate and fit over.
    ridge : float or array_like, optional
        Ridge λ in the (K + λI) convention (scalar or one per D).
    noise : float, optional
        Label-noise variance σ².
    n_boot : int, optional
        Bootstrap resamples for the interval, integer in [0, 100000] (0: the asymptotic interval).
    rng : None, int or numpy.random.Generator, optional
        Seed (>= 0) or Generator for the bootstrap.

    Returns
    -------
    PowerLawFit
        The fitted exponent ``alpha`` (E_g ∝ D^−alpha) and its amplitude.

    Raises
    ------
    ValueError
        On bad arguments (``D`` needs at least 4 distinct values), and when the curve over ``D`` is
        not a decaying power law (flat or rising: e.g. a ``noise`` or ``ridge`` floor dominates), whose
        exponent is not defined.

    References
    ----------
    Bordelon, B., Canatar, A. & Pehlevan, C. (2020). Spectrum dependent learning curves in kernel
    regression and wide neural networks. arXiv:2002.02561, Eqs. (7)-(9).
    Canatar, A., Bordelon, B. & Pehlevan, C. (2021). Spectral bias and task-model alignment explain
    generalization in kernel regression and infinitely wide neural networks. arXiv:2006.13198, Eqs. (4)-(6).
    Bahri, Y., Dyer, E., Kaplan, J., Lee, J. & Sharma, U. (2024). Explaining neural scaling laws.
    arXiv:2102.06701, App. E (resolution-limited regime).

    Examples
    --------
    >>> import numpy as np
    >>> k = np.arange(1, 4001.0)
    >>> round(learning_curve_exponent(k ** -1.5, k ** -3.0, [25, 50, 100, 200]).alpha, 1)  # min(a-1, 2b)
    2.0
    """
    from nsl.theory.fitting import fit_power_law

    d = _check_D(D)
    if np.unique(d).size < 4:
        raise ValueError(f"D must hold at least 4 distinct sample sizes for a fit, got {np.unique(d).size}")
    n_boot, _ = check_boot(n_boot, 0.95)
    lc = learning_curve(eigenvalues, target_power, d, ridge=ridge, noise=noise)
    fit = fit_power_law(lc.D, lc.error, offset=False, n_boot=n_boot, rng=rng)
    if fit.message:  # flat or rising: no exponent (the fit's interval would be (0, inf))
        raise ValueError(f"the learning curve over D in [{d.min():g}, {d.max():g}] is not a decaying power law "
                         f"({fit.message}); a noise = {noise!r} or ridge floor may dominate it")
    return fit
