"""Closed forms for the linear two-layer network g(x) = x (Worschech & Rosenow 2024, Sec. 4).

With fixed second layers the linear student only sees u = Σ_i v_i J_i and the teacher
b = Σ_n w_n B_n.  Per eigenspace define d^l = ||P_l (u − b)||² / N; then ε_g = ½ Σ_l λ_l d^l
and, exactly for N → ∞ (derived here from the ODEs of Worschech & Rosenow 2024, Sec. 3; V = Σ_i v_i², c_l = λ_l m_l / N):

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
from nsl.theory.two_layer.checks import (MAX_EIGENSPACES, check_choice, check_int, check_int_array,
                                          check_real, check_real_array, check_scale, check_second_layer,
                                          check_spectrum, check_trainable, check_units)
from nsl.theory.two_layer.exponents import linear_decay_exponent
from nsl.theory.two_layer.ode import check_eta
from nsl.theory.two_layer.order_params import OrderParameters

__all__ = ["linear_decay_exponent", "linear_d0", "linear_drift_matrix", "linear_eg_exact", "linear_eg_expm", "linear_eg_gradient_flow",
           "linear_asymptote", "linear_window", "linear_stability_bound_exact", "linear_eg_infinity_truncated",
           "expected_d0", "trainable_law_curve", "symbolic_exponents"]


def _eta(eta: Any) -> float:
    """η: a finite number > 0, named ``eta`` (then :func:`~nsl.theory.two_layer.ode.check_eta`)."""
    return check_eta(check_real(eta, "eta", lo=0.0, lo_open=True))


def _V(V: Any) -> float:
    """V = Σ_i v_i²: a finite number > 0."""
    return check_real(V, "V", lo=0.0, lo_open=True)


def _alpha(alpha: Any) -> np.ndarray:
    """Training times: a scalar or 1-D array of finite α >= 0."""
    a = check_real_array(alpha, "alpha", lo=0.0)
    if a.ndim > 1:
        raise ValueError(f"alpha must be a number or a 1-D array, got shape {a.shape}")
    return np.atleast_1d(a)


def _d0(d0: Any, spectrum: Spectrum) -> np.ndarray:
    """Initial per-eigenspace errors: L finite values >= 0 (-1e-15 tolerated: rounding in :func:`linear_d0`)."""
    d = check_real_array(d0, "d0")
    if d.shape != (spectrum.L,):
        raise ValueError(f"d0 must be an array of shape (L={spectrum.L},), got shape {d.shape}")
    if np.any(d < -1e-15):
        raise ValueError(f"d0 must hold values >= 0, got min {d.min():g}")
    return d


def _finite_eg(eg: np.ndarray, names: str, spectrum: Spectrum, eta: float, V: float, trainable: Any = None) -> np.ndarray:
    """ε_g itself, or ``ValueError`` naming ``names`` where it overflows (η above the stability bound grows
    exponentially in α, and huge α·η·V overflow)."""
    if not np.all(np.isfinite(eg)):
        eta_c = linear_stability_bound_exact(spectrum, V=V, trainable=trainable)
        raise ValueError(f"eps_g overflows (not finite) for these values of {names}: eta={eta:g}, V={V:g} "
                         f"(the stability bound is eta_c={eta_c:.6g}; above it eps_g grows exponentially in alpha)")
    return eg


def _power_law(L: Any, beta: Any, N: Any, normalize: Any = "trace") -> Spectrum:
    """power_law_spectrum(L, beta, N=N) with each argument checked by name (L <= MAX_EIGENSPACES)."""
    from nsl.theory.spectra import power_law_spectrum

    N = check_int(N, "N", lo=1, hi=2**53)
    L = check_int(L, "L", lo=1, hi=min(N, MAX_EIGENSPACES))
    beta = check_real(beta, "beta", lo=0.0, lo_open=True)
    normalize = check_choice(normalize, "normalize", ("trace", "top"))
    try:
        return power_law_spectrum(L, beta, N=N, normalize=normalize)
    except ValueError as exc:  # e.g. eigenvalues l^-(1+beta) that underflow to 0 for a huge beta
        raise ValueError(f"no power-law spectrum for beta={beta:g}, L={L}, N={N}: {exc}") from None


def linear_d0(op: OrderParameters, *, v_student: Any = 1.0, v_teacher: Any = 1.0) -> np.ndarray:
    """d^l = ||P_l(Σ v_i J_i − Σ w_n B_n)||²/N from the overlaps: vᵀq^l v − 2 vᵀ r^l w + wᵀ t^l w.

    Parameters
    ----------
    op : OrderParameters
        Per-eigenspace overlaps q^l, r^l, t^l.
    v_student, v_teacher : float or array_like, optional
        Second-layer weights of the student (K) and the teacher (M); a scalar means all equal.

    Returns
    -------
    numpy.ndarray
        d^l, shape (L,); ε_g = ½ Σ_l λ_l d^l for the linear network.

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 4 (linear activation). The reduction to d^l is derived here.

    Examples
    --------
    >>> import numpy as np
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> from nsl.theory.two_layer.order_params import random_initial_conditions
    >>> sp = power_law_spectrum(4, 1.0, N=8)
    >>> op = random_initial_conditions(sp, 1, 1, rng=np.random.default_rng(0))
    >>> d = linear_d0(op)
    >>> d.shape, bool(np.all(d >= 0))
    ((4,), True)
    """
    if not isinstance(op, OrderParameters):
        raise TypeError(f"op must be an OrderParameters (e.g. random_initial_conditions(...)), got {type(op).__name__}")
    v = check_second_layer(v_student, op.K, "v_student")
    w = check_second_layer(v_teacher, op.M, "v_teacher")
    d = (np.einsum("i,lik,k->l", v, op.q, v) - 2 * np.einsum("i,lin,n->l", v, op.r, w)
         + np.einsum("n,lnm,m->l", w, op.t, w))
    if not np.all(np.isfinite(d)):
        raise ValueError("d^l overflows (not finite) for these v_student, v_teacher and overlaps; use smaller weights")
    return d


def linear_drift_matrix(spectrum: Spectrum, *, eta: float, V: float = 1.0, sgd_noise: bool = True,
                        trainable: Any = None) -> np.ndarray:
    """A = −2ηV diag(λ ⊙ mask) + η²V² (c ⊙ mask) λᵀ, the generator of d(α) (module docstring).

    Parameters
    ----------
    spectrum : Spectrum
        Eigenvalues λ_l with multiplicities m_l (Tr Σ = N under the default normalisation).
    eta : float
        Learning rate η, checked by :func:`~nsl.theory.two_layer.ode.check_eta`.
    V : float, optional
        Σ_i v_i², the sum of the squared student second-layer weights (1 for K = 1, v = 1).
    sgd_noise : bool, optional
        Keep the O(η²) SGD-noise term (True) or drop it (gradient flow in the drift).
    trainable : optional
        Which eigenspaces are trained (see :func:`~nsl.theory.two_layer.ode.trainable_mask`); all by default.

    Returns
    -------
    numpy.ndarray
        A, shape (L, L), with d(d)/dα = A d.

    Raises
    ------
    TypeError
        If an argument has the wrong kind (``spectrum`` not a Spectrum, a non-number η or V).
    ValueError
        If ``eta`` or ``V`` is out of range (finite, > 0) or ``trainable`` is not a valid selection.

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 4 (linear activation; the closed ODE system of the eigenspace errors is
    derived here from the paper's Sec. 3 ODEs).

    Examples
    --------
    >>> import numpy as np
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> A = linear_drift_matrix(power_law_spectrum(4, 1.0, N=8), eta=0.1)
    >>> A.shape, bool(np.linalg.eigvals(A).real.max() < 0)  # stable below η_c = 2
    ((4, 4), True)
    """
    spectrum = check_spectrum(spectrum)
    eta, V = _eta(eta), _V(V)
    mask = check_trainable(trainable, spectrum.L).astype(float)
    lam = spectrum.values
    c = lam * spectrum.multiplicities / spectrum.N * mask
    with np.errstate(over="ignore", invalid="ignore"):
        A = -2 * eta * V * np.diag(lam * mask)
        if sgd_noise:
            A = A + np.float64(eta * V) ** 2 * np.outer(c, lam)
    if not np.all(np.isfinite(A)):
        raise ValueError(f"the drift matrix overflows for eta={eta:g}, V={V:g}: eta*V must be well below 1e150")
    return A


def linear_eg_expm(alpha: np.ndarray, d0: np.ndarray, spectrum: Spectrum, *, eta: float, V: float = 1.0,
                   sgd_noise: bool = True, trainable: Any = None) -> np.ndarray:
    """ε_g(α) = ½ λᵀ expm(Aα) d(0) with scipy.linalg.expm at each α (the direct form; slow for large L).

    Parameters
    ----------
    alpha : array_like
        Training times α = (number of SGD steps)/N.
    d0 : numpy.ndarray
        Initial per-eigenspace errors d^l(0), shape (L,), non-negative (see :func:`linear_d0`).
    spectrum : Spectrum
        Eigenvalues λ_l with multiplicities m_l (Tr Σ = N under the default normalisation).
    eta : float
        Learning rate η, checked by :func:`~nsl.theory.two_layer.ode.check_eta`.
    V : float, optional
        Σ_i v_i², the sum of the squared student second-layer weights (1 for K = 1, v = 1).
    sgd_noise : bool, optional
        Keep the O(η²) SGD-noise term (True) or drop it (gradient flow in the drift).
    trainable : optional
        Which eigenspaces are trained (see :func:`~nsl.theory.two_layer.ode.trainable_mask`); all by default.

    Returns
    -------
    numpy.ndarray
        ε_g at each α, shape (len(alpha),).

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 4 (the exact linear learning curve; its equation number was not confirmed).

    Examples
    --------
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> sp = power_law_spectrum(4, 1.0, N=8)
    >>> d0 = expected_d0(sp)
    >>> linear_eg_expm([0.0, 10.0], d0, sp, eta=0.1).round(5).tolist()
    [0.50005, 0.06321]
    """
    from scipy.linalg import expm

    A = linear_drift_matrix(spectrum, eta=eta, V=V, sgd_noise=sgd_noise, trainable=trainable)
    alpha, d0 = _alpha(alpha), _d0(d0, spectrum)
    with np.errstate(over="ignore", invalid="ignore"):
        eg = np.array([0.5 * spectrum.values @ expm(A * a) @ d0 for a in alpha])
    return _finite_eg(eg, "alpha, eta, V", spectrum, _eta(eta), _V(V), trainable)


def linear_eg_exact(alpha: np.ndarray, d0: np.ndarray, spectrum: Spectrum, *, eta: float, V: float = 1.0,
                    sgd_noise: bool = True, trainable: Any = None) -> np.ndarray:
    """ε_g(α) = ½ λᵀ expm(Aα) d(0), evaluated through the symmetric similarity transform (eigh).

    A = X S X⁻¹ with X = diag(√p), p_l = m_l/N, S = −2ηV diag(λ⊙mask) + η²V² u uᵀ, u = λ √p ⊙ mask... exactly
    the matrix of :func:`linear_drift_matrix`.

    Parameters
    ----------
    alpha : array_like
        Training times α = (number of SGD steps)/N.
    d0 : numpy.ndarray
        Initial per-eigenspace errors d^l(0), shape (L,), non-negative (see :func:`linear_d0`).
    spectrum : Spectrum
        Eigenvalues λ_l with multiplicities m_l (Tr Σ = N under the default normalisation).
    eta : float
        Learning rate η, checked by :func:`~nsl.theory.two_layer.ode.check_eta`.
    V : float, optional
        Σ_i v_i², the sum of the squared student second-layer weights (1 for K = 1, v = 1).
    sgd_noise : bool, optional
        Keep the O(η²) SGD-noise term (True) or drop it (gradient flow in the drift).
    trainable : optional
        Which eigenspaces are trained (see :func:`~nsl.theory.two_layer.ode.trainable_mask`); all by default.

    Returns
    -------
    numpy.ndarray
        ε_g at each α, shape (len(alpha),); equal to :func:`linear_eg_expm` to rounding.

    Raises
    ------
    TypeError
        If an argument has the wrong kind.
    ValueError
        If ``d0`` has the wrong shape or negative entries, an argument is out of range, or ε_g
        overflows (η above the stability bound, where ε_g grows exponentially in α).

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 4 (the exact linear learning curve; its equation number was not confirmed).
    The symmetric similarity transform is derived here.

    Examples
    --------
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> sp = power_law_spectrum(4, 1.0, N=8)
    >>> d0 = expected_d0(sp)
    >>> linear_eg_exact([0.0, 10.0], d0, sp, eta=0.1).round(5).tolist()
    [0.50005, 0.06321]
    """
    spectrum = check_spectrum(spectrum)
    eta, V = _eta(eta), _V(V)
    d0 = _d0(d0, spectrum)
    alpha = _alpha(alpha)
    mask = check_trainable(trainable, spectrum.L).astype(float)
    with np.errstate(over="ignore", invalid="ignore"):
        eg = _eg_exact(alpha, d0, spectrum, eta, V, sgd_noise, mask)
    return _finite_eg(eg, "alpha, eta, V", spectrum, eta, V, trainable)


def _eg_exact(alpha: np.ndarray, d0: np.ndarray, spectrum: Spectrum, eta: float, V: float, sgd_noise: bool,
              mask: np.ndarray) -> np.ndarray:
    """The body of :func:`linear_eg_exact` on checked arguments."""
    lam = spectrum.values
    p = spectrum.multiplicities / spectrum.N
    sp = np.sqrt(p)
    # X^{-1} A X with X = diag(sqrt(p)): -2ηV diag(λ m) + η²V² (λ m sqrt p)(λ sqrt p)ᵀ; mask only on the rows
    # -> symmetric when written for the trained block; untrained rows are zero (d^l constant there).
    Atil = -2 * eta * V * np.diag(lam * mask)
    if sgd_noise:
        Atil = Atil + np.float64(eta * V) ** 2 * np.outer(lam * sp * mask, lam * sp)
    if not np.all(np.isfinite(Atil)):
        raise ValueError(f"the drift matrix overflows for eta={eta:g}, V={V:g}: eta*V must be well below 1e150")
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
    """Small-η limit: ε_g(α) = ½ Σ_l λ_l d^l(0) e^{−2ηVλ_l α} (derived here: the η → 0 limit of the exact form, Worschech & Rosenow 2024, Sec. 4).

    Parameters
    ----------
    alpha : array_like
        Training times α = (number of SGD steps)/N.
    d0 : numpy.ndarray
        Initial per-eigenspace errors d^l(0), shape (L,), non-negative (see :func:`linear_d0`).
    spectrum : Spectrum
        Eigenvalues λ_l with multiplicities m_l (Tr Σ = N under the default normalisation).
    eta : float
        Learning rate η, checked by :func:`~nsl.theory.two_layer.ode.check_eta`.
    V : float, optional
        Σ_i v_i², the sum of the squared student second-layer weights (1 for K = 1, v = 1).

    Returns
    -------
    numpy.ndarray
        ε_g at each α without the O(η²) noise term, shape (len(alpha),).

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 4 (linear activation, small learning rate).

    Examples
    --------
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> sp = power_law_spectrum(4, 1.0, N=8)
    >>> d0 = expected_d0(sp)
    >>> linear_eg_gradient_flow([0.0, 10.0], d0, sp, eta=0.1).round(5).tolist()
    [0.50005, 0.05918]
    """
    spectrum = check_spectrum(spectrum)
    eta, V = _eta(eta), _V(V)
    alpha, d0 = _alpha(alpha), _d0(d0, spectrum)
    lam = spectrum.values
    with np.errstate(over="ignore", invalid="ignore"):
        eg = 0.5 * (np.exp(-2 * eta * V * np.outer(alpha, lam)) * (lam * d0)).sum(axis=1)
    if not np.all(np.isfinite(eg)):
        raise ValueError(f"eps_g overflows for these values of alpha, eta, V, d0 (eta={eta:g}, V={V:g})")
    return eg


def expected_d0(spectrum: Spectrum, *, K: int = 1, M: int = 1, sigma_J: float = 0.01, sigma_B: float = 1.0,
                v_student: Any = 1.0, v_teacher: Any = 1.0) -> np.ndarray:
    """E[d^l(0)] = (m_l/N) (V σ_J² + W σ_B²) for i.i.d. Gaussian initial weights.

    Parameters
    ----------
    spectrum : Spectrum
        Eigenvalues λ_l with multiplicities m_l (Tr Σ = N under the default normalisation).
    K, M : int, optional
        Numbers of student and teacher hidden units, in [1, 10**6].
    sigma_J, sigma_B : float, optional
        Standard deviations of the initial student and the teacher weights (σ_J = 0.01 as in the
        paper's Figs. 1-3), 0 <= σ_J <= 1e100 and 0 < σ_B <= 1e100.
    v_student, v_teacher : float or array_like, optional
        Second-layer weights; V = Σ v_i², W = Σ w_n².

    Returns
    -------
    numpy.ndarray
        E[d^l(0)], shape (L,).

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 4 (initialisation of the linear network); the expectation is derived here.

    Examples
    --------
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> round(float(expected_d0(power_law_spectrum(4, 1.0, N=8)).sum()), 6)  # σ_J² + σ_B²
    1.0001
    """
    spectrum = check_spectrum(spectrum)
    K, M = check_units(K, "K"), check_units(M, "M")
    sigma_J = check_scale(sigma_J, "sigma_J", positive=False)
    sigma_B = check_scale(sigma_B, "sigma_B", positive=True)
    V = float(np.sum(check_second_layer(v_student, K, "v_student") ** 2))
    W = float(np.sum(check_second_layer(v_teacher, M, "v_teacher") ** 2))
    with np.errstate(over="ignore", invalid="ignore"):
        d0 = spectrum.multiplicities / spectrum.N * (V * sigma_J ** 2 + W * sigma_B ** 2)
    if not np.all(np.isfinite(d0)):
        raise ValueError(f"E[d^l(0)] overflows for these values of sigma_J, sigma_B, v_student, v_teacher "
                         f"(V sigma_J^2 + W sigma_B^2 = {V * sigma_J ** 2 + W * sigma_B ** 2:g})")
    return d0


def linear_asymptote(alpha: np.ndarray, *, beta: float, L: int, N: int, eta: float, V: float = 1.0,
                     Dbar: float = 1.0001, normalize: str = "trace") -> np.ndarray:
    """ε_g(α) ≈ (D̄ m/2N) Γ(β/(1+β)) λ_+^{1/(1+β)}/(1+β) · (2ηVα)^{−β/(1+β)}, m = N/L (module docstring).

    λ_+ is the top eigenvalue of ``power_law_spectrum(L, beta, N=N, normalize=...)``; D̄ = Vσ_J² + Wσ_B²
    (default σ_J = 0.01, K = M = 1).  Valid inside :func:`linear_window`.

    Parameters
    ----------
    alpha : array_like
        Training times α = (number of SGD steps)/N, > 0.
    beta : float
        Spectrum exponent, λ_l ∝ l^(−(1+β)), > 0.
    L, N : int
        Number of distinct eigenvalues (1 <= L <= min(N, 10**7), dividing N) and input dimension.
    eta : float
        Learning rate η, checked by :func:`~nsl.theory.two_layer.ode.check_eta`.
    V : float, optional
        Σ_i v_i², the sum of the squared student second-layer weights (1 for K = 1, v = 1).
    Dbar : float, optional
        D̄, the initial per-coordinate error E[(u − b)_k²].
    normalize : str, optional
        Spectrum normalisation passed to ``power_law_spectrum``.

    Returns
    -------
    numpy.ndarray
        The power-law asymptote of ε_g at each α.

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 4 (power-law decay ε_g ∝ α^(−β/(1+β)) for linear activation; the prefactor
    is derived here in the continuum limit).

    Examples
    --------
    >>> import numpy as np
    >>> e = linear_asymptote(np.array([1e2, 1e4]), beta=1.0, L=1024, N=1024, eta=0.1)
    >>> round(float(np.log(e[0] / e[1]) / np.log(100.0)), 6)  # slope β/(1+β)
    0.5
    """
    sp = _power_law(L, beta, N, normalize)
    beta, L, N = float(beta), sp.L, sp.N
    eta, V = _eta(eta), _V(V)
    Dbar = check_real(Dbar, "Dbar", lo=0.0)
    a = check_real_array(alpha, "alpha", lo=0.0, lo_open=True)
    lp = sp.values[0]
    m = N / L
    e = beta / (1 + beta)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        out = Dbar * m / (2 * N) * gamma(e) * lp ** (1 / (1 + beta)) / (1 + beta) * (2 * eta * V * a) ** (-e)
    if not np.all(np.isfinite(out)):
        raise ValueError(f"the asymptote overflows for these values of alpha, eta, V, Dbar (eta={eta:g}, V={V:g}, "
                         f"Dbar={Dbar:g})")
    return out


def linear_window(spectrum: Spectrum, *, eta: float, V: float = 1.0) -> tuple[float, float]:
    """(1/(2ηVλ_1), 1/(2ηVλ_L)): the power law α^(−β/(1+β)) holds well inside this interval.

    Parameters
    ----------
    spectrum : Spectrum
        Eigenvalues λ_l with multiplicities m_l (Tr Σ = N under the default normalisation).
    eta : float
        Learning rate η, checked by :func:`~nsl.theory.two_layer.ode.check_eta`.
    V : float, optional
        Σ_i v_i², the sum of the squared student second-layer weights (1 for K = 1, v = 1).

    Returns
    -------
    tuple of float
        (α_low, α_high), the early transient's end and the finite-L cutoff.

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 4 (linear activation); the window is derived here.

    Examples
    --------
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> lo, hi = linear_window(power_law_spectrum(4, 1.0, N=8), eta=0.1)
    >>> round(float(lo), 4), round(float(hi), 4)
    (1.7795, 28.4722)
    """
    spectrum = check_spectrum(spectrum)
    eta, V = _eta(eta), _V(V)
    with np.errstate(over="ignore", divide="ignore"):
        lo, hi = 1.0 / (2 * eta * V * spectrum.values[0]), 1.0 / (2 * eta * V * spectrum.values[-1])
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"the window overflows for these values of eta, V (eta*V = {eta * V:g} is too small)")
    return float(lo), float(hi)


def linear_stability_bound_exact(spectrum: Spectrum, *, V: float = 1.0, trainable: Any = None) -> float:
    """η_c = 2N / (V Σ_{l trained} m_l λ_l): the largest eigenvalue of A crosses 0 there.

    Parameters
    ----------
    spectrum : Spectrum
        Eigenvalues λ_l with multiplicities m_l (Tr Σ = N under the default normalisation).
    V : float, optional
        Σ_i v_i², the sum of the squared student second-layer weights (1 for K = 1, v = 1).
    trainable : optional
        Which eigenspaces are trained (see :func:`~nsl.theory.two_layer.ode.trainable_mask`); all by default.

    Returns
    -------
    float
        The critical learning rate η_c (2/V when all eigenspaces are trained and Tr Σ = N).

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 4 (linear activation); the bound is derived here from :func:`linear_drift_matrix`.
    Saad, D. & Solla, S. A. (1995). Phys. Rev. E 52, 4225 (the isotropic case).

    Examples
    --------
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> round(linear_stability_bound_exact(power_law_spectrum(4, 1.0, N=8)), 9)
    2.0
    """
    spectrum = check_spectrum(spectrum)
    V = _V(V)
    mask = check_trainable(trainable, spectrum.L)
    with np.errstate(over="ignore", divide="ignore"):
        eta_c = 2.0 * spectrum.N / (V * float(np.sum((spectrum.multiplicities * spectrum.values)[mask])))
    if not np.isfinite(eta_c):
        raise ValueError(f"the stability bound overflows for V={V:g} (too small)")
    return eta_c


def linear_eg_infinity_truncated(d0: np.ndarray, spectrum: Spectrum, *, n_trainable: int, eta: float,
                                 V: float = 1.0, sgd_noise: bool = True) -> float:
    """ε_g(∞) when only the top ``n_trainable`` eigenspaces are trained (module docstring).

    ε_res = ½ Σ_{l > n} λ_l d^l(0); with SGD noise the trained directions settle at
    d^l = ηV m_l ε_g / N, so ε_g(∞) = ε_res / (1 − (ηV/2N) Σ_{l <= n} m_l λ_l).

    Parameters
    ----------
    d0 : numpy.ndarray
        Initial per-eigenspace errors d^l(0), shape (L,), non-negative (see :func:`linear_d0`).
    spectrum : Spectrum
        Eigenvalues λ_l with multiplicities m_l (Tr Σ = N under the default normalisation).
    n_trainable : int
        Number of trained (top) eigenspaces N_l.
    eta : float
        Learning rate η, checked by :func:`~nsl.theory.two_layer.ode.check_eta`.
    V : float, optional
        Σ_i v_i², the sum of the squared student second-layer weights (1 for K = 1, v = 1).
    sgd_noise : bool, optional
        Keep the O(η²) SGD-noise term (True) or drop it (gradient flow in the drift).

    Returns
    -------
    float
        The asymptotic generalisation error ε_g(∞).

    Raises
    ------
    TypeError
        If an argument has the wrong kind.
    ValueError
        If an argument is out of range (``n_trainable`` in [1, L]), or ``eta`` is above the stability
        bound of the trained block.

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 4.3 (scaling law in the number of trainable parameters, ε_g(∞) ∝ N_l^(−β));
    the noise factor 1/(1 − ...) is derived here.

    Examples
    --------
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> sp = power_law_spectrum(4, 1.0, N=8)
    >>> d0 = expected_d0(sp)
    >>> round(linear_eg_infinity_truncated(d0, sp, n_trainable=2, eta=0.1, sgd_noise=False), 6)
    0.060982
    >>> round(linear_eg_infinity_truncated(d0, sp, n_trainable=2, eta=0.1), 6)
    0.063782
    """
    spectrum = check_spectrum(spectrum)
    eta, V = _eta(eta), _V(V)
    d0 = _d0(d0, spectrum)
    mask = check_trainable(check_int(n_trainable, "n_trainable", lo=1, hi=spectrum.L), spectrum.L, "n_trainable")
    lam = spectrum.values
    eres = 0.5 * float(lam[~mask] @ d0[~mask])
    if not np.isfinite(eres):
        raise ValueError("eps_res overflows for these d0 (too large)")
    if not sgd_noise:
        return eres
    s = eta * V / (2 * spectrum.N) * float(np.sum((spectrum.multiplicities * lam)[mask]))
    if s >= 1:
        raise ValueError(f"eta*V = {eta:g}*{V:g} is above the stability bound of the trained block "
                         f"(eta_c = {eta / s:.6g} for V={V:g})")
    return eres / (1 - s)


def trainable_law_curve(n_trainable: np.ndarray, *, beta: float, N: int, eta: float, V: float = 1.0,
                        Dbar: float = 1.0001, sgd_noise: bool = True) -> np.ndarray:
    """E[ε_g(∞)] against N_l for L = N (one eigendirection per eigenvalue), ∝ N_l^{−β} for 1 ≪ N_l ≪ N.

    Parameters
    ----------
    n_trainable : array_like of int
        Numbers of trained eigendirections N_l, each in [1, N].
    beta : float
        Spectrum exponent, > 0.
    N : int
        Input dimension (= L), in [1, 10**7].
    eta : float
        Learning rate η, checked by :func:`~nsl.theory.two_layer.ode.check_eta`.
    V : float, optional
        Σ_i v_i², the sum of the squared student second-layer weights (1 for K = 1, v = 1).
    Dbar : float, optional
        D̄, the initial per-coordinate error.
    sgd_noise : bool, optional
        Keep the O(η²) SGD-noise term (True) or drop it (gradient flow in the drift).

    Returns
    -------
    numpy.ndarray
        ε_g(∞) at each N_l.

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 4.3 and Fig. 3 (ε_g(∞) ∝ N_l^(−β)).

    Examples
    --------
    >>> import numpy as np
    >>> e = trainable_law_curve([8, 16], beta=1.0, N=256, eta=0.05)
    >>> round(float(np.log(e[0] / e[1]) / np.log(2.0)), 2)  # ≈ β
    1.0
    """
    N = check_int(N, "N", lo=1, hi=MAX_EIGENSPACES)
    sp = _power_law(N, beta, N)
    eta, V = _eta(eta), _V(V)
    Dbar = check_real(Dbar, "Dbar", lo=0.0)
    ns = check_int_array(n_trainable, "n_trainable", lo=1)
    if ns.ndim > 1 or ns.size == 0 or ns.max() > N:
        raise ValueError(f"n_trainable must be a non-empty 1-D array of integers in [1, N={N}], got shape {ns.shape}"
                         + (f", max {ns.max()}" if ns.size else ""))
    d0 = sp.multiplicities / sp.N * Dbar
    return np.array([linear_eg_infinity_truncated(d0, sp, n_trainable=int(n), eta=eta, V=V, sgd_noise=sgd_noise)
                     for n in np.atleast_1d(ns)])


def symbolic_exponents() -> dict:
    """The linear-network laws as sympy expressions (symbols β, η, V, α, N_l, λ_+, D̄, N, m, L).

    Parameters
    ----------
    None

    Returns
    -------
    dict
        sympy expressions keyed 'exponent_alpha', 'exponent_trainable', 'eg_asymptote',
        'window_low', 'eta_critical_trace_normalised', 'eg_trainable_law'.

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 4 and 4.3 (exponents β/(1+β) in α and β in N_l); prefactors derived here.

    Examples
    --------
    >>> s = symbolic_exponents()
    >>> str(s["exponent_alpha"]), str(s["exponent_trainable"])
    ('beta/(beta + 1)', 'beta')
    """
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
