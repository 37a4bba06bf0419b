"""Spectral learning curves of kernel ridge regression.

The self-consistent ("omniscient", replica / deterministic-equivalent) theory of Bordelon,
Canatar & Pehlevan (ICML 2020; Nat. Commun. 2021) and Spigler, Geiger & Wyart (2020), used by
Bahri et al. (2024, App. E) for the resolution-limited regime.

Conventions (reference note four_regimes.md §3):

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
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nsl.theory.spectra import check_eigenvalues

__all__ = [
    "LearningCurve", "learning_curve", "solve_kappa", "compress_modes",
    "AsymptoticExponent", "asymptotic_exponent", "noise_floor", "per_sample_ridge_floor",
    "learning_curve_exponent",
]


# ---------------------------------------------------------------------------------- helpers
def _check_D(D) -> np.ndarray:
    try:
        d = np.atleast_1d(np.asarray(D, dtype=float))
    except (TypeError, ValueError):
        raise ValueError("D must be numeric") from None
    if d.ndim != 1 or d.size == 0:
        raise ValueError(f"D must be a scalar or a non-empty 1-D array, got shape {np.shape(D)}")
    if not np.all(np.isfinite(d)) or np.any(d <= 0):
        raise ValueError("D must be finite and > 0")
    return d


def _check_nonneg(name: str, v, n: int) -> np.ndarray:
    try:
        a = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numeric") from None
    if a.ndim > 1 or (a.ndim == 1 and a.size not in (1, n)):
        raise ValueError(f"{name} must be a scalar or an array of the same length as D ({n}), got shape {a.shape}")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError(f"{name} must be finite and >= 0, got {v!r}")
    return np.broadcast_to(a, (n,)).astype(float)


def compress_modes(eigenvalues, target_power, rtol: float = 1e-3):
    """Merge modes whose eigenvalues agree within ``rtol`` (relative) into one weighted mode.

    Returns (eta_count_mean, counts, eta_v_mean, v_sum): for the κ and γ sums each group is
    its count-weighted mean eigenvalue times its count, for the bias sum the v-weighted mean
    with the summed target power.  The first-order error cancels in both; what is left is
    O(rtol²) relative (a second-order Taylor term), e.g. ~1e−7 at rtol = 1e−3.  ``rtol=0``: no merging.
    """
    eta = np.asarray(eigenvalues, dtype=float)
    v = np.asarray(target_power, dtype=float)
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
    """S1 = Σ c η/(Dη+κ), S2 = Σ c η/(Dη+κ)² for each D (vectorised, blocked over modes)."""
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


def solve_kappa(eigenvalues, D, *, ridge=0.0, counts=None, rtol: float = 1e-12, max_iter: int = 200) -> np.ndarray:
    """κ(D) of the self-consistent equation κ = λ + κ Σ_k η_k/(Dη_k + κ), vectorised over D.

    Safeguarded Newton in log κ on G(κ) = 1 − λ/κ − Σ_k η_k/(Dη_k + κ), which increases
    monotonically from G(0+) < 0 to 1; the root is bracketed in [max(λ, tiny), λ + Σ_k η_k].
    ``counts`` are multiplicities of the eigenvalues (default 1).  Ridgeless (λ = 0) needs
    D < Σ counts (the number of non-zero modes).
    """
    eta = check_eigenvalues(eigenvalues) if counts is None else np.asarray(eigenvalues, dtype=float)
    cnt = np.ones_like(eta) if counts is None else np.asarray(counts, dtype=float)
    D = _check_D(D)
    lam = _check_nonneg("ridge", ridge, D.size)
    K = float(cnt.sum())
    bad = (lam == 0) & (D >= K)
    if np.any(bad):
        raise ValueError(f"D must be < the number of non-zero modes ({K:g}) for a ridgeless curve (ridge=0); "
                         f"got D up to {D[bad].max():g}: add a ridge or more modes")
    tr = float(np.dot(cnt, eta))
    hi = lam + tr * (1 + 1e-12) + 1e-300
    lo = np.where(lam > 0, lam, 1e-300)
    llo, lhi = np.log(lo), np.full(D.size, np.log(hi)) if np.ndim(hi) == 0 else np.log(hi)
    # start near the mode whose index is D: κ ≈ λ + D η_(D) (exact scaling for power laws)
    order = np.argsort(eta)[::-1]
    cum = np.cumsum(cnt[order])
    pos = np.minimum(np.searchsorted(cum, D), eta.size - 1)
    x = np.log(lam + D * eta[order][pos])
    x = np.clip(x, llo, lhi)
    done = np.zeros(D.size, bool)
    for _ in range(max_iter):
        k = np.exp(x)
        s1, s2 = _sums(eta, cnt, D, k)
        G = 1.0 - lam / k - s1
        # dG/dlogκ = λ/κ + κ S2
        dG = lam / k + k * s2
        llo = np.where(G < 0, x, llo)
        lhi = np.where(G > 0, x, lhi)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = G / dG
        conv = (np.abs(step) <= rtol) | (G == 0)
        xn = x - step
        bis = ~conv & (~np.isfinite(xn) | (xn <= llo) | (xn >= lhi))
        xn = np.where(bis, 0.5 * (llo + lhi), xn)
        x = np.where(done, x, xn)
        done |= conv
        if np.all(done):
            break
    else:  # pragma: no cover - the bracket halves every step
        raise RuntimeError("solve_kappa did not converge")
    return np.exp(x)


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
                   merge_rtol: float = 1e-3) -> LearningCurve:
    """Spectral learning curve of kernel ridge regression (Bordelon, Canatar & Pehlevan 2020, eqs. for κ, γ, E_g).

    Parameters
    ----------
    eigenvalues : kernel eigenvalues η_k, finite and > 0.
    target_power : v_k = η_k w̄_k² >= 0, same length.
    D : sample sizes (scalar or 1-D array, > 0).  Ridgeless curves need D < number of modes.
    ridge : λ >= 0 in (K + λI) for the unnormalised Gram matrix; scalar or one per D.
    noise : label-noise variance σ² >= 0.
    merge_rtol : modes with eigenvalues within this relative tolerance are merged (error O(merge_rtol²);
        0 = exact).  Makes 10^6 modes × 100 D values a sub-second solve.
    """
    eta = check_eigenvalues(eigenvalues)
    try:
        v_in = np.asarray(target_power, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError("target_power must be numeric") from None
    eta_raw = np.asarray(eigenvalues, dtype=float).ravel()
    if v_in.shape != eta_raw.shape:
        raise ValueError(f"target_power must have the same length as eigenvalues ({eta_raw.size}), got {v_in.size}")
    if not np.all(np.isfinite(v_in)) or np.any(v_in < 0):
        raise ValueError("target_power must be finite and >= 0")
    v = v_in[np.argsort(eta_raw, kind="stable")[::-1]]
    D = _check_D(D)
    lam = _check_nonneg("ridge", ridge, D.size)
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be finite and >= 0, got {noise!r}")
    if not (np.isfinite(merge_rtol) and 0 <= merge_rtol <= 0.1):
        raise ValueError(f"merge_rtol must be in [0, 0.1], got {merge_rtol!r}")
    eta_c, cnt, eta_v, v_sum = compress_modes(eta, v, merge_rtol)
    kappa = solve_kappa(eta_c, D, ridge=lam, counts=cnt) if merge_rtol else solve_kappa(eta, D, ridge=lam)
    # γ = Σ c D η²/(Dη+κ)² ; bias = Σ v κ²/(Dη_v+κ)²
    gamma = np.zeros(D.size)
    bias = np.zeros(D.size)
    step = max(1, (1 << 22) // D.size)
    for j in range(0, eta_c.size, step):
        e, c = eta_c[j:j + step], cnt[j:j + step]
        r = 1.0 / (D[:, None] * e[None, :] + kappa[:, None])
        gamma += ((c * e * e)[None, :] * r * r).sum(1) * D
        rv = kappa[:, None] / (D[:, None] * eta_v[j:j + step][None, :] + kappa[:, None])
        bias += (v_sum[j:j + step][None, :] * rv * rv).sum(1)
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
    """
    if not (np.isfinite(b) and b > 1):
        raise ValueError(f"b (eigenvalue decay exponent) must be > 1, got {b!r}")
    if not (np.isfinite(a) and a > 1):
        raise ValueError(f"a (target-power decay exponent) must be > 1, got {a!r}")
    if not (np.isfinite(ridge) and ridge >= 0):
        raise ValueError(f"ridge must be finite and >= 0, got {ridge!r}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be finite and >= 0, got {noise!r}")
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
    """Ridgeless large-D excess error σ²γ/(1−γ) = σ²(b − 1) for η_k ∝ k^−b [derived: γ → 1 − 1/b in the continuum]."""
    if not (np.isfinite(b) and b > 1):
        raise ValueError(f"b must be > 1, got {b!r}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be finite and >= 0, got {noise!r}")
    return float(noise * (b - 1.0))


