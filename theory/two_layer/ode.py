"""Order-parameter ODEs of online SGD for a two-layer student learning a two-layer teacher.

Model and conventions (Saad & Solla 1995; Goldt et al. 2019; Worschech & Rosenow 2024,
arXiv:2410.09005, Secs. 2-3, for inputs x ~ N(0, Σ) with L distinct eigenvalues):

- pre-activations λ_i = J_i·x/√N (student, K units), ν_n = B_n·x/√N (teacher, M units);
- outputs σ = Σ_i v_i g(λ_i), ζ = Σ_n w_n g(ν_n) with fixed second layers; the defaults
  v_i = w_n = 1 are Saad–Solla's soft committee machine.  The paper's own output prefactor
  (1 or 1/√K, 1/√M) could not be read [unknown]: pass ``v_student=1/np.sqrt(K)`` etc.;
- one fresh sample per step, J_i ← J_i + (η/√N) v_i g'(λ_i) (ζ − σ) x;  time α = steps/N;
- ε_g = ½ E[(σ − ζ)²].

In the eigenspace form (order parameters q^l, r^l, t^l, see ``order_params``) the N → ∞
dynamics is (Δ = ζ − σ, c_l = λ_l m_l / N the eigenspace share of E[x·x]/N):

    dr^l_in/dα = η v_i E[g'(λ_i) Δ ν^l_n]
    dq^l_ik/dα = η v_i E[g'(λ_i) Δ λ^l_k] + η v_k E[g'(λ_k) Δ λ^l_i] + η² v_i v_k c_l E[g'(λ_i) g'(λ_k) Δ²]

with the projected fields' covariances Cov(λ_i, ν^l_n) = λ_l r^l_in, Cov(ν^l_n, ν_m) = λ_l t^l_nm,
and so on.  By Stein's lemma every O(η) term is λ_l times a matrix product of the per-l
overlaps with ψ = E[g'g'] and φ = E[g''g] evaluated on the full (Q, R, T); the η² term uses
I4 on (Q, R, T) only.  ``sgd_noise=False`` drops the η² term (the gradient-flow limit).
For c_l = 1/L (equal multiplicities, Tr Σ = N) this is Worschech & Rosenow's Sec. 3 system.

Near perfect learning (K = M) the same dynamics is continued in residual overlaps relative to the
teacher's fixed point (:class:`ResidualODE`), so ε_g keeps its relative accuracy down to 1e-12 and below.
"""
from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.integrate import solve_ivp

from nsl.theory.spectra import Spectrum
from nsl.theory.two_layer import integrals as it
from nsl.theory.two_layer.integrals import Activation, get_activation
from nsl.theory.two_layer.jacobian import jacobian_blocks
from nsl.theory.two_layer.checks import (MAX_EIGENSPACES, MAX_SCALE, check_choice, check_finite_result,
                                           check_int, check_real, check_real_array, check_second_layer, check_spectrum,
                                           check_trainable, check_units)
from nsl.theory.two_layer.order_params import OrderParameters

#: the latest training time :func:`solve_ode` integrates to (curves of the papers end near α = 1e5-1e6)
ODE_MAX_ALPHA = 1e9
#: the most output points of :func:`log_alpha_grid` and :func:`solve_ode`
MAX_GRID_POINTS = 10**6
#: the ODE methods :func:`solve_ode` accepts
ODE_METHODS = ("auto", "LSODA", "BDF", "Radau", "RK45", "RK23", "DOP853")


__all__ = ["TwoLayerCurve", "TwoLayerODE", "generalization_error", "eg_from_covariances", "solve_ode", "linear_stability_bound",
           "check_eta", "log_alpha_grid", "second_layer_weights", "trainable_mask", "IntegrationError"]


class IntegrationError(RuntimeError, ValueError):
    """The ODE integration could not go on (divergence, or the solver's step size underflowed).

    A ``RuntimeError`` (the integration ran and stopped) and a ``ValueError`` (the cure is another
    value of an argument the message names: η, the second layers, the tolerances or ``max_overlap``).
    """


@dataclass
class TwoLayerCurve:
    """A learning curve: ε_g and the order parameters on an α grid.

    The ODE gives ``eg`` of shape (A,) and q (A, L, K, K), r (A, L, K, M); the simulation gives
    one curve per run: eg (S, A), q (S, A, L, K, K), ...  ``t`` is (L, M, M) (ODE) or (S, L, M, M).
    ``meta`` holds the settings (plain values) and timings.
    """

    alpha: np.ndarray
    eg: np.ndarray
    q: np.ndarray
    r: np.ndarray
    t: np.ndarray
    meta: dict = field(default_factory=dict)

    @property
    def batched(self) -> bool:
        return self.eg.ndim == 2

    def eg_mean(self) -> np.ndarray:
        """Mean ε_g over runs (the curve itself for the ODE)."""
        return self.eg.mean(axis=0) if self.batched else self.eg

    def eg_std(self) -> np.ndarray:
        """Standard deviation of ε_g over runs (zeros for the ODE)."""
        return self.eg.std(axis=0, ddof=1) if self.batched and self.eg.shape[0] > 1 else np.zeros_like(self.eg_mean())

    def to_arrays(self, with_order_parameters: bool = False) -> dict[str, np.ndarray]:
        """Plain arrays for the run store (NPZ)."""
        out = {"alpha": np.asarray(self.alpha), "eg": np.asarray(self.eg)}
        if with_order_parameters:
            out.update(q=np.asarray(self.q), r=np.asarray(self.r), t=np.asarray(self.t))
        return out


def log_alpha_grid(alpha_max: float, n_alpha: int = 200, alpha_min: float | None = None) -> np.ndarray:
    """Log-spaced α grid from ``alpha_min`` (default min(0.01, α_max/100)) to ``alpha_max``.

    Parameters
    ----------
    alpha_max : float
        Last training time α (> 0).
    n_alpha : int, optional
        Number of grid points, in [2, MAX_GRID_POINTS = 1e6].
    alpha_min : float, optional
        First training time, in (0, alpha_max).

    Returns
    -------
    numpy.ndarray
        ``n_alpha`` log-spaced times from alpha_min to alpha_max.

    Raises
    ------
    ValueError
        If an argument is out of range.

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 4 (learning curves are shown against log α). The grid itself is a convenience
    defined here.

    Examples
    --------
    >>> g = log_alpha_grid(1e3, 5)
    >>> g.shape, float(g[0]), float(g[-1])
    ((5,), 0.01, 1000.0)
    """
    alpha_max = check_real(alpha_max, "alpha_max", lo=0.0, lo_open=True)
    n_alpha = check_int(n_alpha, "n_alpha", lo=2, hi=MAX_GRID_POINTS)
    if alpha_min is None:
        lo = min(0.01, alpha_max / 100.0)
    else:
        lo = check_real(alpha_min, "alpha_min", lo=0.0, lo_open=True)
        if not lo < alpha_max:
            raise ValueError(f"alpha_min must be in (0, alpha_max={alpha_max}), got {alpha_min!r}")
    return np.logspace(np.log10(lo), np.log10(alpha_max), n_alpha)


def check_eta(eta: float) -> float:
    """The learning rate η as a float, checked at the door.

    Parameters
    ----------
    eta : float
        Learning rate of online SGD, a real number in (0, 1e100] (η² stays finite).

    Returns
    -------
    float
        ``eta`` as a Python float.

    Raises
    ------
    TypeError
        If ``eta`` is not a real number (a string, None, an array, a bool).
    ValueError
        If ``eta`` is not finite, not positive or above 1e100.

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 3 (η enters the ODEs as η and η²).
    Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines. Phys. Rev. E 52, 4225 (learning rate of the soft-committee ODEs).

    Examples
    --------
    >>> check_eta(0.1)
    0.1
    """
    return check_real(eta, "eta", lo=0.0, lo_open=True, hi=MAX_SCALE)


def second_layer_weights(v: Any, n: int, name: str) -> np.ndarray:
    """Fixed second-layer weights as a length-``n`` float array, checked at the door.

    Parameters
    ----------
    v : float or array_like
        A scalar (the same weight for every unit) or one weight per unit.
    n : int
        The number of units (K for the student, M for the teacher), in [1, 1e6].
    name : str
        The argument's name, used in the error message.

    Returns
    -------
    numpy.ndarray
        Shape (n,), finite, not all zero.

    Raises
    ------
    TypeError
        If ``v`` or ``n`` is of the wrong kind (a string, a ragged list, a fractional ``n``).
    ValueError
        If ``v`` is not finite, above 1e100 in magnitude, has the wrong length, or is all zero.

    References
    ----------
    Saad & Solla, PRE 52, 4225 (1995), Eq. (1) (soft committee, v = 1); Goldt et al.,
    arXiv:1906.08632, Eq. (1) (general second layer).

    Examples
    --------
    >>> second_layer_weights(1.0, 3, "v_student")
    array([1., 1., 1.])
    """
    n = check_units(n, "n")
    if isinstance(v, (np.ndarray, list, tuple)):
        a = check_real_array(v, name)
    else:
        a = np.asarray(check_real(v, name), float)
    if a.size and np.abs(a).max() > MAX_SCALE:
        raise ValueError(f"{name} must hold values with |v| <= {MAX_SCALE:g}, got max |v| = {np.abs(a).max():g}")
    if a.ndim == 0:
        a = np.full(n, float(a))
    if a.shape != (n,) or not np.all(np.isfinite(a)) or np.all(a == 0):
        raise ValueError(f"{name} must be a finite scalar or array of length {n}, not all zero; got {v!r}")
    return a


