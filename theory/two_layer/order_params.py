"""Per-eigenspace order parameters of the two-layer student–teacher model.

Conventions (nsl, following Saad & Solla 1995 / Goldt et al. 2019, extended to a covariance
Σ = Σ_l λ_l P_l with L distinct eigenvalues, Worschech & Rosenow 2024, Sec. 2-3):

- the input is written in Σ's eigenbasis, coordinates ordered as ``spectrum.full()``
  (descending eigenvalues, eigenspace l occupying m_l consecutive coordinates);
- q^l_ik = J_i P_l J_k / N, r^l_in = J_i P_l B_n / N, t^l_nm = B_n P_l B_m / N;
- the pre-activation covariances are Q = Σ_l λ_l q^l, R = Σ_l λ_l r^l, T = Σ_l λ_l t^l.

The eigenspace form is used instead of the paper's Σ^k hierarchy (J Σ^k B / N): the two are
linked by a Vandermonde matrix, which is catastrophically ill-conditioned for power-law λ.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nsl.theory.spectra import Spectrum
from nsl.theory.two_layer.checks import (MAX_WEIGHTS, check_choice, check_real_array, check_scale, check_spectrum,
                                          check_weight_counts)

__all__ = ["OrderParameters", "order_parameters_from_weights", "sample_weights", "random_initial_conditions"]


def _psd_ok(mats: np.ndarray, tol: float = 1e-9) -> bool:
    sym = 0.5 * (mats + np.swapaxes(mats, -1, -2))
    if not np.allclose(mats, sym, atol=tol, rtol=1e-9):
        return False
    ev = np.linalg.eigvalsh(sym)
    scale = np.maximum(np.abs(ev).max(axis=-1, keepdims=True), 1e-300)
    return bool(np.all(ev >= -tol * np.maximum(scale, 1.0)))


@dataclass(frozen=True)
class OrderParameters:
    """q (L, K, K), r (L, K, M), t (L, M, M): the per-eigenspace overlaps (see module docstring).

    Construction checks that the shapes agree and that, per eigenspace, the block matrix
    [[q^l, r^l], [r^lᵀ, t^l]] is a valid covariance (symmetric, positive semi-definite),
    as every Gram matrix of projected weight vectors is.
    """

    q: np.ndarray
    r: np.ndarray
    t: np.ndarray

    def __post_init__(self) -> None:
        q, r, t = (np.array(a, dtype=float) for a in (self.q, self.r, self.t))
        if q.ndim != 3 or q.shape[1] != q.shape[2] or q.shape[1] < 1:
            raise ValueError(f"q must have shape (L, K, K) with K >= 1, got {q.shape}")
        L, K = q.shape[0], q.shape[1]
        if t.ndim != 3 or t.shape[0] != L or t.shape[1] != t.shape[2] or t.shape[1] < 1:
            raise ValueError(f"t must have shape (L={L}, M, M) with M >= 1, got {t.shape}")
        M = t.shape[1]
        if r.shape != (L, K, M):
            raise ValueError(f"r must have shape (L, K, M) = {(L, K, M)}, got {r.shape}")
        if not (np.all(np.isfinite(q)) and np.all(np.isfinite(r)) and np.all(np.isfinite(t))):
            raise ValueError("order parameters must be finite")
        full = np.concatenate([np.concatenate([q, r], axis=2), np.concatenate([np.swapaxes(r, 1, 2), t], axis=2)], axis=1)
        if not _psd_ok(full):
            raise ValueError("order parameters are not a valid covariance: each [[q^l, r^l], [r^l.T, t^l]] "
                             "must be symmetric positive semi-definite")
        for name, a in (("q", q), ("r", r), ("t", t)):
            a.setflags(write=False)
            object.__setattr__(self, name, a)

    @property
    def L(self) -> int:
        return int(self.q.shape[0])

    @property
    def K(self) -> int:
        return int(self.q.shape[1])

    @property
    def M(self) -> int:
        return int(self.t.shape[1])

    def covariances(self, eigenvalues: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(Q, R, T) = Σ_l λ_l (q^l, r^l, t^l), the pre-activation covariances."""
        lam = np.asarray(eigenvalues, float)
        if lam.shape != (self.L,):
            raise ValueError(f"eigenvalues must have shape (L={self.L},), got {lam.shape}")
        return (np.einsum("l,lik->ik", lam, self.q), np.einsum("l,lin->in", lam, self.r),
                np.einsum("l,lnm->nm", lam, self.t))


