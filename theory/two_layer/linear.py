"""Closed forms for the linear two-layer network g(x) = x (Worschech & Rosenow 2024, Sec. 4).

With fixed second layers the linear student only sees u = Σ_i v_i J_i and the teacher
b = Σ_n w_n B_n.  Per eigenspace define d^l = ||P_l (u − b)||² / N; then ε_g = ½ Σ_l λ_l d^l
and, exactly for N → ∞ (reference note Sec. 3, derived; V = Σ_i v_i², c_l = λ_l m_l / N):

    d(d^l)/dα = −2ηV λ_l d^l + η² V² c_l Σ_l' λ_l' d^l'         (A = −2ηV diag λ + η²V² c λᵀ)

so d(α) = expm(Aα) d(0) and ε_g(α) = ½ λᵀ expm(Aα) d(0) (the paper's exact expression for
linear activations; its equation number could not be read).  A is similar to the
symmetric −2ηV diag λ + η²V² u uᵀ with u_l = λ_l √(m_l/N), which :func:`linear_eg_exact` uses.

Asymptote (gradient flow, power-law spectrum λ_l = λ_+ l^−(1+β), continuum limit):

    ε_g(α) ≈ (D̄ m / 2N) Γ(β/(1+β)) λ_+^{1/(1+β)} / (1+β) · (2ηVα)^{−β/(1+β)}

for 1/(2ηVλ_1) ≪ α ≪ 1/(2ηVλ_L), where D̄ = E[(u − b)_k²] per coordinate = Vσ_J² + Wσ_B²
(W = Σ w_n²) and m = N/L.  Training only the top N_l eigendirections leaves
ε_g(∞) = ε_res / (1 − (ηV/2N) Σ_{l trained} m_l λ_l) with ε_res = ½ Σ_{l untrained} λ_l d^l(0),
which for L = N decays as N_l^{−β} (Sec. 4.3 of the paper: "a scaling law in the number of
trainable student parameters").
"""
from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import gamma

from nsl.theory.spectra import Spectrum
from nsl.theory.two_layer.ode import check_eta, second_layer_weights, trainable_mask
from nsl.theory.two_layer.order_params import OrderParameters

__all__ = ["linear_decay_exponent", "linear_d0", "linear_drift_matrix", "linear_eg_exact", "linear_eg_expm", "linear_eg_gradient_flow",
           "linear_asymptote", "linear_window", "linear_stability_bound_exact", "linear_eg_infinity_truncated",
           "expected_d0", "trainable_law_curve", "symbolic_exponents"]


def _v2(v_student: Any, K: int) -> float:
    return float(np.sum(second_layer_weights(v_student, K, "v_student") ** 2))


def linear_d0(op: OrderParameters, *, v_student: Any = 1.0, v_teacher: Any = 1.0) -> np.ndarray:
    """d^l = ||P_l(Σ v_i J_i − Σ w_n B_n)||²/N from the overlaps: vᵀq^l v − 2 vᵀ r^l w + wᵀ t^l w."""
    v = second_layer_weights(v_student, op.K, "v_student")
    w = second_layer_weights(v_teacher, op.M, "v_teacher")
    return (np.einsum("i,lik,k->l", v, op.q, v) - 2 * np.einsum("i,lin,n->l", v, op.r, w)
            + np.einsum("n,lnm,m->l", w, op.t, w))


def linear_drift_matrix(spectrum: Spectrum, *, eta: float, V: float = 1.0, sgd_noise: bool = True,
                        trainable: Any = None) -> np.ndarray:
    """A = −2ηV diag(λ ⊙ mask) + η²V² (c ⊙ mask) λᵀ, the generator of d(α) (module docstring)."""
    check_eta(eta)
    if not (np.isfinite(V) and V > 0):
        raise ValueError(f"V (sum of squared student second-layer weights) must be > 0, got {V!r}")
    mask = trainable_mask(trainable, spectrum.L).astype(float)
    lam = spectrum.values
    c = lam * spectrum.multiplicities / spectrum.N * mask
    A = -2 * eta * V * np.diag(lam * mask)
    if sgd_noise:
        A = A + eta ** 2 * V ** 2 * np.outer(c, lam)
    return A


def linear_eg_expm(alpha: np.ndarray, d0: np.ndarray, spectrum: Spectrum, *, eta: float, V: float = 1.0,
                   sgd_noise: bool = True, trainable: Any = None) -> np.ndarray:
    """ε_g(α) = ½ λᵀ expm(Aα) d(0) with scipy.linalg.expm at each α (the direct form; slow for large L)."""
    from scipy.linalg import expm

    A = linear_drift_matrix(spectrum, eta=eta, V=V, sgd_noise=sgd_noise, trainable=trainable)
    alpha = np.atleast_1d(np.asarray(alpha, float))
    return np.array([0.5 * spectrum.values @ expm(A * a) @ d0 for a in alpha])