def trainable_mask(trainable: Any, L: int) -> np.ndarray:
    """Boolean mask over the L eigenspaces saying which ones the student trains.

    Parameters
    ----------
    trainable : None, int or array_like of bool
        None: all L eigenspaces; an int n in [1, L]: the top-n eigenspaces (largest
        eigenvalues first, Worschech & Rosenow 2024, arXiv:2410.09005, Sec. 4.3); or a boolean
        mask of shape (L,) with at least one True entry.
    L : int
        The number of distinct eigenvalues, in [1, 1e7].

    Returns
    -------
    numpy.ndarray
        Shape (L,), dtype bool.

    Raises
    ------
    ValueError
        If ``trainable`` is out of range or has the wrong shape.

    References
    ----------
    Worschech & Rosenow 2024, arXiv:2410.09005, Sec. 4.3 (training a subset of eigenspaces).

    Examples
    --------
    >>> trainable_mask(2, 4)
    array([ True,  True, False, False])
    """
    L = check_int(L, "L", lo=1, hi=MAX_EIGENSPACES)
    if trainable is None:
        return np.ones(L, bool)
    if isinstance(trainable, (list, tuple)):
        try:
            trainable = np.asarray(trainable)
        except ValueError:  # ragged nested sequences
            raise TypeError(f"trainable must be None, an int in [1, L={L}] or a boolean mask of shape (L,)") from None
    if isinstance(trainable, (int, np.integer)) and not isinstance(trainable, (bool, np.bool_)):
        if not (1 <= trainable <= L):
            raise ValueError(f"trainable (number of trained top eigenspaces) must be in [1, L={L}], got {trainable}")
        m = np.zeros(L, bool)
        m[:int(trainable)] = True
        return m
    m = np.asarray(trainable, bool)
    if m.shape != (L,) or not m.any():
        raise ValueError(f"trainable must be an int in [1, L] or a boolean mask of shape (L={L},) with a True entry")
    return m


def linear_stability_bound(spectrum: Spectrum, *, v_student: Any = 1.0, K: int = 1, trainable: Any = None) -> float:
    """Largest stable η of the linear network: η_c = 2N / (Σ_i v_i² · Σ_{l trained} m_l λ_l).

    Derivation (Worschech & Rosenow 2024, arXiv:2410.09005, Sec. 3, linear g): d(d^l)/dα = −2ηV λ_l d^l + η² V² c_l Σ_l' λ_l' d^l' with
    V = Σ v_i²; it is stable iff (ηV/2N) Σ m_l λ_l < 1.  For Tr Σ = N and v = 1: η_c = 2/K.

    Parameters
    ----------
    spectrum : Spectrum
        Eigenvalues λ_l with multiplicities m_l.
    v_student : float or array_like, optional
        Student second-layer weights (a scalar means all equal).
    K : int, optional
        Number of student hidden units.
    trainable : optional
        Which eigenspaces are trained; all by default.

    Returns
    -------
    float
        The critical learning rate η_c.

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 3 (linear activation; the bound is derived here from its ODEs).
    Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines. Phys. Rev. E 52, 4225 (isotropic case).

    Examples
    --------
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> sp = power_law_spectrum(4, 1.0, N=8)
    >>> round(linear_stability_bound(sp), 9), round(linear_stability_bound(sp, K=2), 9)
    (2.0, 1.0)
    """
    spectrum = check_spectrum(spectrum)
    K = check_units(K, "K")
    v = check_second_layer(v_student, K, "v_student")
    mask = check_trainable(trainable, spectrum.L)
    V = float(np.sum(v ** 2))
    tr = float(np.sum((spectrum.multiplicities * spectrum.values)[mask]))
    return float(check_finite_result(2.0 * spectrum.N / (V * tr), "v_student, spectrum"))


