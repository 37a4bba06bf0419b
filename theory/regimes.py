"""The four scaling regimes of Bahri, Dyer, Kaplan, Lee & Sharma (arXiv 2102.06701, PNAS 2024).

- variance-limited in data (D ≫ P): L(D) − L(D=∞) ∝ D^−1, α_D = 1 (Thm 1);
- variance-limited in model size (P ≫ D): ∝ P^−1 for linear / random-feature models, ∝ width^−1
  (≈ P^−1/2) for deep nets (Thm 1);
- resolution-limited in data (1 ≪ D ≪ P) and in model size (1 ≪ P ≪ D): α_D = α_P = α_K for a
  spectrum λ_i ∝ i^−(1+α_K) (eq. 3, the duality), or ≈ 4/d on a d-dimensional data manifold (§2.2).

The random-feature deterministic equivalent (derived for nsl from the ridgeless κ equation of
Bordelon, Canatar & Pehlevan 2020, arXiv 2002.02561, used in Bahri et al. App. E; isotropic
teacher w ~ N(0, I), Gaussian features, loss ℒ = (w − β)ᵀ diag λ (w − β), the
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

from nsl.theory.checks import check_broadcast, check_choice, check_real_array
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


def _sizes(name: str, v, lo: float, lo_open: bool) -> np.ndarray:
    """Sizes (scalar or array, non-empty), finite and > lo (``lo_open``) or >= lo, as a float array."""
    a = check_real_array(v, name, min_size=1)
    if np.any(a <= lo) if lo_open else np.any(a < lo):
        raise ValueError(f"{name} must be finite and {'>' if lo_open else '>='} {lo:g}, got min {a.min():g}")
    return a


def _check_n(eigenvalues, n) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (descending) and sizes n in (0, S), a scalar or a non-empty 1-D array."""
    lam = check_eigenvalues(eigenvalues)
    n = np.atleast_1d(check_real_array(n, "n", min_size=1))
    if n.ndim != 1:
        raise ValueError(f"n must be a scalar or a 1-D array, got shape {n.shape}")
    if np.any(n <= 0) or np.any(n >= lam.size):
        raise ValueError(f"n must be in (0, S={lam.size}) (S = number of eigenvalues)")
    return lam, n


# --------------------------------------------------------------------------- exponents
def resolution_exponent_from_spectrum(alpha_K: float) -> float:
    """α_D = α_P = α_K for λ_i ∝ i^−(1+α_K) and an isotropic teacher (Bahri et al. eq. 3; duality).

    Parameters
    ----------
    alpha_K : spectrum exponent α_K > 0 (λ_i ∝ i^−(1+α_K)).

    Returns
    -------
    float
        α_D = α_P = α_K.

    References
    ----------
    Bahri, Dyer, Kaplan, Lee & Sharma 2024, "Explaining Neural Scaling Laws", arXiv 2102.06701,
    Eq. 3 and §2.4 (the duality α_D = α_P).

    Examples
    --------
    >>> resolution_exponent_from_spectrum(0.7)
    0.7
    """
    return _pos("alpha_K", alpha_K)


def manifold_exponent(d: float, n: int = 4) -> float:
    """α ≈ n/d on a d-dimensional data manifold (Bahri et al. §2.2: n = 4 for a piecewise-linear
    fit with an MSE-like loss, n >= 2 in general; the bound of Thms 2–3 is 1/d).

    Parameters
    ----------
    d : intrinsic dimension of the data manifold, > 0.
    n : order of the approximation, integer >= 1 (4: piecewise-linear fit, MSE-like loss).

    Returns
    -------
    float
        The predicted resolution-limited exponent n/d.

    References
    ----------
    Bahri, Dyer, Kaplan, Lee & Sharma 2024, "Explaining Neural Scaling Laws", arXiv 2102.06701,
    §2.2 and Fig. 1b (4/α_D = d for teacher–student models).

    Examples
    --------
    >>> manifold_exponent(8)
    0.5
    """
    d = _pos("d", d)
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    return n / d


