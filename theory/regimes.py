"""The four scaling regimes of Bahri, Dyer, Kaplan, Lee & Sharma (arXiv 2102.06701, PNAS 2024).

- variance-limited in data (D ≫ P): L(D) − L(D=∞) ∝ D^−1, α_D = 1 (Thm 1);
- variance-limited in model size (P ≫ D): ∝ P^−1 for linear / random-feature models, ∝ width^−1
  (≈ P^−1/2) for deep nets (Thm 1);
- resolution-limited in data (1 ≪ D ≪ P) and in model size (1 ≪ P ≪ D): α_D = α_P = α_K for a
  spectrum λ_i ∝ i^−(1+α_K) (eq. 3, the duality), or ≈ 4/d on a d-dimensional data manifold (§2.2).

The random-feature deterministic equivalent (reference note four_regimes.md §2.1, [derived] for
nsl, isotropic teacher w ~ N(0, I), Gaussian features, loss ℒ = (w − β)ᵀ diag λ (w − β), the
paper's L = ℒ/(2S)):

    κ_n solves Σ_i λ_i / (λ_i + κ_n) = n,      ℒ_∞(n) = n κ_n      (n = min(P, D))
    ℒ(P, D) ≈ ℒ_∞(min(P, D)) · max(P, D) / |P − D|               (symmetric in P ↔ D: duality)
    exact finite-size factor for Gaussian models: E ℒ = E ℒ_∞ · (max − 1)/(max − min − 1)

For λ_i = i^−(1+α): ℒ_∞(n) ≈ c_α n^−α with c_α = [π/((1+α) sin(π/(1+α)))]^(1+α).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nsl.theory.spectra import check_eigenvalues

__all__ = [
    "REGIMES", "RegimePrediction", "predict_regimes", "resolution_exponent_from_spectrum",
    "manifold_exponent", "variance_limited_exponent", "rf_kappa", "rf_limit_loss", "rf_loss",
    "finite_size_factor", "c_alpha", "rf_asymptote", "classify_regime", "duality_ratio",
]

REGIMES = ("variance-limited (data)", "variance-limited (model)", "resolution-limited (data)",
           "resolution-limited (model)")


def _pos(name: str, v, strict: bool = True) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {v!r}") from None
    if not math.isfinite(f) or (f <= 0 if strict else f < 0):
        raise ValueError(f"{name} must be finite and {'> 0' if strict else '>= 0'}, got {v!r}")
    return f


# --------------------------------------------------------------------------- exponents
def resolution_exponent_from_spectrum(alpha_K: float) -> float:
    """α_D = α_P = α_K for λ_i ∝ i^−(1+α_K) and an isotropic teacher (Bahri et al. eq. 3; duality)."""
    return _pos("alpha_K", alpha_K)


def manifold_exponent(d: float, n: int = 4) -> float:
    """α ≈ n/d on a d-dimensional data manifold (Bahri et al. §2.2: n = 4 for a piecewise-linear
    fit with an MSE-like loss, n >= 2 in general; the bound of Thms 2–3 is 1/d)."""
    d = _pos("d", d)
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    return n / d


def variance_limited_exponent(variable: str = "D", model: str = "linear") -> float:
    """α = 1 in D; in model size: 1 in P for linear / random-feature models, 1 in width and hence
    1/2 in parameter count P ∝ width² for deep nets (Bahri et al. Thm 1, §2.1)."""
    if variable not in ("D", "P", "width"):
        raise ValueError(f"variable must be 'D', 'P' or 'width', got {variable!r}")
    if model not in ("linear", "deep"):
        raise ValueError(f"model must be 'linear' or 'deep', got {model!r}")
    if variable == "P" and model == "deep":
        return 0.5
    return 1.0


@dataclass(frozen=True)
class RegimePrediction:
    """Predicted exponent in each regime; ``source`` says where the resolution-limited one comes from."""

    alpha_D_variance: float
    alpha_P_variance: float
    alpha_D_resolution: float
    alpha_P_resolution: float
    source: str
    model: str

    def to_dict(self) -> dict:
        return {"variance-limited (data)": self.alpha_D_variance,
                "variance-limited (model)": self.alpha_P_variance,
                "resolution-limited (data)": self.alpha_D_resolution,
                "resolution-limited (model)": self.alpha_P_resolution,
                "source": self.source, "model": self.model}


def predict_regimes(*, alpha_K: float | None = None, d: float | None = None, model: str = "linear") -> RegimePrediction:
    """The four predicted exponents from a spectrum exponent α_K or a manifold dimension d (one of them).

    ``model='linear'`` (kernel / random-feature): variance-limited 1 in D and P, resolution-limited α_K.
    ``model='deep'``: variance-limited 1 in D and 1/2 in P (1 in width), resolution-limited 4/d.
    """
    if (alpha_K is None) == (d is None):
        raise ValueError("give exactly one of alpha_K (spectrum exponent) or d (manifold dimension)")
    if model not in ("linear", "deep"):
        raise ValueError(f"model must be 'linear' or 'deep', got {model!r}")
    if alpha_K is not None:
        a = resolution_exponent_from_spectrum(alpha_K)
        src = f"spectrum: lambda_i ~ i^-(1+{a:g})"
    else:
        assert d is not None  # exactly one of alpha_K and d was given (checked above)
        a = manifold_exponent(d)
        src = f"manifold: 4/d with d = {float(d):g}"
    return RegimePrediction(variance_limited_exponent("D", model), variance_limited_exponent("P", model), a, a, src, model)


# ------------------------------------------------------------------ random-feature model
def rf_kappa(eigenvalues, n) -> np.ndarray:
    """κ_n > 0 solving Σ_i λ_i/(λ_i + κ_n) = n, vectorised over n in (0, S) (S = number of eigenvalues)."""
    from nsl.theory.learning_curves import solve_kappa

    lam = check_eigenvalues(eigenvalues)
    n = np.atleast_1d(np.asarray(n, dtype=float))
    if not np.all(np.isfinite(n)) or np.any(n <= 0) or np.any(n >= lam.size):
        raise ValueError(f"n must be in (0, S={lam.size}) (S = number of eigenvalues)")
    # Σ λ/(λ+κ) = n  <=>  Σ λ/(nλ + nκ) = 1: the ridgeless κ-equation at D = n with κ_BCP = n κ_n
    return solve_kappa(lam, n) / n


def rf_limit_loss(eigenvalues, n) -> np.ndarray:
    """ℒ_∞(n) = n κ_n: the D→∞ loss of n random features and the P→∞ loss of n samples (isotropic
    teacher, w ~ N(0, I)); equal to the ridgeless spectral learning curve at D = n with v = λ."""
    n = np.atleast_1d(np.asarray(n, dtype=float))
    return n * rf_kappa(eigenvalues, n)


def finite_size_factor(P, D, exact: bool = True) -> np.ndarray:
    """The variance factor multiplying ℒ_∞(min(P, D)): (max − 1)/(max − min − 1) (exact for Gaussian
    features and projections) or max/|P − D| (deterministic equivalent); inf where it diverges."""
    P = np.asarray(P, dtype=float)
    D = np.asarray(D, dtype=float)
    if np.any(~np.isfinite(P)) or np.any(P < 1) or np.any(~np.isfinite(D)) or np.any(D < 1):
        raise ValueError("P and D must be finite and >= 1")
    mx, mn = np.maximum(P, D), np.minimum(P, D)
    with np.errstate(divide="ignore"):
        if exact:
            den = mx - mn - 1
            return np.where(den > 0, (mx - 1) / np.where(den > 0, den, 1), np.inf)
        den = np.abs(P - D)
        return np.where(den > 0, mx / np.where(den > 0, den, 1), np.inf)


def rf_loss(eigenvalues, P, D, *, exact_factor: bool = True) -> np.ndarray:
    """Deterministic equivalent ℒ(P, D) ≈ ℒ_∞(min(P, D)) · factor(P, D) of the ridgeless random-feature
    model (isotropic teacher), broadcast over P and D; P and D at most S − 1 in the bottleneck.

    Symmetric in P ↔ D (duality) and infinite at the interpolation peak (|P − D| <= 1 exact, P = D
    otherwise).  Bahri et al. 2024 §2.3, App. E; reference note §2.1 [derived].
    """
    lam = check_eigenvalues(eigenvalues)
    P = np.asarray(P, dtype=float)
    D = np.asarray(D, dtype=float)
    if np.any(P > lam.size):
        raise ValueError(f"P must be <= S = {lam.size} (number of teacher features), got max {P.max():g}")
    fac = finite_size_factor(P, D, exact=exact_factor)
    n = np.minimum(P, D)
    if np.any(n >= lam.size):
        raise ValueError(f"min(P, D) must be < S = {lam.size}")
    un, inv = np.unique(n, return_inverse=True)
    lim = rf_limit_loss(lam, un)[inv].reshape(n.shape)
    return lim * fac


def c_alpha(alpha: float) -> float:
    """c_α = [π/((1+α) sin(π/(1+α)))]^(1+α), the constant of ℒ_∞(n) ≈ c_α n^−α for λ_i = i^−(1+α)
    (continuum limit of the κ equation; reference note §2.1.3 [derived])."""
    a = _pos("alpha", alpha)
    t = math.pi / (1 + a)
    return (t / math.sin(t)) ** (1 + a)


def rf_asymptote(n, alpha: float) -> np.ndarray:
    """c_α n^−α: the resolution-limited loss of the isotropic random-feature model for λ_i = i^−(1+α)."""
    n = np.asarray(n, dtype=float)
    if np.any(~np.isfinite(n)) or np.any(n <= 0):
        raise ValueError("n must be finite and > 0")
    return c_alpha(alpha) * n ** (-float(alpha))


# ------------------------------------------------------------------------- classification
def classify_regime(P, D, *, vary: str = "D", ratio: float = 5.0, S: int | None = None) -> np.ndarray:
    """Which regime a point (P, D) is in when ``vary`` ('D' or 'P') is scaled.

    With x the varied size and y the fixed one: x <= y/ratio → resolution-limited in x, x >= y·ratio →
    variance-limited in x, in between → 'crossover' (the predicted slopes do not hold there; Bahri et al.
    Limitations).  With S (the number of teacher features / modes) given, points with
    min(P, D) > S/5 are 'saturated' (the finite spectrum truncates the power law; note §7.6).
    Returns an array of strings of the broadcast shape.
    """
    if vary not in ("D", "P"):
        raise ValueError(f"vary must be 'D' or 'P', got {vary!r}")
    ratio = _pos("ratio", ratio)
    if ratio < 1:
        raise ValueError(f"ratio must be >= 1, got {ratio}")
    P = np.asarray(P, dtype=float)
    D = np.asarray(D, dtype=float)
    if np.any(~np.isfinite(P)) or np.any(P <= 0) or np.any(~np.isfinite(D)) or np.any(D <= 0):
        raise ValueError("P and D must be finite and > 0")
    x, y = (D, P) if vary == "D" else (P, D)
    tag = "data" if vary == "D" else "model"
    P, D = np.broadcast_arrays(P, D)
    x, y = np.broadcast_arrays(x, y)
    out = np.full(P.shape, "crossover", dtype=object)
    out[x * ratio <= y] = f"resolution-limited ({tag})"
    out[x >= y * ratio] = f"variance-limited ({tag})"
    if S is not None:
        if not isinstance(S, (int, np.integer)) or S < 1:
            raise ValueError(f"S must be an integer >= 1, got {S!r}")
        out[np.minimum(P, D) > S / 5] = "saturated"
    return out


def duality_ratio(loss_PD, loss_DP) -> np.ndarray:
    """L(P=a, D=b) / L(P=b, D=a): 1 under the duality (Bahri et al. §2.4)."""
    a = np.asarray(loss_PD, dtype=float)
    b = np.asarray(loss_DP, dtype=float)
    if a.shape != b.shape or np.any(~np.isfinite(a)) or np.any(~np.isfinite(b)) or np.any(a <= 0) or np.any(b <= 0):
        raise ValueError("loss_PD and loss_DP must be finite, > 0 and of equal shape")
    return a / b