def per_sample_ridge_floor(eigenvalues, target_power, ridge_per_sample: float) -> float:
    """D → ∞ limit Σ_k v_k λ'²/(η_k + λ')² of E_g for a fixed per-sample ridge λ' ((K/D + λ'I) convention)."""
    eta = np.asarray(eigenvalues, dtype=float)
    check_eigenvalues(eta)
    v = np.asarray(target_power, dtype=float)
    if v.shape != eta.shape or not np.all(np.isfinite(v)) or np.any(v < 0):
        raise ValueError("target_power must be finite, >= 0 and match eigenvalues in length")
    if not (np.isfinite(ridge_per_sample) and ridge_per_sample > 0):
        raise ValueError(f"ridge_per_sample must be > 0, got {ridge_per_sample!r}")
    lp = float(ridge_per_sample)
    return float(np.sum(v * lp * lp / (eta + lp) ** 2))


def learning_curve_exponent(eigenvalues, target_power, D, *, ridge=0.0, noise: float = 0.0, n_boot: int = 0):
    """Fit E_g(D) ∝ D^−α on the theory curve over the given D values (a pure power law, no offset).

    The "better" route of the reference note §3: evaluate the learning-curve equations on the
    measured spectrum and fit, rather than min(a−1, 2b) from two separate fits.
    Returns the :class:`nsl.theory.fitting.PowerLawFit`.
    """
    from nsl.theory.fitting import fit_power_law

    lc = learning_curve(eigenvalues, target_power, D, ridge=ridge, noise=noise)
    return fit_power_law(lc.D, lc.error, offset=False, n_boot=n_boot)