def order_parameters_from_weights(J: np.ndarray, B: np.ndarray, spectrum: Spectrum) -> OrderParameters:
    """q^l, r^l, t^l from student weights J (K, N) and teacher weights B (M, N) in Σ's eigenbasis.

    Coordinates are ordered as ``spectrum.full()``.  Also accepts stacked weights
    J (S, K, N), B (S, M, N) and then returns arrays with a leading S axis (not validated),
    used by the simulation.

    Parameters
    ----------
    J : numpy.ndarray
        Student first-layer weights, shape (K, N) or stacked (S, K, N).
    B : numpy.ndarray
        Teacher first-layer weights, shape (M, N) or stacked (S, M, N).
    spectrum : Spectrum
        Eigenvalues λ_l with multiplicities m_l; sets N and the eigenspace blocks.

    Returns
    -------
    OrderParameters or tuple of numpy.ndarray
        The validated overlaps for unstacked weights; the raw (q, r, t) arrays with a leading S
        axis for stacked weights.

    Raises
    ------
    TypeError
        If ``spectrum`` is not a Spectrum or the weights are not arrays of numbers.
    ValueError
        If the weights are not finite, or their shapes disagree with each other or with N.

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 2-3 (order parameters of the power-law spectrum; the eigenspace-projected form
    used here is equivalent to the paper's Σ^k hierarchy and derived here).
    Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines. Phys. Rev. E 52, 4225 (isotropic overlaps Q, R, T).

    Examples
    --------
    >>> import numpy as np
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> sp = power_law_spectrum(4, 1.0, N=8)
    >>> op = order_parameters_from_weights(np.ones((1, 8)), np.ones((1, 8)), sp)
    >>> op.q.shape, op.q.ravel().tolist()
    ((4, 1, 1), [0.25, 0.25, 0.25, 0.25])
    """
    spectrum = check_spectrum(spectrum)
    J = check_real_array(J, "J")
    B = check_real_array(B, "B")
    N = spectrum.N
    for name, W, rows in (("J", J, "K"), ("B", B, "M")):
        if W.ndim not in (2, 3) or W.shape[-1] != N or W.shape[-2] < 1:
            raise ValueError(f"{name} must have shape ({rows}, N={N}) or stacked (S, {rows}, N={N}), got {W.shape}")
    if B.ndim != J.ndim or J.shape[:-2] != B.shape[:-2]:
        raise ValueError(f"J and B must both be unstacked, (K, N) and (M, N), or stacked with the same S, "
                         f"got {J.shape} and {B.shape}")
    idx = np.concatenate([[0], np.cumsum(spectrum.multiplicities)])
    # segment sums over eigenspaces via reduceat on products (vectorised over l)
    q = np.add.reduceat(J[..., :, None, :] * J[..., None, :, :], idx[:-1], axis=-1) / N
    r = np.add.reduceat(J[..., :, None, :] * B[..., None, :, :], idx[:-1], axis=-1) / N
    t = np.add.reduceat(B[..., :, None, :] * B[..., None, :, :], idx[:-1], axis=-1) / N
    q, r, t = (np.moveaxis(a, -1, -3) for a in (q, r, t))
    if J.ndim == 2:
        return OrderParameters(q, r, t)
    return q, r, t  # type: ignore[return-value]