def linear_eg_exact(alpha: np.ndarray, d0: np.ndarray, spectrum: Spectrum, *, eta: float, V: float = 1.0,
                    sgd_noise: bool = True, trainable: Any = None) -> np.ndarray:
    """ε_g(α) = ½ λᵀ expm(Aα) d(0), evaluated through the symmetric similarity transform (eigh).

    A = X S X⁻¹ with X = diag(√p), p_l = m_l/N, S = −2ηV diag(λ⊙mask) + η²V² u uᵀ, u = λ √p ⊙ mask... exactly
    the matrix of :func:`linear_drift_matrix`.
    """
    check_eta(eta)
    d0 = np.asarray(d0, float)
    if d0.shape != (spectrum.L,) or np.any(d0 < -1e-15):
        raise ValueError(f"d0 must be a non-negative array of shape (L={spectrum.L},)")
    mask = trainable_mask(trainable, spectrum.L).astype(float)
    lam = spectrum.values
    p = spectrum.multiplicities / spectrum.N
    sp = np.sqrt(p)
    # X^{-1} A X with X = diag(sqrt(p)): -2ηV diag(λ m) + η²V² (λ m sqrt p)(λ sqrt p)ᵀ; mask only on the rows
    # -> symmetric when written for the trained block; untrained rows are zero (d^l constant there).
    Atil = -2 * eta * V * np.diag(lam * mask)
    if sgd_noise:
        Atil = Atil + eta ** 2 * V ** 2 * np.outer(lam * sp * mask, lam * sp)
    alpha = np.atleast_1d(np.asarray(alpha, float))
    if np.all(mask == 1):
        ev, U = np.linalg.eigh(0.5 * (Atil + Atil.T))
        left = (lam * sp) @ U  # λᵀ X U
        right = U.T @ (d0 / sp)  # U^T X^{-1} d0
        return 0.5 * (np.exp(np.outer(alpha, ev)) * (left * right)).sum(axis=1)
    # with untrained eigenspaces: d_untrained constant, d_trained obeys an affine system
    tr = mask == 1
    S = Atil[np.ix_(tr, tr)]
    ev, U = np.linalg.eigh(0.5 * (S + S.T))
    xt = d0[tr] / sp[tr]
    src = (Atil[np.ix_(tr, ~tr)] @ (d0[~tr] / sp[~tr]))  # constant forcing
    xinf = -np.linalg.solve(S, src)
    coeff = U.T @ (xt - xinf)
    xs = xinf[None, :] + (np.exp(np.outer(alpha, ev)) * coeff) @ U.T
    eg_tr = 0.5 * xs @ (lam[tr] * sp[tr])
    return eg_tr + 0.5 * float(lam[~tr] @ d0[~tr])


def linear_eg_gradient_flow(alpha: np.ndarray, d0: np.ndarray, spectrum: Spectrum, *, eta: float,
                            V: float = 1.0) -> np.ndarray:
    """Small-η limit: ε_g(α) = ½ Σ_l λ_l d^l(0) e^{−2ηVλ_l α} (reference note Sec. 4a)."""
    check_eta(eta)
    alpha = np.atleast_1d(np.asarray(alpha, float))
    lam = spectrum.values
    return 0.5 * (np.exp(-2 * eta * V * np.outer(alpha, lam)) * (lam * d0)).sum(axis=1)


def expected_d0(spectrum: Spectrum, *, K: int = 1, M: int = 1, sigma_J: float = 0.01, sigma_B: float = 1.0,
                v_student: Any = 1.0, v_teacher: Any = 1.0) -> np.ndarray:
    """E[d^l(0)] = (m_l/N) (V σ_J² + W σ_B²) for i.i.d. Gaussian initial weights."""
    V = _v2(v_student, K)
    W = float(np.sum(second_layer_weights(v_teacher, M, "v_teacher") ** 2))
    return spectrum.multiplicities / spectrum.N * (V * sigma_J ** 2 + W * sigma_B ** 2)


def linear_asymptote(alpha: np.ndarray, *, beta: float, L: int, N: int, eta: float, V: float = 1.0,
                     Dbar: float = 1.0001, normalize: str = "trace") -> np.ndarray:
    """ε_g(α) ≈ (D̄ m/2N) Γ(β/(1+β)) λ_+^{1/(1+β)}/(1+β) · (2ηVα)^{−β/(1+β)}, m = N/L (module docstring).

    λ_+ is the top eigenvalue of ``power_law_spectrum(L, beta, N=N, normalize=...)``; D̄ = Vσ_J² + Wσ_B²
    (default σ_J = 0.01, K = M = 1).  Valid inside :func:`linear_window`.
    """
    from nsl.theory.spectra import power_law_spectrum

    check_eta(eta)
    sp = power_law_spectrum(L, beta, N=N, normalize=normalize)
    lp = sp.values[0]
    m = N / L
    alpha = np.asarray(alpha, float)
    e = beta / (1 + beta)
    return Dbar * m / (2 * N) * gamma(e) * lp ** (1 / (1 + beta)) / (1 + beta) * (2 * eta * V * alpha) ** (-e)