def variance_limited_exponent(variable: str = "D", model: str = "linear") -> float:
    """α = 1 in D; in model size: 1 in P for linear / random-feature models, 1 in width and hence
    1/2 in parameter count P ∝ width² for deep nets (Bahri et al. Thm 1, §2.1).

    Parameters
    ----------
    variable : 'D' (data), 'P' (parameter count) or 'width'.
    model : 'linear' (linear / random-feature / kernel) or 'deep'.

    Returns
    -------
    float
        1.0, or 0.5 for ``variable='P'`` in a deep net.

    References
    ----------
    Bahri, Dyer, Kaplan, Lee & Sharma 2024, "Explaining Neural Scaling Laws", arXiv 2102.06701,
    Theorem 1 and §2.1.

    Examples
    --------
    >>> variance_limited_exponent("D"), variance_limited_exponent("P", "deep")
    (1.0, 0.5)
    """
    check_choice(variable, "variable", ("D", "P", "width"))
    check_choice(model, "model", ("linear", "deep"))
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

    Parameters
    ----------
    alpha_K : spectrum exponent α_K > 0, or None.
    d : manifold dimension d > 0, or None (exactly one of ``alpha_K`` and ``d``).
    model : 'linear' or 'deep'.

    Returns
    -------
    RegimePrediction
        The four exponents, with ``source`` naming where the resolution-limited one came from.

    References
    ----------
    Bahri, Dyer, Kaplan, Lee & Sharma 2024, "Explaining Neural Scaling Laws", arXiv 2102.06701,
    Theorem 1 (variance-limited), Eq. 3 (resolution-limited from the spectrum) and §2.2
    (resolution-limited from the manifold dimension).

    Examples
    --------
    >>> p = predict_regimes(d=8, model="deep")
    >>> p.alpha_D_variance, p.alpha_P_variance, p.alpha_D_resolution
    (1.0, 0.5, 0.5)
    """
    if (alpha_K is None) == (d is None):
        raise ValueError("give exactly one of alpha_K (spectrum exponent) or d (manifold dimension)")
    check_choice(model, "model", ("linear", "deep"))
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
    """κ_n > 0 solving Σ_i λ_i/(λ_i + κ_n) = n, vectorised over n in (0, S) (S = number of eigenvalues).

    Parameters
    ----------
    eigenvalues : positive teacher-feature eigenvalues λ_i (S of them).
    n : sizes in (0, S), scalar or array.

    Returns
    -------
    numpy.ndarray
        κ_n for each n (1-D).

    References
    ----------
    Bahri, Dyer, Kaplan, Lee & Sharma 2024, "Explaining Neural Scaling Laws", arXiv 2102.06701,
    §2.3 and App. E (the teacher–student random-feature model and its ridgeless κ equation,
    after Bordelon, Canatar & Pehlevan 2020, arXiv 2002.02561, and Canatar, Bordelon & Pehlevan
    2021, arXiv 2006.13198).  The closed form for an isotropic teacher and Gaussian features is
    derived for nsl (not printed in these papers) and has the bottleneck and P ↔ D symmetry
    reported by Maloney, Roberts & Sully 2022, arXiv 2210.16859.

    Examples
    --------
    For λ_i = i^−2, κ_n ≈ (π/2)² n^−2, so n² κ_n approaches π²/4 ≈ 2.47:

    >>> lam = np.arange(1, 3001.0) ** -2.0
    >>> np.round(rf_kappa(lam, [10, 100]) * np.array([10, 100]) ** 2, 2).tolist()
    [2.23, 2.38]
    """
    from nsl.theory.learning_curves import solve_kappa

    lam, n = _check_n(eigenvalues, n)
    # Σ λ/(λ+κ) = n  <=>  Σ λ/(nλ + nκ) = 1: the ridgeless κ-equation at D = n with κ_BCP = n κ_n
    return solve_kappa(lam, n) / n


def rf_limit_loss(eigenvalues, n) -> np.ndarray:
    """ℒ_∞(n) = n κ_n: the D→∞ loss of n random features and the P→∞ loss of n samples (isotropic
    teacher, w ~ N(0, I)); equal to the ridgeless spectral learning curve at D = n with v = λ.

    Parameters
    ----------
    eigenvalues : positive teacher-feature eigenvalues λ_i (S of them).
    n : sizes in (0, S), scalar or array.

    Returns
    -------
    numpy.ndarray
        ℒ_∞(n) for each n (1-D), in the loss convention ℒ = (w − β)ᵀ diag λ (w − β).

    References
    ----------
    Bahri, Dyer, Kaplan, Lee & Sharma 2024, "Explaining Neural Scaling Laws", arXiv 2102.06701,
    §2.3 and App. E (the teacher–student random-feature model and its ridgeless κ equation,
    after Bordelon, Canatar & Pehlevan 2020, arXiv 2002.02561, and Canatar, Bordelon & Pehlevan
    2021, arXiv 2006.13198).  The closed form for an isotropic teacher and Gaussian features is
    derived for nsl (not printed in these papers) and has the bottleneck and P ↔ D symmetry
    reported by Maloney, Roberts & Sully 2022, arXiv 2210.16859.

    Examples
    --------
    >>> lam = np.arange(1, 3001.0) ** -2.0
    >>> np.round(rf_limit_loss(lam, [10, 100]), 4).tolist()
    [0.2232, 0.0238]
    """
    _, n = _check_n(eigenvalues, n)
    return n * rf_kappa(eigenvalues, n)


def finite_size_factor(P, D, exact: bool = True) -> np.ndarray:
    """The variance factor multiplying ℒ_∞(min(P, D)): (max − 1)/(max − min − 1) (exact for Gaussian
    features and projections) or max/|P − D| (deterministic equivalent); inf where it diverges.

    Parameters
    ----------
    P, D : model and data sizes, finite and >= 1, broadcast together.
    exact : the exact Gaussian factor (True) or the deterministic equivalent (False).

    Returns
    -------
    numpy.ndarray
        The factor, of the broadcast shape; inf at the interpolation peak.

    References
    ----------
    Bahri, Dyer, Kaplan, Lee & Sharma 2024, "Explaining Neural Scaling Laws", arXiv 2102.06701,
    App. E.1 (the variance-limited corrections, O(1/D) and O(1/P)).  The exact factor (max −
    1)/(max − min − 1) is derived for nsl from the inverse-Wishart mean for Gaussian features;
    the same n/(n − p − 1) factor is the finite-sample variance of Gaussian least squares in
    Hastie, Montanari, Rosset & Tibshirani 2019, arXiv 1903.08560.

    Examples
    --------
    >>> round(float(finite_size_factor(10, 100)), 4), round(float(finite_size_factor(10, 100, exact=False)), 4)
    (1.1124, 1.1111)
    >>> float(finite_size_factor(5, 5))
    inf
    """
    P = _sizes("P", P, 1.0, False)
    D = _sizes("D", D, 1.0, False)
    check_broadcast(P=P, D=D)
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
    otherwise).  Bahri et al. 2024 §2.3, App. E; the closed form is derived for nsl.

    Parameters
    ----------
    eigenvalues : positive teacher-feature eigenvalues λ_i (S of them).
    P, D : model and data sizes, broadcast together; P <= S and min(P, D) < S.
    exact_factor : use the exact Gaussian finite-size factor (see :func:`finite_size_factor`).

    Returns
    -------
    numpy.ndarray
        ℒ(P, D) of the broadcast shape.

    References
    ----------
    Bahri, Dyer, Kaplan, Lee & Sharma 2024, "Explaining Neural Scaling Laws", arXiv 2102.06701,
    §2.3 and App. E (the teacher–student random-feature model and its ridgeless κ equation,
    after Bordelon, Canatar & Pehlevan 2020, arXiv 2002.02561, and Canatar, Bordelon & Pehlevan
    2021, arXiv 2006.13198).  The closed form for an isotropic teacher and Gaussian features is
    derived for nsl (not printed in these papers) and has the bottleneck and P ↔ D symmetry
    reported by Maloney, Roberts & Sully 2022, arXiv 2210.16859.

    Examples
    --------
    The duality: exchanging P and D leaves the loss unchanged.

    >>> lam = np.arange(1, 3001.0) ** -2.0
    >>> a, b = rf_loss(lam, 100, [50, 1000]), rf_loss(lam, [50, 1000], 100)
    >>> np.round(a, 4).tolist(), bool(np.allclose(a, b))
    ([0.0964, 0.0264], True)
    """
    lam = check_eigenvalues(eigenvalues)
    P = _sizes("P", P, 1.0, False)
    D = _sizes("D", D, 1.0, False)
    check_broadcast(P=P, D=D)
    if np.any(P > lam.size):
        raise ValueError(f"P must be <= S = {lam.size} (number of teacher features: the length of eigenvalues), "
                         f"got max {P.max():g}")
    fac = finite_size_factor(P, D, exact=exact_factor)
    n = np.minimum(P, D)
    if np.any(n >= lam.size):
        raise ValueError(f"min(P, D) must be < S = {lam.size} (the length of eigenvalues)")
    un, inv = np.unique(n, return_inverse=True)
    lim = rf_limit_loss(lam, un)[inv].reshape(n.shape)
    return lim * fac