def _left(A: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Σ_j A_ij X_ljn for A (…, K, J) and X (…, L, J, N) -> (…, L, K, N), as one matmul over (l, n)."""
    L, J, N = X.shape[-3:]
    Xt = np.swapaxes(X, -3, -2).reshape(*X.shape[:-3], J, L * N)
    out = A @ Xt  # (…, K, L·N)
    return np.swapaxes(out.reshape(*out.shape[:-1], L, N), -3, -2)


class TwoLayerODE:
    """The right-hand side of the eigenspace ODEs, vectorised over (batch, l, i, k, n, m).

    State: y = [X^1, ..., X^L, G] with X^l = (q^l_ik for i <= k, r^l_in) (p = K(K+1)/2 + KM
    numbers per eigenspace) and G = (Q_ik for i <= k, R_in) = Σ_l λ_l X^l carried as extra
    variables (for L = 1, G = λ_1 X^1 is not carried).  Given G, each X^l evolves on its own,
    so the Jacobian is block diagonal in l plus p dense rows and columns (an arrowhead):
    :meth:`jacobian` builds it as a sparse matrix, and the stiff solver's Newton systems
    (``_arrowhead_bdf``: a Schur complement) stay O(L p^3) instead of O((Lp)^3).  For 'erf' and
    'linear' the blocks are closed forms (``jacobian.jacobian_blocks``: derivatives of ψ, φ and
    I4 by the covariance entries), other activations use 2p+1 batched finite differences
    (``fd_jacobian=True`` forces them).  G = Σ_l λ_l X^l is a linear invariant of the augmented
    system, which linear multistep and Runge–Kutta methods preserve.
    """

    def __init__(self, spectrum: Spectrum, t: np.ndarray, *, K: int, activation: str | Activation = "erf",
                 eta: float, v_student: Any = 1.0, v_teacher: Any = 1.0, sgd_noise: bool = True,
                 trainable: Any = None):
        self.act = get_activation(activation)
        # the integrals without their argument checks (the ODE assembles valid covariances itself)
        self._psi, self._phi, self._i4, self._i2 = (it.unchecked(f) for f in (self.act.psi, self.act.phi, self.act.i4,
                                                                              self.act.i2))
        self.eta = check_eta(eta)
        self.lam = np.asarray(spectrum.values, float)
        self.L = spectrum.L
        self.N = spectrum.N
        t = np.asarray(t, float)
        self.M = t.shape[1]
        self.K = int(K)
        self.t = t
        self.v = second_layer_weights(v_student, self.K, "v_student")
        self.w = second_layer_weights(v_teacher, self.M, "v_teacher")
        self.mask = trainable_mask(trainable, self.L)
        self.c = self.lam * spectrum.multiplicities / self.N * self.mask
        self.sgd_noise = bool(sgd_noise)
        self.T = np.einsum("l,lnm->nm", self.lam, t)
        self.iu = np.triu_indices(self.K)
        self.nqu = len(self.iu[0])
        self.p = self.nqu + self.K * self.M
        self.aug = self.L > 1  # L = 1: G = λ_1 X^1 is not carried
        self.n = self.L * self.p + (self.p if self.aug else 0)
        self.coef = np.concatenate([-self.v, self.w])
        self.nfev = 0
        self.njev = 0
        self.max_overlap = np.inf  # solve_ode sets its max_overlap: __call__ raises IntegrationError above it
        # closed-form Jacobian (``jacobian.jacobian_blocks``) for erf and linear; finite differences otherwise
        self.fd_jacobian = self.act.name not in ("erf", "linear")
        # finite differences only, L = 1 with many variables: the Newton matrix leaves out the O(η²) I4
        # term, whose differences cost p full I4 grids; the iterates' accuracy is set by the error control
        self.approx_jacobian = self.L == 1 and self.p >= 100

    # -- packing ---------------------------------------------------------------------------
    def _block(self, q: np.ndarray, r: np.ndarray) -> np.ndarray:
        """(..., K, K), (..., K, M) -> (..., p)."""
        lead = r.shape[:-2]
        return np.concatenate([q[..., self.iu[0], self.iu[1]], r.reshape(*lead, -1)], axis=-1)

    def _unblock(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(..., p) -> (..., K, K) symmetric, (..., K, M)."""
        lead = x.shape[:-1]
        K = self.K
        q = np.zeros((*lead, K, K))
        q[..., self.iu[0], self.iu[1]] = x[..., :self.nqu]
        q[..., self.iu[1], self.iu[0]] = x[..., :self.nqu]
        return q, x[..., self.nqu:].reshape(*lead, K, self.M)

    def pack(self, q: np.ndarray, r: np.ndarray) -> np.ndarray:
        """(…, L, K, K), (…, L, K, M) -> (…, n) with the invariant G = Σ λ_l X^l appended."""
        X = self._block(q, r)  # (..., L, p)
        lead = X.shape[:-2]
        if not self.aug:
            return X.reshape(*lead, -1)
        G = np.einsum("l,...lp->...p", self.lam, X)
        return np.concatenate([X.reshape(*lead, -1), G], axis=-1)

    def unpack(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(…, n) -> q (…, L, K, K) symmetric, r (…, L, K, M)."""
        lead = y.shape[:-1]
        X = y[..., :self.L * self.p].reshape(*lead, self.L, self.p)
        return self._unblock(X)

    def unpack_G(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(…, n) -> the carried (Q, R) (for L = 1: λ_1 (q^1, r^1))."""
        if not self.aug:
            return self._unblock(self.lam[0] * y[..., :self.p])
        return self._unblock(y[..., self.L * self.p:])

    # -- physics ---------------------------------------------------------------------------
    def covariances(self, q: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        Q = np.tensordot(q, self.lam, axes=([q.ndim - 3], [0]))
        R = np.tensordot(r, self.lam, axes=([r.ndim - 3], [0]))
        return Q, R

    def i4_matrix(self, Q: np.ndarray, R: np.ndarray) -> np.ndarray:
        """E[g'(λ_i) g'(λ_k) Δ²] for all (i, k): Σ_ab c_a c_b I4(i, k, a, b), batched (…, K, K).

        Only the pairs i <= k are evaluated (the matrix is symmetric).  For the erf, the pieces of
        Saad & Solla's I4 that depend on fewer indices (λ4 on (i, k), λ1 on (i, k, a)) are formed
        once and only λ0 and the arcsin run over (i, k, a, b).
        """
        K, M = self.K, self.M
        lead = Q.shape[:-2]
        T = np.broadcast_to(self.T, (*lead, M, M))
        top = np.concatenate([Q, R], axis=-1)
        bot = np.concatenate([np.swapaxes(R, -1, -2), T], axis=-1)
        Om = np.concatenate([top, bot], axis=-2)  # (..., P, P)
        P = K + M
        iu, ku = self.iu
        coef = self.coef
        if self.act.name == "linear":  # I4 = C34: Σ_ab c_a c_b Ω_ab for every (i, k)
            val = np.einsum("...ab,a,b->...", Om, coef, coef)
            return np.broadcast_to(val[..., None, None], (*lead, K, K)).copy()
        if self.act.name != "erf":  # a generic activation: its own I4 on the full grid
            d = np.diagonal(Om, axis1=-2, axis2=-1)
            S = Om[..., :K, :]
            Qd = d[..., :K]
            I4 = self._i4(Qd[..., :, None, None, None], Q[..., :, :, None, None], S[..., :, None, :, None],
                             S[..., :, None, None, :], Qd[..., None, :, None, None], S[..., None, :, :, None],
                             S[..., None, :, None, :], d[..., None, None, :, None], Om[..., None, None, :, :],
                             d[..., None, None, None, :])
            return np.einsum("...ikab,a,b->...ik", I4, coef, coef)
        flat = Om.reshape(-1, P, P)
        B = flat.shape[0]
        npair = iu.size
        out = np.empty((B, K, K))
        step = max(1, int(2e6 // (npair * P * P)))
        # s_ab is symmetric in (a, b): the arcsin runs over a <= b only, off-diagonal terms weighted twice
        ta, tb = np.triu_indices(P)
        wt = np.outer(coef, coef)[ta, tb] * np.where(ta == tb, 1.0, 2.0)
        for b0 in range(0, B, step):
            Ob = flat[b0:b0 + step]  # (b, P, P)
            d = np.diagonal(Ob, axis1=-2, axis2=-1)  # (b, P)
            x = Ob[:, iu, :]  # (b, pair, P): C(λ_i, ·)
            y = Ob[:, ku, :]  # C(λ_k, ·)
            a1 = 1.0 + d[:, iu]
            a2 = 1.0 + d[:, ku]
            c12 = Ob[:, iu, ku]
            lam4 = a1 * a2 - c12 * c12  # (b, pair)
            A1, A2, C12, L4 = (z[..., None] for z in (a1, a2, c12, lam4))
            lam1 = L4 * (1.0 + d[:, None, :]) - A1 * y * y - A2 * x * x + 2.0 * C12 * x * y  # (b, pair, P)
            rr = 1.0 / np.sqrt(lam1)
            # s_ab = λ0_ab r_a r_b with λ0 = λ4 Ω − a1 y⊗y − a2 x⊗x + c12 (x⊗y + y⊗x)
            #      = λ4 Ω_ab r_a r_b − z_a W z_bᵀ,  z_a = r_a (x_a, y_a),  W = [[a2, −c12], [−c12, a1]]
            Z = np.stack([x * rr, y * rr], axis=-1)  # (b, pair, P, 2)
            W = np.empty((*a1.shape, 2, 2))
            W[..., 0, 0], W[..., 1, 1] = a2, a1
            W[..., 0, 1] = W[..., 1, 0] = -c12
            sab = (L4[..., None] * rr[..., :, None]) * (Ob[:, None, :, :] * rr[..., None, :])
            sab -= (Z @ W) @ np.swapaxes(Z, -1, -2)
            val = np.arcsin(sab[..., ta, tb]) @ wt * (4.0 / np.pi ** 2) / np.sqrt(lam4)
            o = out[b0:b0 + step]
            o[:, iu, ku] = val
            o[:, ku, iu] = val
        return out.reshape(*lead, K, K)

    def eg_from(self, Q: np.ndarray, R: np.ndarray) -> np.ndarray:
        """ε_g = ½ E[(σ − ζ)²] from (Q, R) and the fixed T (batched over leading axes)."""
        return _eg(self._i2, Q, R, self.T, self.v, self.w)

    def derivatives(self, q: np.ndarray, r: np.ndarray, Q: np.ndarray | None = None,
                    R: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(dq/dα, dr/dα) for batched q (…, L, K, K), r (…, L, K, M); (Q, R) default to Σ λ_l (q^l, r^l)."""
        v, w, lam, t = self.v, self.w, self.lam, self.t
        if Q is None or R is None:
            Q, R = self.covariances(q, r)
        Qd = np.diagonal(Q, axis1=-2, axis2=-1)  # (..., K)
        Td = np.diag(self.T)
        phiT = self._phi(Qd[..., :, None], R, Td)  # (..., K, M)
        psiT = self._psi(Qd[..., :, None], R, Td) * w
        phiS = self._phi(Qd[..., :, None], Q, Qd[..., None, :])  # (..., K, K)
        psiS = self._psi(Qd[..., :, None], Q, Qd[..., None, :]) * v
        a = phiT @ w - phiS @ v  # (..., K)
        pre = self.eta * (lam * self.mask)[:, None, None] * v[:, None]  # (L, K, 1)
        inner_r = a[..., None, :, None] * r + _left(psiT, t) - _left(psiS, r)
        dr = pre * inner_r
        inner_q = a[..., None, :, None] * q + _left(psiT, np.swapaxes(r, -1, -2)) - _left(psiS, q)
        G = pre * inner_q
        dq = G + np.swapaxes(G, -1, -2)
        if self.sgd_noise:
            I4m = self.i4_matrix(Q, R) * v[:, None] * v[None, :]
            dq = dq + self.eta ** 2 * self.c[:, None, None] * I4m[..., None, :, :]
        return dq, dr

    def rhs_batch(self, Y: np.ndarray) -> np.ndarray:
        """dY/dα for a batch of augmented states Y (B, n)."""
        self.nfev += Y.shape[0]
        q, r = self.unpack(Y)
        Q, R = self.unpack_G(Y)
        dq, dr = self.derivatives(q, r, Q, R)
        return self.pack(dq, dr)

    def __call__(self, alpha: float, y: np.ndarray) -> np.ndarray:
        """solve_ivp signature; y is (n,) or (n, k) (``vectorized=True``)."""
        if y.size and not (-self.max_overlap <= y.min() and y.max() <= self.max_overlap):  # NaN included
            m = float(np.max(np.abs(y)))
            raise IntegrationError(f"the overlaps diverged at alpha={alpha:.6g} (max |q|, |r| = {m:.3g} > max_overlap="
                                   f"{self.max_overlap:g}): eta={self.eta:g} is too large for these second layers "
                                   "(v_student, v_teacher) and initial overlaps; lower eta, or raise max_overlap")
        if y.ndim == 1:
            return self.rhs_batch(y[None, :])[0]
        return self.rhs_batch(y.T).T

    def jacobian_blocks(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Closed-form (∂f_l/∂X^l, ∂f_l/∂G), each (L, p, p), at the state y (``jacobian.jacobian_blocks``)."""
        q, r = self.unpack(y)
        Q, R = self.unpack_G(y)
        return jacobian_blocks(self, q, r, Q, R)

    def dense_jacobian(self, alpha: float, y: np.ndarray) -> np.ndarray:
        """The full Jacobian as a dense (n, n) array (meant for L = 1; see :meth:`jacobian`)."""
        if self.fd_jacobian or self.aug:
            return self.jacobian(alpha, y).toarray()
        self.njev += 1
        direct, through = self.jacobian_blocks(y)
        return direct[0] + self.lam[0] * through[0]

    def jacobian(self, alpha: float, y: np.ndarray):
        """The Jacobian (CSC): the sparse arrowhead (L > 1), full for L = 1.

        'erf' and 'linear' (``fd_jacobian`` False): closed forms (:meth:`jacobian_blocks`).  Otherwise
        2p+1 batched finite differences: ∂f_l/∂X^l (given G) is exact up to rounding (f_l is linear
        in X^l); ∂f/∂G uses forward differences with step √ε·max(|G_j|, 1e-3·max|G|) (relative to
        the state's own scale, so the same code serves the O(1) overlaps and the small residual overlaps).
        """
        from scipy import sparse

        L, p = self.L, self.p
        if not self.fd_jacobian:
            if not self.aug:
                return sparse.csc_matrix(self.dense_jacobian(alpha, y))
            self.njev += 1
            blocks, through = self.jacobian_blocks(y)
            colG = np.concatenate([through.reshape(L * p, p), np.einsum("l,lij->ij", self.lam, through)])
            return self._arrowhead(blocks, colG)
        self.njev += 1
        if not self.aug:
            h = 1.5e-8 * np.maximum(np.abs(y), 1e-3 * np.abs(y).max() + 1e-300)
            batch = np.repeat(y[None, :], p + 1, axis=0)
            batch[1 + np.arange(p), np.arange(p)] += h
            noise = self.sgd_noise
            self.sgd_noise = noise and not self.approx_jacobian
            try:
                F = self.rhs_batch(batch)
            finally:
                self.sgd_noise = noise
            return sparse.csc_matrix(((F[1:] - F[0]) / h[:, None]).T)
        nX = L * p
        hX = np.maximum(np.abs(y[:nX]).reshape(L, p).max(axis=0), 1e-300)  # f_l is linear in X^l: any step
        gs = np.abs(y[nX:])
        hG = 1.5e-8 * np.maximum(gs, 1e-3 * gs.max() + 1e-300)
        batch = np.repeat(y[None, :], 2 * p + 1, axis=0)
        for j in range(p):
            batch[1 + j, j:nX:p] += hX[j]
            batch[1 + p + j, nX + j] += hG[j]
        F = self.rhs_batch(batch)
        F0 = F[0]
        dX = (F[1:1 + p, :nX] - F0[:nX]) / hX[:, None]  # (p[col j], nX)
        blocks = dX.reshape(p, L, p).transpose(1, 2, 0)  # (l, row i, col j)
        colG = ((F[1 + p:] - F0) / hG[:, None]).T  # (n, p)
        return self._arrowhead(blocks, colG)

    def _arrowhead(self, blocks: np.ndarray, colG: np.ndarray):
        """CSC arrowhead from ∂f_l/∂X^l (L, p, p) and the G columns (n, p) (∂dG/∂X^l = λ_l ∂f_l/∂X^l)."""
        from scipy import sparse

        L, p = self.L, self.p
        nX = L * p
        lamb = (self.lam[:, None, None] * blocks)  # ∂dG/∂X^l = λ_l ∂f_l/∂X^l  (l, i, j)
        # assemble COO: block diagonal, the G columns (all rows), the G rows against X columns
        li, ii, jj = np.meshgrid(np.arange(L), np.arange(p), np.arange(p), indexing="ij")
        rows_b = (li * p + ii).ravel()
        cols_b = (li * p + jj).ravel()
        rows_g = np.repeat(np.arange(self.n), p)
        cols_g = np.tile(nX + np.arange(p), self.n)
        rows_r = (nX + ii).ravel()
        cols_r = (li * p + jj).ravel()
        rows = np.concatenate([rows_b, rows_g, rows_r])
        cols = np.concatenate([cols_b, cols_g, cols_r])
        vals = np.concatenate([blocks.ravel(), colG.ravel(), lamb.ravel()])
        return sparse.csc_matrix((vals, (rows, cols)), shape=(self.n, self.n))


class ResidualODE(TwoLayerODE):
    """The same ODE in residual overlaps relative to the teacher's fixed point (K = M, v = w∘π).

    With the teacher units relabelled so that student i learns teacher π(i) (``perm``), the
    weight errors δJ_i = J_i − B_π(i) define per eigenspace

        D^l_ik = δJ_i P_l δJ_k / N,   E^l_in = δJ_i P_l B_n / N,
        r^l = t^l + E^l,   q^l = t^l + E^l + E^lᵀ + D^l,

    and ε_g = O(D) + O(E²) → 0 at perfect learning.  In the ordinary variables ε_g is a
    difference of O(1) numbers (rounding 1e-16 absolute, 1e-4 relative at ε_g = 1e-12); here the
    right-hand side and ε_g are written so that no O(1) terms cancel: with Δ = ζ − σ,

        dE^l/dα = η λ_l v_i [a_i r^l_in + Σ_m Δψ_im t^l_mn − Σ_j ψ_ij v_j E^l_jn]
        dD^l/dα = H^l + H^lᵀ + η² c_l v_i v_k E[g'(λ_i) g'(λ_k) Δ²],
        H^l_ik  = η λ_l v_i [a_i (D^l_ik + E^l_ki) + Σ_m Δψ_im E^l_km − Σ_j ψ_ij v_j D^l_jk],

    where a_i = Σ_m v_m [φ(λ_i, ν_m) − φ(λ_i, λ_m)] and Δψ_im = v_m [ψ(λ_i, ν_m) − ψ(λ_i, λ_m)]
    are evaluated from the exact covariance changes (``integrals.psi_phi_erf_difference``), and
    E[g'g'Δ²] and ε_g = ½ E[(Σ_i v_i (g(λ_i) − g(ν_i)))²] as nested first differences of the
    arcsin forms (``integrals.i4_erf_arcsin_difference``, ``integrals.i2_erf_difference``).  The
    map (q, r) ↔ (D, E) is affine and exact, so this is the same dynamics (Saad & Solla 1995;
    Worschech & Rosenow 2024, arXiv:2410.09005, Sec. 3) with relative rounding ~1e-16/√ε_g.
    """

    def __init__(self, spectrum: Spectrum, t: np.ndarray, perm: np.ndarray, *, K: int,
                 activation: str | Activation = "erf", eta: float, v_student: Any = 1.0, v_teacher: Any = 1.0,
                 sgd_noise: bool = True, trainable: Any = None):
        t = np.asarray(t, float)
        perm = np.asarray(perm, int)
        w = second_layer_weights(v_teacher, t.shape[1], "v_teacher")
        v = second_layer_weights(v_student, K, "v_student")
        if t.shape[1] != K or sorted(perm.tolist()) != list(range(K)) or not np.array_equal(w[perm], v):
            raise ValueError("the residual form needs K = M, a permutation perm and v_student = v_teacher[perm]")
        self.perm = perm
        self.t_orig = t
        self._maps: tuple[np.ndarray, np.ndarray] | None = None
        super().__init__(spectrum, t[:, perm][:, :, perm], K=K, activation=activation, eta=eta, v_student=v,
                         v_teacher=v, sgd_noise=sgd_noise, trainable=trainable)
        if self.act.name not in ("erf", "linear"):
            raise ValueError(f"the residual form is implemented for 'erf' and 'linear', not {self.act.name!r}")

    # -- maps between (q, r) and (D, E) ----------------------------------------------------
    def from_overlaps(self, q: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(q, r) in the original teacher order -> (D, E)."""
        E = np.asarray(r)[..., :, self.perm] - self.t
        D = np.asarray(q) - E - np.swapaxes(E, -1, -2) - self.t
        return 0.5 * (D + np.swapaxes(D, -1, -2)), E

    def to_overlaps(self, D: np.ndarray, E: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(D, E) -> (q, r) in the original teacher order."""
        q = self.t + E + np.swapaxes(E, -1, -2) + D
        r = np.empty_like(E)
        r[..., :, self.perm] = self.t + E
        return q, r

    def jacobian_blocks(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Closed-form blocks in the residual variables: M⁻¹ J M of the ordinary (relabelled) blocks.

        (q, r) = (t + E + Eᵀ + D, t + E) is affine in (D, E) with the same linear part M for every
        eigenspace and for the aggregates, so each block transforms as M⁻¹ B M; the ordinary blocks
        are evaluated at the state's ordinary overlaps (a Newton matrix needs no residual accuracy).
        """
        D, E = self.unpack(y)
        Dc, Ec = self.unpack_G(y)
        Q, R, _, _ = self._fields(Dc, Ec)
        q = self.t + E + np.swapaxes(E, -1, -2) + D
        r = self.t + E
        direct, through = jacobian_blocks(self, q, r, Q, R)
        Mm, Mi = self._affine_maps()
        return Mi @ direct @ Mm, Mi @ through @ Mm

    def _affine_maps(self) -> tuple[np.ndarray, np.ndarray]:
        """M (packed (D, E) -> packed (q, r), linear part) and its inverse, (p, p) each, cached."""
        if self._maps is None:
            K, nqu, p = self.K, self.nqu, self.p
            Mm, Mi = np.eye(p), np.eye(p)
            for a, (i, k) in enumerate(zip(*self.iu)):
                for col in (nqu + i * K + k, nqu + k * K + i):
                    Mm[a, col] += 1.0
                    Mi[a, col] -= 1.0
            self._maps = (Mm, Mi)
        return self._maps

    # -- physics ---------------------------------------------------------------------------
    def _fields(self, Dc: np.ndarray, Ec: np.ndarray):
        T = self.T
        EtD = np.swapaxes(Ec, -1, -2) + Dc  # Cov(δ_i, λ_k) − … : (Ecᵀ + Dc)_ik = Cov(λ_i, δ_k)
        R = T + Ec  # Cov(λ_i, ν_n)
        Q = R + EtD  # Cov(λ_i, λ_k)
        Q = 0.5 * (Q + np.swapaxes(Q, -1, -2))
        dQd = 2.0 * np.diagonal(Ec, axis1=-2, axis2=-1) + np.diagonal(Dc, axis1=-2, axis2=-1)
        return Q, R, EtD, dQd

    def eg_from(self, Dc: np.ndarray, Ec: np.ndarray) -> np.ndarray:
        """ε_g = ½ Σ_ik v_i v_k E[(g(λ_i) − g(ν_i))(g(λ_k) − g(ν_k))] from the residual covariances."""
        v = self.v
        if self.act.name == "linear":
            return 0.5 * np.einsum("...ik,i,k->...", Dc, v, v)
        Q, R, _, dQd = self._fields(Dc, Ec)
        Td = np.diag(self.T)
        Qd = np.diagonal(Q, axis1=-2, axis2=-1)
        # slot a: ν_i -> λ_i (C_aa: T_ii -> Q_ii); slot b = λ_k or ν_k
        d_lam = it.i2_erf_difference(Td[:, None], dQd[..., :, None], np.swapaxes(R, -1, -2), Ec + Dc,
                                     Qd[..., None, :], check=False)
        d_nu = it.i2_erf_difference(Td[:, None], dQd[..., :, None], self.T, Ec, Td[None, :], check=False)
        return 0.5 * np.einsum("...ik,i,k->...", d_lam - d_nu, v, v)

    def i4_delta(self, Q, R, Dc, Ec, EtD, dQd) -> np.ndarray:
        """E[g'(λ_i) g'(λ_k) Δ²] for all (i, k) as nested differences (batched (…, K, K))."""
        v = self.v
        if self.act.name == "linear":
            return np.broadcast_to(np.einsum("...jm,j,m->...", Dc, v, v)[..., None, None], Q.shape).copy()
        K = self.K
        T = self.T
        Td = np.diag(T)
        Qd = np.diagonal(Q, axis1=-2, axis2=-1)
        lead = Q.shape[:-2]
        batch = int(np.prod(lead)) if lead else 1
        iu, ku = self.iu  # the matrix is symmetric (fields 1 and 2 enter I4 alike): pairs i <= k only
        step = max(1, int(2e6 // max(1, batch * K ** 2)))
        out = np.empty((*lead, K, K))
        Rt = np.swapaxes(R, -1, -2)
        EcDc = Ec + Dc
        for p0 in range(0, iu.size, step):
            pi, pk = iu[p0:p0 + step], ku[p0:p0 + step]  # axes below: (…, pair, j, m)
            c11 = Qd[..., pi, None, None]
            c12 = Q[..., pi, pk][..., None, None]
            c22 = Qd[..., pk, None, None]
            c13 = R[..., pi, :][..., None]
            c23 = R[..., pk, :][..., None]
            c33 = Td[None, :, None]
            d13 = EtD[..., pi, :][..., None]
            d23 = EtD[..., pk, :][..., None]
            d33 = dQd[..., None, :, None]
            b_lam = it.i4_erf_arcsin_difference(c11, c12, c22, c13, c23, c33, d13, d23, d33,
                                                Q[..., pi, :][..., None, :], Q[..., pk, :][..., None, :],
                                                Qd[..., None, None, :], Rt[..., None, :, :], EcDc[..., None, :, :],
                                                check=False)
            b_nu = it.i4_erf_arcsin_difference(c11, c12, c22, c13, c23, c33, d13, d23, d33,
                                               R[..., pi, :][..., None, :], R[..., pk, :][..., None, :],
                                               Td[None, None, :], T[None, :, :], Ec[..., None, :, :], check=False)
            lam4 = (1.0 + Qd[..., pi]) * (1.0 + Qd[..., pk]) - Q[..., pi, pk] ** 2
            val = (4.0 / np.pi ** 2) * np.einsum("...qjm,j,m->...q", b_lam - b_nu, v, v) / np.sqrt(lam4)
            out[..., pi, pk] = val
            out[..., pk, pi] = val
        return out

    def derivatives(self, D: np.ndarray, E: np.ndarray, Dc: np.ndarray | None = None,
                    Ec: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(dD/dα, dE/dα) for batched D (…, L, K, K), E (…, L, K, K) (class docstring)."""
        if Dc is None or Ec is None:
            Dc, Ec = self.covariances(D, E)
        v, t, lam = self.v, self.t, self.lam
        Q, R, EtD, dQd = self._fields(Dc, Ec)
        if self.act.name == "linear":
            a = np.zeros(Q.shape[:-1])
            dps = np.zeros_like(Q)
            psiS = np.broadcast_to(v, Q.shape)
        else:
            Qd = np.diagonal(Q, axis1=-2, axis2=-1)
            # (i, m): field c = ν_m -> λ_m: C_ac = R_im -> Q_im, C_cc = T_mm -> Q_mm
            psi_new, dpsi, dphi = it.psi_phi_erf_difference(Qd[..., :, None], R, EtD, np.diag(self.T)[None, :],
                                                            dQd[..., None, :], check=False)
            a = -(dphi @ v)
            dps = -dpsi * v
            psiS = psi_new * v
        pre = self.eta * (lam * self.mask)[:, None, None] * v[:, None]  # (L, K, 1)
        Et = np.swapaxes(E, -1, -2)
        inner_E = a[..., None, :, None] * (t + E) + _left(dps, t) - _left(psiS, E)
        dE = pre * inner_E
        inner_H = a[..., None, :, None] * (D + Et) + _left(dps, Et) - _left(psiS, D)
        H = pre * inner_H
        dD = H + np.swapaxes(H, -1, -2)
        if self.sgd_noise:
            I4m = self.i4_delta(Q, R, Dc, Ec, EtD, dQd) * v[:, None] * v[None, :]
            dD = dD + self.eta ** 2 * self.c[:, None, None] * I4m[..., None, :, :]
        return dD, dE


def specialised_permutation(Q: np.ndarray, R: np.ndarray, T: np.ndarray, v: np.ndarray, w: np.ndarray,
                            min_corr: float = 0.99) -> np.ndarray | None:
    """The permutation π with student i ≈ teacher π(i), or None while the student is not specialised.

    Parameters
    ----------
    Q, R, T : numpy.ndarray
        Pre-activation covariances (K, K), (K, M), (M, M).
    v, w : numpy.ndarray
        Student and teacher second layers.
    min_corr : float
        Every matched pair needs the correlation R_iπ(i)/√(Q_ii T_π(i)π(i)) above this.

    Returns
    -------
    numpy.ndarray or None
        π as an int array when K = M, π is a permutation, all matched correlations exceed
        ``min_corr`` and v = w[π]; otherwise None.

    References
    ----------
    Saad & Solla, PRE 52, 4225 (1995), Sec. IV (specialisation after the symmetric plateau).

    Examples
    --------
    >>> T = np.eye(2)
    >>> specialised_permutation(T, T[:, ::-1], T, np.ones(2), np.ones(2))
    array([1, 0])
    """
    K, M = R.shape
    if K != M:
        return None
    corr = R / np.sqrt(np.outer(np.diag(Q), np.diag(T)))
    perm = np.argmax(corr, axis=1)
    if len(set(perm.tolist())) != K or np.min(corr[np.arange(K), perm]) < min_corr or not np.array_equal(w[perm], v):
        return None
    return perm


def eg_from_covariances(Q: np.ndarray, R: np.ndarray, T: np.ndarray, *, activation: str | Activation = "erf",
                        v_student: Any = 1.0, v_teacher: Any = 1.0, check: bool = True) -> np.ndarray:
    """ε_g = ½[Σ v_i v_k I2(Q) + Σ w_n w_m I2(T) − 2 Σ v_i w_n I2(R)] batched over leading axes of Q, R, T.

    Parameters
    ----------
    Q : numpy.ndarray
        Student-student pre-activation covariances, shape (..., K, K).
    R : numpy.ndarray
        Student-teacher covariances, shape (..., K, M).
    T : numpy.ndarray
        Teacher-teacher covariances, shape (..., M, M).
    activation : str or Activation, optional
        'erf' (g(x) = erf(x/√2)) or 'linear'.
    v_student, v_teacher : float or array_like, optional
        Second-layer weights of the student and the teacher.
    check : bool, optional
        Check the arguments (real covariance arrays of matching shapes, non-negative variances,
        Cauchy–Schwarz); the ODEs pass False on their own states.  NaN, inf or overflowing entries
        (a diverged state) give a non-finite ε_g without an error: the online-SGD simulation reads
        that as divergence.

    Returns
    -------
    numpy.ndarray
        ε_g with the leading (batch) shape of Q, R, T.

    Raises
    ------
    TypeError, ValueError
        A malformed argument, named in the message.

    References
    ----------
    Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines. Phys. Rev. E 52, 4225 (ε_g of the soft committee machine).
    Goldt, S., Advani, M. S., Saxe, A. M., Krzakala, F. & Zdeborová, L. (2019). Dynamics of stochastic
    gradient descent for two-layer neural networks in the teacher-student setup. arXiv:1906.08632, Sec. 2.
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 3.

    Examples
    --------
    >>> import numpy as np
    >>> Q = np.full((2, 2), 1 / 3); R = np.full((2, 2), 1 / np.sqrt(6)); T = np.eye(2)
    >>> round(float(eg_from_covariances(Q, R, T)), 7)  # Saad-Solla symmetric plateau, K = M = 2
    0.0116108
    >>> eg_from_covariances(np.ones((3, 1, 1)), np.ones((3, 1, 1)), np.ones((3, 1, 1))).shape
    (3,)
    """
    act = get_activation(activation)
    if check:
        Q, R, T = _check_covariances(Q, R, T)
    else:
        Q, R, T = (np.asarray(a, float) for a in (Q, R, T))
    v = second_layer_weights(v_student, Q.shape[-1], "v_student")
    w = second_layer_weights(v_teacher, T.shape[-1], "v_teacher")
    return _eg(it.unchecked(act.i2), Q, R, T, v, w)


def _eg(i2: Any, Q: np.ndarray, R: np.ndarray, T: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """ε_g from checked arrays (the body of :func:`eg_from_covariances`)."""
    Qd = np.diagonal(Q, axis1=-2, axis2=-1)
    Td = np.diagonal(T, axis1=-2, axis2=-1)
    ss = i2(Qd[..., :, None], Q, Qd[..., None, :])
    st = i2(Qd[..., :, None], R, Td[..., None, :])
    tt = i2(Td[..., :, None], T, Td[..., None, :])
    return 0.5 * (np.einsum("...ik,i,k->...", ss, v, v) + np.einsum("...nm,n,m->...", tt, w, w)
                  - 2 * np.einsum("...in,i,n->...", st, v, w))


def _numeric_array(x: Any, name: str) -> np.ndarray:
    """``x`` as a float array of real numbers (NaN and inf allowed), or a TypeError naming ``name``."""
    try:
        a = np.asarray(x)
    except ValueError:  # ragged nested sequences
        raise TypeError(f"{name} must be an array of real numbers, got {type(x).__name__}") from None
    if a.dtype == np.bool_ or a.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be an array of real numbers, got dtype {a.dtype}")
    return a.astype(float, copy=False)


def _check_covariances(Q: Any, R: Any, T: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Q (..., K, K), R (..., K, M), T (..., M, M) of real numbers: variances >= 0, |C_ab|² <= C_aa C_bb.

    NaN and inf entries pass (a diverged state): they give a non-finite ε_g, which callers such as
    the online-SGD simulation read as divergence.
    """
    Q, R, T = (_numeric_array(a, n) for a, n in ((Q, "Q"), (R, "R"), (T, "T")))
    for a, n in ((Q, "Q"), (T, "T")):
        if a.ndim < 2 or a.shape[-1] != a.shape[-2] or a.shape[-1] == 0:
            raise ValueError(f"{n} must be a (..., n, n) covariance array with n >= 1, got shape {a.shape}")
    K, M = Q.shape[-1], T.shape[-1]
    if R.ndim < 2 or R.shape[-2:] != (K, M):
        raise ValueError(f"R must have shape (..., K={K}, M={M}) (Q is (..., {K}, {K}), T (..., {M}, {M})), "
                         f"got {R.shape}")
    try:
        np.broadcast_shapes(Q.shape[:-2], R.shape[:-2], T.shape[:-2])
    except ValueError:
        raise ValueError(f"the leading (batch) axes of Q, R and T must broadcast, got {Q.shape}, {R.shape}, "
                         f"{T.shape}") from None
    Qd, Td = np.diagonal(Q, axis1=-2, axis2=-1), np.diagonal(T, axis1=-2, axis2=-1)
    for d, n in ((Qd, "Q"), (Td, "T")):
        if np.any(d < 0):
            raise ValueError(f"{n} must have a non-negative diagonal (variances), got min {d.min():g}")
    slack = 1.0 + 1e-9
    for a, n, da, db in ((Q, "Q", Qd, Qd), (R, "R", Qd, Td), (T, "T", Td, Td)):
        if np.any(a * a > da[..., :, None] * db[..., None, :] * slack + 1e-300):
            raise ValueError(f"{n} is not a covariance: some |{n}_ab|^2 exceeds the product of the variances "
                             "(Cauchy-Schwarz)")
    return Q, R, T


def generalization_error(op: OrderParameters, spectrum: Spectrum, *, activation: str | Activation = "erf",
                         v_student: Any = 1.0, v_teacher: Any = 1.0) -> float:
    """ε_g = ½[Σ v_i v_k I2(λ_i, λ_k) + Σ w_n w_m I2(ν_n, ν_m) − 2 Σ v_i w_n I2(λ_i, ν_n)] (Saad & Solla 1995, Eq. 6).

    Parameters
    ----------
    op : OrderParameters
        Per-eigenspace overlaps q^l, r^l, t^l (L must match ``spectrum``).
    spectrum : Spectrum
        Eigenvalues λ_l with multiplicities m_l.
    activation : str or Activation, optional
        'erf' (g(x) = erf(x/√2)) or 'linear'.
    v_student, v_teacher : float or array_like, optional
        Second-layer weights of the student and the teacher.

    Returns
    -------
    float
        The generalisation error ε_g.

    Raises
    ------
    ValueError
        If the order parameters and the spectrum disagree on L.

    References
    ----------
    Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines. Phys. Rev. E 52, 4225.
    Goldt, S., Advani, M. S., Saxe, A. M., Krzakala, F. & Zdeborová, L. (2019). Dynamics of stochastic
    gradient descent for two-layer neural networks in the teacher-student setup. arXiv:1906.08632, Sec. 2.
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 3 (Q = Σ_l λ_l q^l and the like).

    Examples
    --------
    >>> import numpy as np
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> from nsl.theory.two_layer.order_params import OrderParameters
    >>> sp = power_law_spectrum(1, 0.0, N=8)
    >>> z, one = np.zeros((1, 1, 1)), np.ones((1, 1, 1))
    >>> round(generalization_error(OrderParameters(z, z, one), sp), 6)  # zero student: 1/6
    0.166667
    >>> generalization_error(OrderParameters(one, one, one), sp)  # student = teacher
    0.0
    """
    if not isinstance(op, OrderParameters):
        raise TypeError(f"op must be an OrderParameters (see order_parameters_from_weights), got {type(op).__name__}")
    spectrum = check_spectrum(spectrum)
    if op.L != spectrum.L:
        raise ValueError(f"spectrum has L={spectrum.L} distinct eigenvalues but the order parameters op have L={op.L}")
    sys = TwoLayerODE(spectrum, op.t, K=op.K, activation=activation, eta=1.0, v_student=v_student, v_teacher=v_teacher)
    Q, R, _ = op.covariances(spectrum.values)
    return float(check_finite_result(sys.eg_from(Q, R), "op, spectrum, v_student, v_teacher"))


def _arrowhead_bdf(L: int, p: int) -> type:
    """scipy's BDF with its sparse LU replaced by the arrowhead's Schur complement (same iterates).

    The Newton matrix A = I − cJ of the augmented system has blocks B_l (X^l, X^l), C_l (X^l, G),
    R_l (G, X^l) and D (G, G) and nothing else, so A x = b is solved by x_l = B_l⁻¹(b_l − C_l x_G)
    with (D − Σ_l R_l B_l⁻¹ C_l) x_G = b_G − Σ_l R_l B_l⁻¹ b_l: O(L p³) per factorisation instead
    of a general sparse LU of the whole matrix.
    """
    from scipy.integrate import BDF

    nX = L * p
    li, ii, jj = np.meshgrid(np.arange(L), np.arange(p), np.arange(p), indexing="ij")
    xi, xj = (li * p + ii).ravel(), (li * p + jj).ravel()
    gi, gj = (nX + ii).ravel(), (nX + jj).ravel()
    di, dj = (nX + np.repeat(np.arange(p), p)), (nX + np.tile(np.arange(p), p))
    rows = np.concatenate([xi, xi, gi, di])
    cols = np.concatenate([xj, gj, xj, dj])
    n1, n2, n3 = xi.size, 2 * xi.size, 3 * xi.size

    class ArrowheadBDF(BDF):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.lu = self._arrow_lu
            self.solve_lu = self._arrow_solve

        def _arrow_lu(self, A):
            self.nlu += 1
            v = np.asarray(A.tocsr()[rows, cols]).ravel()
            B, C, R = (v[a:b].reshape(L, p, p) for a, b in ((0, n1), (n1, n2), (n2, n3)))
            Binv = np.linalg.inv(B)
            BiC = Binv @ C
            S = v[n3:].reshape(p, p) - (R @ BiC).sum(axis=0)
            return Binv, BiC, R, np.linalg.inv(S)

        def _arrow_solve(self, LU, b):
            Binv, BiC, R, Sinv = LU
            b = np.asarray(b)
            Bib = (Binv @ b[:nX].reshape(L, p, 1))
            xg = Sinv @ (b[nX:] - (R @ Bib).sum(axis=0)[:, 0])
            xx = Bib[..., 0] - (BiC @ xg)
            return np.concatenate([xx.ravel(), xg])

    return ArrowheadBDF


def _blas_threads(method: str):
    """One BLAS thread while an implicit method runs (``threadpoolctl`` where installed, else no change).

    The stiff solvers factorise dense Newton matrices of a few hundred rows (L = 1) or small
    per-eigenspace blocks (L > 1), where threading gains little; on a loaded machine OpenBLAS's
    threads spin instead: the LU of K = M = 16's 392 rows took 60-160 ms with two threads and
    5 ms with one, measured side by side on the shared 2-core machine.
    """
    if method not in ("BDF", "Radau", "LSODA"):
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def _auto_method(sys: TwoLayerODE) -> str:
    if sys.L == 1:  # LSODA (Adams while non-stiff, BDF with the closed-form dense Jacobian when stiff)
        return "LSODA"
    return "BDF" if sys.L * sys.p ** 3 <= 2e6 else "RK45"


def _solve_segment(sys: TwoLayerODE, y0: np.ndarray, a0: float, a1: float, grid: np.ndarray, method: str,
                   rtol: float, atol: Any, max_step: float, event=None):
    """One solve_ivp call from a0 to a1 with output on the grid points in (a0, a1] (a0 included at 0)."""
    m = (grid > a0) | ((grid == a0) & (a0 == 0.0))
    m &= grid <= a1
    kw: dict[str, Any] = {}
    if method in ("BDF", "Radau") and sys.aug:
        kw["jac"] = sys.jacobian
    elif method in ("BDF", "Radau", "LSODA"):  # L = 1: a full Jacobian, factorised by LAPACK
        kw["jac"] = sys.dense_jacobian
    if event is not None:
        kw["events"] = event
    solver: Any = _arrowhead_bdf(sys.L, sys.p) if method == "BDF" and sys.aug else method
    sol = solve_ivp(sys, (a0, a1), y0, method=solver, t_eval=grid[m], rtol=rtol, atol=atol, max_step=max_step, **kw)
    if sol.status == -1:
        raise IntegrationError(f"ODE integration failed at alpha={sol.t[-1] if sol.t.size else a0:g}: {sol.message} "
                               f"(eta={sys.eta:g} may be too large for these second layers v_student, v_teacher; or "
                               "rtol, atol, max_step too tight)")
    return sol


def _residual_atol(rs: ResidualODE, y: np.ndarray, rtol: float) -> np.ndarray:
    """Absolute tolerances for the residual state: a small fraction of each block's current scale.

    Blocks: D^l and E^l per eigenspace and the carried aggregates.  An eigenspace whose block is
    below its share of the aggregate, max|aggregate| / (L λ_l), gets that share instead (its error
    enters ε_g only through λ_l times it).
    """
    L, p, nqu = rs.L, rs.p, rs.nqu
    X = np.abs(y[:L * p]).reshape(L, p)
    G = np.abs(rs.lam[0] * X[0]) if not rs.aug else np.abs(y[L * p:])
    gD, gE = G[:nqu].max(), G[nqu:].max()
    sD = np.maximum(X[:, :nqu].max(axis=1), gD / (L * rs.lam))
    sE = np.maximum(X[:, nqu:].max(axis=1), gE / (L * rs.lam))
    a = np.empty((L, p))
    a[:, :nqu] = sD[:, None]
    a[:, nqu:] = sE[:, None]
    parts = [a.ravel()]
    if rs.aug:
        parts.append(np.concatenate([np.full(nqu, gD), np.full(p - nqu, gE)]))
    return 1e-2 * rtol * np.maximum(np.concatenate(parts), 1e-300)


def solve_ode(init: OrderParameters, spectrum: Spectrum, *, activation: str | Activation = "erf", eta: float,
              alpha_max: float | None = None, n_alpha: int = 200, alpha_min: float | None = None,
              alpha: np.ndarray | None = None, v_student: Any = 1.0, v_teacher: Any = 1.0, sgd_noise: bool = True,
              trainable: Any = None, method: str = "auto", rtol: float = 1e-10, atol: float = 1e-14,
              allow_unstable: bool = False, max_step: float = np.inf, residual: bool = True,
              eg_floor: float = 1e-12, rtol_residual: float | None = None,
              residual_below: float = 1e-4, jacobian: str = "auto", max_overlap: float = 1e10) -> TwoLayerCurve:
    """Integrate the eigenspace ODEs (module docstring) from ``init`` and return the learning curve.

    Parameters
    ----------
    init : OrderParameters
        Initial overlaps (``random_initial_conditions`` samples them from weights).
    spectrum : Spectrum
        The input covariance's distinct eigenvalues and multiplicities (L must equal init.L).
    activation : {'erf', 'linear'}
        g = erf(x/√2) or g(x) = x.
    eta : float
        Learning rate η > 0 (the update is (η/√N) g' Δ x).
    alpha_max, n_alpha, alpha_min : float, int, float
        The log-spaced output grid (or pass ``alpha`` explicitly).
    v_student, v_teacher : float or array_like
        Fixed second-layer weights (scalars or arrays); 1 = soft committee.
    sgd_noise : bool
        Keep the η² term (False: gradient-flow limit).
    trainable : None, int or array_like of bool
        None (all), an int n (only the top-n eigenspaces are trained, Sec. 4.3 of the paper) or a
        boolean mask over the L eigenspaces.
    method : str
        A ``solve_ivp`` method, or 'auto': for L = 1 'LSODA' with the full closed-form Jacobian
        (K = M = 16, η = 0.1 to α = 1e4: within 4e-5 of DOP853 at rtol 1e-12 over the whole
        curve, 1.1x the CPU time of 'BDF', which is within 2e-4; η = 0.5: 3x faster than 'BDF');
        for L > 1 'BDF' with the sparse
        arrowhead Jacobian of :meth:`TwoLayerODE.jacobian` (the spectrum spans λ_1/λ_L = L^(1+β):
        stiff) while L·p³ <= 2e6 (p = K(K+1)/2 + KM), explicit 'RK45' above that.
    rtol, atol : float
        Tolerances.  ``atol`` applies to the ordinary overlaps; in the residual phase (below) the
        absolute tolerances are 1e-2·rtol times each block's scale, renewed whenever ε_g has
        fallen by 100, so the error control stays relative down to any ε_g.
    allow_unstable : bool
        A linear run with η above the stability bound is refused unless True, and so is an erf
        run with η above 100x the bound 2N/(|v|·max(|v|, |w|)·Tr Σ) (v = v_student, w = v_teacher;
        far above the committee's maximal learning rate, where the integration would need
        ~η·alpha_max steps).
    max_step : float
        Largest step in α.
    residual : bool
        When K = M and the student has specialised (every student unit matched to its own
        teacher unit with correlation > 0.99 and v = w∘π, see :func:`specialised_permutation`)
        and ε_g is below ``residual_below`` · ε_g(0), continue in the residual overlaps of :class:`ResidualODE` (the default).  ε_g is then
        computed without cancellation, so its relative error stays ~rtol·10³ down to ε_g = 1e-12
        and below, where the ordinary overlaps lose it to rounding (1e-16 absolute).  False:
        the ordinary overlaps throughout.
    residual_below : float
        The residual phase starts once the student has specialised and ε_g < residual_below · ε_g(0)
        (the ordinary overlaps are accurate above that and cheaper to integrate).
    rtol_residual : float, optional
        rtol of the residual phase (default max(rtol, 1e-9): its right-hand side carries relative
        rounding ~1e-16/√ε_g, which a tighter rtol would chase with tiny steps).
    jacobian : {'auto', 'finite-difference'}
        The stiff solvers' Jacobian: 'auto' is closed form for 'erf' and 'linear'
        (:meth:`TwoLayerODE.jacobian_blocks`) and finite differences for other activations;
        'finite-difference' forces the differences (the previous code path, kept for comparison:
        for L = 1 with p >= 100 its Newton matrix leaves out the η² term).  The Jacobian only
        drives the Newton iteration: the error control, hence the accuracy, is the same.
    max_overlap : float
        Divergence cap: the integration stops with :class:`IntegrationError` (a ``ValueError``
        naming η and the second layers) once any |q^l_ik| or |r^l_in| exceeds it (a student that
        runs away, η far above its stable range); ``np.inf`` turns the check off.
    eg_floor : float
        The residual phase renews its absolute tolerances each time ε_g falls by 100 while
        ε_g > ``eg_floor``; below it they stay, and the relative accuracy degrades gracefully.
        The default 1e-12 keeps the relative error of ε_g under 1e-5 down to ε_g = 1e-12; renewing
        further costs without bound on curves that decay exponentially (K = M = 2, L = 4, η = 0.1:
        2.9 s to α = 2e4 with 1e-12, 38 s with 1e-13, minutes with 1e-15), while the tail below
        stays within ~1e-5 of the tighter solve (ε_g ≈ 2e-18 there).

    Returns
    -------
    TwoLayerCurve
        eg (A,), q (A, L, K, K), r (A, L, K, M); ``meta`` holds the settings, the solver counts
        and ``alpha_residual`` (where the residual phase began, or None).

    Raises
    ------
    TypeError, ValueError
        An argument of the wrong kind or out of range (named in the message); ``alpha_max`` and the
        last ``alpha`` must be <= ODE_MAX_ALPHA = 1e9, at most MAX_GRID_POINTS = 1e6 output points.
    IntegrationError
        The overlaps exceeded ``max_overlap`` or the solver failed (also a ``ValueError``).

    References
    ----------
    Saad & Solla, PRE 52, 4225 (1995), Eqs. (9)-(11); Goldt et al., arXiv:1906.08632, Eqs. (11)-(13);
    Worschech & Rosenow, arXiv:2410.09005, Sec. 3 (eigenspace order parameters).

    Examples
    --------
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> from nsl.theory.two_layer.order_params import random_initial_conditions
    >>> sp = power_law_spectrum(4, 1.0, N=400)
    >>> op = random_initial_conditions(sp, 2, 2, rng=np.random.default_rng(0))
    >>> curve = solve_ode(op, sp, eta=0.5, alpha_max=10.0, n_alpha=5)
    >>> curve.eg.shape
    (5,)
    """
    if not isinstance(init, OrderParameters):
        raise TypeError(f"init must be an OrderParameters (see random_initial_conditions), got {type(init).__name__}")
    spectrum = check_spectrum(spectrum)
    if spectrum.L != init.L:
        raise ValueError(f"spectrum has L={spectrum.L} distinct eigenvalues but init has L={init.L}")
    act = get_activation(activation)
    eta = check_eta(eta)
    rtol = check_real(rtol, "rtol", lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    atol = check_real(atol, "atol", lo=0.0, lo_open=True)
    max_step = check_real(max_step, "max_step", lo=0.0, lo_open=True, allow_inf=True)
    method = check_choice(method, "method", ODE_METHODS)
    jacobian = check_choice(jacobian, "jacobian", ("auto", "finite-difference"))
    residual_below = check_real(residual_below, "residual_below", lo=0.0, hi=1.0, lo_open=True)
    eg_floor = check_real(eg_floor, "eg_floor", lo=0.0, lo_open=True)
    if rtol_residual is not None:
        rtol_residual = check_real(rtol_residual, "rtol_residual", lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    max_overlap = check_real(max_overlap, "max_overlap", lo=0.0, lo_open=True, allow_inf=True)
    if alpha is None and alpha_max is None:
        raise ValueError("alpha_max (> 0) or an explicit alpha grid is required")
    if alpha is None:
        alpha_max = check_real(alpha_max, "alpha_max", lo=0.0, lo_open=True, hi=ODE_MAX_ALPHA)
        grid = log_alpha_grid(alpha_max, n_alpha, alpha_min)
    else:
        grid = check_real_array(alpha, "alpha", ndim=1, lo=0.0, min_size=1)
        if np.any(np.diff(grid) <= 0) or grid[-1] > ODE_MAX_ALPHA or grid.size > MAX_GRID_POINTS:
            raise ValueError(f"alpha must be a 1-D increasing array of at most {MAX_GRID_POINTS} values in "
                             f"[0, {ODE_MAX_ALPHA:g}]")
    sys = TwoLayerODE(spectrum, init.t, K=init.K, activation=act, eta=eta, v_student=v_student,
                      v_teacher=v_teacher, sgd_noise=sgd_noise, trainable=trainable)
    sys.fd_jacobian = sys.fd_jacobian or jacobian == "finite-difference"
    sys.max_overlap = max_overlap
    if act.name == "linear" and sgd_noise:
        bound = linear_stability_bound(spectrum, v_student=v_student, K=init.K, trainable=trainable)
        if eta >= bound and not allow_unstable:
            raise ValueError(f"eta={eta} is at or above the linear stability bound eta_c={bound:.6g} "
                             f"(2N / (sum v_i^2 * Tr Sigma)); pass allow_unstable=True to integrate anyway")
    if act.name != "linear":
        # the range the ODE is meant for: η at most 100x the linear bound 2N/(|v|·max(|v|, |w|)·Tr Σ) (far past
        # the erf committee's own maximal learning rate); above it the overlaps change on time scales
        # ~1/(η·v·w) and an integration to alpha_max needs ~η·alpha_max steps (eta=1e12 hung)
        tr = float(np.sum((spectrum.multiplicities * spectrum.values)[sys.mask]))
        vn, wn = float(np.linalg.norm(sys.v)), float(np.linalg.norm(sys.w))
        eta_lim = 200.0 * spectrum.N / (vn * max(vn, wn) * tr)
        if eta > eta_lim and not allow_unstable:
            raise ValueError(f"eta={eta:g} is above the range the ODE integrates, eta <= {eta_lim:.4g} = 100x "
                             f"2N/(|v|·max(|v|, |w|)·Tr Sigma) for these v_student, v_teacher, trainable and spectrum; "
                             "pass allow_unstable=True to integrate anyway")
    meth = _auto_method(sys) if method == "auto" else method
    a_end = float(grid[-1])
    A = grid.size
    q_out = np.empty((A, sys.L, sys.K, sys.K))
    r_out = np.empty((A, sys.L, sys.K, sys.M))
    eg_out = np.empty(A)
    with _blas_threads(meth):
        t0 = time.perf_counter()
        # phase 1: the ordinary overlaps, until the student has specialised (event) or to the end
        watch = bool(residual) and sys.K == sys.M

        y_init = sys.pack(init.q, init.r)
        theta = residual_below * float(sys.eg_from(*sys.unpack_G(y_init)))

        def specialised(_a, y):
            Q, R = sys.unpack_G(y)
            corr = R / np.sqrt(np.outer(np.diag(Q), np.diag(sys.T)))
            eg = float(sys.eg_from(Q, R))
            return min(float(np.min(np.max(corr, axis=1))) - 0.99, np.log(theta) - np.log(max(eg, 1e-300)))

        specialised.terminal = True  # type: ignore[attr-defined]
        specialised.direction = 1  # type: ignore[attr-defined]
        y, a0, k = y_init, 0.0, 0
        perm = None
        while True:
            sol = _solve_segment(sys, y, a0, a_end, grid, meth, rtol, atol, max_step, specialised if watch else None)
            n = len(sol.t)
            if n:
                q, r = sys.unpack(np.asarray(sol.y).T)
                q_out[k:k + n], r_out[k:k + n] = q, r
                eg_out[k:k + n] = sys.eg_from(*sys.covariances(q, r))
                k += n
            if sol.status != 1:
                break
            a0, y = float(sol.t_events[0][0]), sol.y_events[0][0]
            Q, R = sys.unpack_G(y)
            perm = specialised_permutation(Q, R, sys.T, sys.v, sys.w, min_corr=0.98)
            if perm is not None:
                break
            watch = False  # matched units that do not form a permutation (or v != w∘π): stay in these variables
        alpha_res = None
        if perm is not None and k < A:
            alpha_res = a0
            rs = ResidualODE(spectrum, init.t, perm, K=sys.K, activation=act, eta=eta, v_student=sys.v,
                             v_teacher=sys.w, sgd_noise=sgd_noise, trainable=trainable)
            rs.fd_jacobian = sys.fd_jacobian
            rs.max_overlap = max_overlap
            q0, r0 = sys.unpack(y)
            z = rs.pack(*rs.from_overlaps(q0, r0))
            meth_r = _auto_method(rs) if method == "auto" else method
            rtol_r = max(rtol, 1e-9) if rtol_residual is None else float(rtol_residual)

            def fallen(_a, y_, rs=rs):
                return float(rs.eg_from(*rs.unpack_G(y_))) - fallen.target

            fallen.terminal = True  # type: ignore[attr-defined]
            fallen.direction = -1  # type: ignore[attr-defined]
            while k < A:
                eg_now = float(rs.eg_from(*rs.unpack_G(z)))
                renew = eg_now > eg_floor  # below the floor the last tolerances stay (no further restarts)
                fallen.target = 1e-2 * eg_now  # type: ignore[attr-defined]
                sol = _solve_segment(rs, z, a0, a_end, grid, meth_r, rtol_r, _residual_atol(rs, z, rtol_r), max_step,
                                     fallen if renew else None)
                n = len(sol.t)
                if n:
                    D, E = rs.unpack(np.asarray(sol.y).T)
                    q_out[k:k + n], r_out[k:k + n] = rs.to_overlaps(D, E)
                    eg_out[k:k + n] = rs.eg_from(*rs.covariances(D, E))
                    k += n
                if sol.status != 1:
                    break
                a0, z = float(sol.t_events[0][0]), sol.y_events[0][0]
            sys.nfev += rs.nfev
            sys.njev += rs.njev
    wall = time.perf_counter() - t0
    if k != A:
        raise IntegrationError(f"ODE integration stopped early: {k} of {A} output points (eta={eta:g}; try other "
                               "rtol, atol or max_step)")
    meta = {"source": "ode", "activation": act.name, "eta": float(eta), "K": init.K, "M": init.M, "L": spectrum.L,
            "N": spectrum.N, "sgd_noise": bool(sgd_noise), "method": meth, "rtol": rtol, "atol": atol,
            "nfev": int(sys.nfev), "njev": int(sys.njev), "wall_s": wall, "n_variables": int(sys.n),
            "alpha_residual": alpha_res, "perm": None if perm is None else [int(x) for x in perm]}
    return TwoLayerCurve(grid, eg_out, q_out, r_out, np.asarray(init.t), meta)