def linear_window(spectrum: Spectrum, *, eta: float, V: float = 1.0) -> tuple[float, float]:
    """(1/(2ηVλ_1), 1/(2ηVλ_L)): the power law α^(−β/(1+β)) holds well inside this interval."""
    check_eta(eta)
    return 1.0 / (2 * eta * V * spectrum.values[0]), 1.0 / (2 * eta * V * spectrum.values[-1])


def linear_stability_bound_exact(spectrum: Spectrum, *, V: float = 1.0, trainable: Any = None) -> float:
    """η_c = 2N / (V Σ_{l trained} m_l λ_l): the largest eigenvalue of A crosses 0 there."""
    mask = trainable_mask(trainable, spectrum.L)
    return 2.0 * spectrum.N / (V * float(np.sum((spectrum.multiplicities * spectrum.values)[mask])))


def linear_eg_infinity_truncated(d0: np.ndarray, spectrum: Spectrum, *, n_trainable: int, eta: float,
                                 V: float = 1.0, sgd_noise: bool = True) -> float:
    """ε_g(∞) when only the top ``n_trainable`` eigenspaces are trained (module docstring).

    ε_res = ½ Σ_{l > n} λ_l d^l(0); with SGD noise the trained directions settle at
    d^l = ηV m_l ε_g / N, so ε_g(∞) = ε_res / (1 − (ηV/2N) Σ_{l <= n} m_l λ_l).
    """
    check_eta(eta)
    mask = trainable_mask(int(n_trainable), spectrum.L)
    lam = spectrum.values
    eres = 0.5 * float(lam[~mask] @ np.asarray(d0, float)[~mask])
    if not sgd_noise:
        return eres
    s = eta * V / (2 * spectrum.N) * float(np.sum((spectrum.multiplicities * lam)[mask]))
    if s >= 1:
        raise ValueError(f"eta={eta} is above the stability bound of the trained block (eta_c={eta / s:.6g})")
    return eres / (1 - s)


def trainable_law_curve(n_trainable: np.ndarray, *, beta: float, N: int, eta: float, V: float = 1.0,
                        Dbar: float = 1.0001, sgd_noise: bool = True) -> np.ndarray:
    """E[ε_g(∞)] against N_l for L = N (one eigendirection per eigenvalue), ∝ N_l^{−β} for 1 ≪ N_l ≪ N."""
    from nsl.theory.spectra import power_law_spectrum

    sp = power_law_spectrum(N, beta, N=N)
    d0 = sp.multiplicities / sp.N * Dbar
    return np.array([linear_eg_infinity_truncated(d0, sp, n_trainable=int(n), eta=eta, V=V, sgd_noise=sgd_noise)
                     for n in np.atleast_1d(n_trainable)])


def symbolic_exponents() -> dict:
    """The linear-network laws as sympy expressions (symbols β, η, V, α, N_l, λ_+, D̄, N, m, L)."""
    import sympy as sp

    beta, eta, V, alpha, Nl, lp, Db, N, m = sp.symbols("beta eta V alpha N_l lambda_plus Dbar N m", positive=True)
    e_alpha = beta / (1 + beta)
    prefactor = Db * m / (2 * N) * sp.gamma(e_alpha) * lp ** (1 / (1 + beta)) / (1 + beta)
    return {
        "exponent_alpha": e_alpha,
        "exponent_trainable": beta,
        "eg_asymptote": prefactor * (2 * eta * V * alpha) ** (-e_alpha),
        "window_low": 1 / (2 * eta * V * lp),
        "eta_critical_trace_normalised": 2 / V,
        "eg_trainable_law": Db / (2 * N) * lp * Nl ** (-beta) / beta,
    }


def linear_decay_exponent(beta: float) -> float:
    """Exponent of the linear network's power-law decay, ε_g ∝ α^(−β/(1+β)).

    Parameters
    ----------
    beta : float
        Spectrum exponent, λ_l ∝ l^(−(1+β)), β > 0.

    Returns
    -------
    float
        β/(1+β): the gradient-flow (η → 0) asymptote inside the window
        [1/(2ηVλ_1), 1/(2ηVλ_L)], also the linearised heuristic for the erf network's
        specialised phase.

    References
    ----------
    Worschech & Rosenow 2024, arXiv:2410.09005, Sec. 4.2 (the linear network's scaling law).

    Examples
    --------
    >>> linear_decay_exponent(1.0)
    0.5
    """
    if not (np.isfinite(beta) and beta > 0):
        raise ValueError(f"beta must be finite and > 0, got {beta!r}")
    return float(beta) / (1.0 + float(beta))