def c_alpha(alpha: float) -> float:
    """c_α = [π/((1+α) sin(π/(1+α)))]^(1+α), the constant of ℒ_∞(n) ≈ c_α n^−α for λ_i = i^−(1+α)
    (continuum limit of the κ equation, derived for nsl).

    Parameters
    ----------
    alpha : spectrum exponent α > 0.

    Returns
    -------
    float
        c_α.

    References
    ----------
    Bahri, Dyer, Kaplan, Lee & Sharma 2024, "Explaining Neural Scaling Laws", arXiv 2102.06701,
    App. E (the integral identity for the resolution-limited κ, from which the continuum limit
    follows); the constant is derived for nsl from the continuum limit of the κ equation of
    Bordelon, Canatar & Pehlevan 2020, arXiv 2002.02561.

    Examples
    --------
    >>> round(c_alpha(1.0), 4), round(c_alpha(0.5), 3), round(c_alpha(2.0), 3)
    (2.4674, 3.761, 1.768)
    """
    a = _pos("alpha", alpha)
    t = math.pi / (1 + a)
    return (t / math.sin(t)) ** (1 + a)


def rf_asymptote(n, alpha: float) -> np.ndarray:
    """c_α n^−α: the resolution-limited loss of the isotropic random-feature model for λ_i = i^−(1+α).

    Parameters
    ----------
    n : sizes, finite and > 0.
    alpha : spectrum exponent α > 0.

    Returns
    -------
    numpy.ndarray
        c_α n^−α, of the shape of ``n``.

    References
    ----------
    Bahri, Dyer, Kaplan, Lee & Sharma 2024, "Explaining Neural Scaling Laws", arXiv 2102.06701,
    Eq. 3 (the exponent); the constant as in :func:`c_alpha`.

    Examples
    --------
    >>> np.round(rf_asymptote([10, 100], 1.0), 5).tolist()
    [0.24674, 0.02467]
    """
    n = _sizes("n", n, 0.0, True)
    return c_alpha(alpha) * n ** (-float(alpha))