def sample_weights(spectrum: Spectrum, K: int, M: int, *, sigma_J: float = 0.01, sigma_B: float = 1.0,
                   rng: np.random.Generator, teacher: str = "gaussian",
                   max_weights: int = MAX_WEIGHTS) -> tuple[np.ndarray, np.ndarray]:
    """Student J ~ N(0, σ_J² I), teacher B ~ N(0, σ_B² I) (or ±σ_B entries), shapes (K, N), (M, N).

    σ_J = 0.01 is the paper's Figs. 1-3 value; σ_B = 1 (unit teacher weights) is the standard
    choice, not verified from the paper's text [unknown; a parameter].  ``teacher='rademacher'``
    draws B entries ±σ_B: the same first two moments, but every eigendirection carries the
    same teacher weight, which removes the χ² spread of d^l(0) (a variance reduction for
    exponent fits on single runs of the linear network).

    Parameters
    ----------
    spectrum : Spectrum
        Eigenvalues λ_l with multiplicities m_l; sets N and the eigenspace blocks.
    K, M : int
        Numbers of student and teacher hidden units (>= 1).
    sigma_J : float, optional
        Standard deviation of the student weights (>= 0).
    sigma_B : float, optional
        Standard deviation (or ± amplitude) of the teacher weights (> 0).
    rng : numpy.random.Generator
        Source of randomness (``np.random.default_rng(seed)``).
    teacher : {'gaussian', 'rademacher'}, optional
        Distribution of the teacher weights.
    max_weights : int, optional
        Cap on K·N and on M·N, the sizes of J and B (default 10**8, 800 MB each in float64): a call
        above it raises ``ValueError`` naming K or M instead of running out of memory; raise it for
        bigger networks.

    Returns
    -------
    tuple of numpy.ndarray
        (J, B) with shapes (K, N) and (M, N).

    Raises
    ------
    TypeError
        If an argument has the wrong kind (``rng`` not a numpy Generator, ``spectrum`` not a Spectrum).
    ValueError
        If an argument is out of range: K, M in [1, 10**6] with K·N, M·N <= ``max_weights``,
        0 <= σ_J <= 1e100, 0 < σ_B <= 1e100.

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Figs. 1-3 (σ_J = 0.01).
    Goldt, S., Advani, M. S., Saxe, A. M., Krzakala, F. & Zdeborová, L. (2019). Dynamics of stochastic
    gradient descent for two-layer neural networks in the teacher-student setup. arXiv:1906.08632 (Gaussian initialisation of student and teacher).

    Examples
    --------
    >>> import numpy as np
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> J, B = sample_weights(power_law_spectrum(4, 1.0, N=8), 2, 3, rng=np.random.default_rng(0))
    >>> J.shape, B.shape
    ((2, 8), (3, 8))
    """
    spectrum = check_spectrum(spectrum)
    teacher = check_choice(teacher, "teacher", ("gaussian", "rademacher"))
    N = spectrum.N
    K, M = check_weight_counts(N, max_weights, K=K, M=M)
    sigma_J = check_scale(sigma_J, "sigma_J", positive=False)
    sigma_B = check_scale(sigma_B, "sigma_B", positive=True)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    B: np.ndarray
    if teacher == "gaussian":
        B = sigma_B * rng.standard_normal((M, N))
    else:
        B = sigma_B * (2.0 * rng.integers(0, 2, size=(M, N)) - 1.0)
    J = sigma_J * rng.standard_normal((K, N))
    return J, B


def random_initial_conditions(spectrum: Spectrum, K: int, M: int, *, sigma_J: float = 0.01, sigma_B: float = 1.0,
                              rng: np.random.Generator, teacher: str = "gaussian",
                              max_weights: int = MAX_WEIGHTS) -> OrderParameters:
    """Initial overlaps from weights actually sampled at the spectrum's N (Sec. 3 of the paper).

    The O(σ_J/√N) random part of r^l is what breaks the student's permutation symmetry;
    it is kept as sampled, never set to zero.

    Parameters
    ----------
    spectrum : Spectrum
        Eigenvalues λ_l with multiplicities m_l; sets N and the eigenspace blocks.
    K, M : int
        Numbers of student and teacher hidden units (>= 1).
    sigma_J : float, optional
        Standard deviation of the student weights (>= 0).
    sigma_B : float, optional
        Standard deviation (or ± amplitude) of the teacher weights (> 0).
    rng : numpy.random.Generator
        Source of randomness (``np.random.default_rng(seed)``).
    teacher : {'gaussian', 'rademacher'}, optional
        Distribution of the teacher weights.
    max_weights : int, optional
        Cap on K·N and M·N (default 10**8), as in :func:`sample_weights`.

    Returns
    -------
    OrderParameters
        q^l, r^l, t^l of the sampled weights.

    Raises
    ------
    TypeError, ValueError
        As :func:`sample_weights`, naming the argument.

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 3 (initial conditions of the ODEs from sampled weights).
    Goldt, S., Advani, M. S., Saxe, A. M., Krzakala, F. & Zdeborová, L. (2019). Dynamics of stochastic
    gradient descent for two-layer neural networks in the teacher-student setup. arXiv:1906.08632 (initial conditions from sampled weights).

    Examples
    --------
    >>> import numpy as np
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> op = random_initial_conditions(power_law_spectrum(4, 1.0, N=8), 2, 2, rng=np.random.default_rng(0))
    >>> op.L, op.K, op.M
    (4, 2, 2)
    """
    J, B = sample_weights(spectrum, K, M, sigma_J=sigma_J, sigma_B=sigma_B, rng=rng, teacher=teacher,
                          max_weights=max_weights)
    return order_parameters_from_weights(J, B, spectrum)