# ------------------------------------------------------------------------- classification
def classify_regime(P, D, *, vary: str = "D", ratio: float = 5.0, S: int | None = None) -> np.ndarray:
    """Which regime a point (P, D) is in when ``vary`` ('D' or 'P') is scaled.

    With x the varied size and y the fixed one: x <= y/ratio → resolution-limited in x, x >= y·ratio →
    variance-limited in x, in between → 'crossover' (the predicted slopes do not hold there; Bahri et al.
    Limitations).  With S (the number of teacher features / modes) given, points with
    min(P, D) > S/5 are 'saturated' (the finite spectrum truncates the power law; Maloney, Roberts
    & Sully 2022, arXiv 2210.16859).
    Returns an array of strings of the broadcast shape.

    Parameters
    ----------
    P, D : model and data sizes, finite and > 0, broadcast together.
    vary : 'D' or 'P', the size being scaled.
    ratio : how far (>= 1) the varied size must be from the fixed one for a clean regime.
    S : number of teacher features / modes, or None.

    Returns
    -------
    numpy.ndarray
        Object array of regime names.

    References
    ----------
    Bahri, Dyer, Kaplan, Lee & Sharma 2024, "Explaining Neural Scaling Laws", arXiv 2102.06701,
    §2 and Limitations (the hierarchy D ≪ P or P ≪ D each regime needs); Maloney, Roberts &
    Sully 2022, arXiv 2210.16859 (the plateau once min(P, D) nears the latent dimension).

    Examples
    --------
    >>> classify_regime(100, [10, 50, 1000]).tolist()
    ['resolution-limited (data)', 'crossover', 'variance-limited (data)']
    """
    check_choice(vary, "vary", ("D", "P"))
    ratio = _pos("ratio", ratio)
    if ratio < 1:
        raise ValueError(f"ratio must be >= 1, got {ratio}")
    P = _sizes("P", P, 0.0, True)
    D = _sizes("D", D, 0.0, True)
    check_broadcast(P=P, D=D)
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
    """L(P=a, D=b) / L(P=b, D=a): 1 under the duality (Bahri et al. §2.4).

    Parameters
    ----------
    loss_PD : losses at (P = a, D = b), finite and > 0.
    loss_DP : losses at (P = b, D = a), same shape.

    Returns
    -------
    numpy.ndarray
        The ratios, elementwise.

    References
    ----------
    Bahri, Dyer, Kaplan, Lee & Sharma 2024, "Explaining Neural Scaling Laws", arXiv 2102.06701,
    §2.4 (the duality between the under- and over-parameterised losses).

    Examples
    --------
    >>> duality_ratio([1.0, 2.0], [1.0, 1.0]).tolist()
    [1.0, 2.0]
    """
    a = check_real_array(loss_PD, "loss_PD")
    b = check_real_array(loss_DP, "loss_DP")
    if a.shape != b.shape or np.any(a <= 0) or np.any(b <= 0):
        raise ValueError("loss_PD and loss_DP must be finite, > 0 and of equal shape")
    return a / b
