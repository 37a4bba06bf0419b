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
For c_l = 1/L (equal multiplicities, Tr Σ = N) this is the reference note's Sec. 3.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.integrate import solve_ivp

from nsl.theory.spectra import Spectrum
from nsl.theory.two_layer.integrals import Activation, get_activation
from nsl.theory.two_layer.order_params import OrderParameters

__all__ = ["TwoLayerCurve", "TwoLayerODE", "generalization_error", "eg_from_covariances", "solve_ode", "linear_stability_bound",
           "check_eta", "log_alpha_grid", "second_layer_weights", "trainable_mask"]


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
    """Log-spaced α grid from ``alpha_min`` (default min(0.01, α_max/100)) to ``alpha_max``."""
    if not (np.isfinite(alpha_max) and alpha_max > 0):
        raise ValueError(f"alpha_max must be finite and > 0, got {alpha_max!r}")
    if not isinstance(n_alpha, (int, np.integer)) or n_alpha < 2:
        raise ValueError(f"n_alpha must be an integer >= 2, got {n_alpha!r}")
    lo = min(0.01, alpha_max / 100.0) if alpha_min is None else float(alpha_min)
    if not (0 < lo < alpha_max):
        raise ValueError(f"alpha_min must be in (0, alpha_max={alpha_max}), got {alpha_min!r}")
    return np.logspace(np.log10(lo), np.log10(alpha_max), int(n_alpha))


def check_eta(eta: float) -> float:
    if not (np.isfinite(eta) and eta > 0):
        raise ValueError(f"eta must be finite and > 0, got {eta!r}")
    return float(eta)


def second_layer_weights(v: Any, n: int, name: str) -> np.ndarray:
    """Fixed second-layer weights as a length-``n`` float array, checked at the door.

    Parameters
    ----------
    v : float or array_like
        A scalar (the same weight for every unit) or one weight per unit.
    n : int
        The number of units (K for the student, M for the teacher).
    name : str
        The argument's name, used in the error message.

    Returns
    -------
    numpy.ndarray
        Shape (n,), finite, not all zero.

    Raises
    ------
    ValueError
        If ``v`` is not finite, has the wrong length, or is all zero.

    References
    ----------
    Saad & Solla, PRE 52, 4225 (1995), Eq. (1) (soft committee, v = 1); Goldt et al.,
    arXiv:1906.08632, Eq. (1) (general second layer).

    Examples
    --------
    >>> second_layer_weights(1.0, 3, "v_student")
    array([1., 1., 1.])
    """
    a = np.asarray(v, float)
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
        The number of distinct eigenvalues.

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
    if trainable is None:
        return np.ones(L, bool)
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

    Derivation (reference note Sec. 3): d(d^l)/dα = −2ηV λ_l d^l + η² V² c_l Σ_l' λ_l' d^l' with
    V = Σ v_i²; it is stable iff (ηV/2N) Σ m_l λ_l < 1.  For Tr Σ = N and v = 1: η_c = 2/K.
    """
    v = second_layer_weights(v_student, K, "v_student")
    mask = trainable_mask(trainable, spectrum.L)
    V = float(np.sum(v ** 2))
    tr = float(np.sum((spectrum.multiplicities * spectrum.values)[mask]))
    return 2.0 * spectrum.N / (V * tr)


class TwoLayerODE:
    """The right-hand side of the eigenspace ODEs, vectorised over (batch, l, i, k, n, m).

    State: y = [X^1, ..., X^L, G] with X^l = (q^l_ik for i <= k, r^l_in) (p = K(K+1)/2 + KM
    numbers per eigenspace) and G = (Q_ik for i <= k, R_in) = Σ_l λ_l X^l carried as extra
    variables.  Given G, each X^l evolves on its own, so the Jacobian is block diagonal in l
    plus p dense rows and columns (an arrowhead): :meth:`jacobian` builds it as a sparse
    matrix from 2p+1 batched evaluations, and the stiff solver's LU stays O(L p^3) instead of
    O((Lp)^3).  G = Σ_l λ_l X^l is a linear invariant of the augmented system, which linear
    multistep and Runge–Kutta methods preserve.
    """

    def __init__(self, spectrum: Spectrum, t: np.ndarray, *, K: int, activation: "str | Activation" = "erf",
                 eta: float, v_student: Any = 1.0, v_teacher: Any = 1.0, sgd_noise: bool = True,
                 trainable: Any = None):
        self.act = get_activation(activation)
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
        self.n = self.L * self.p + self.p
        self.coef = np.concatenate([-self.v, self.w])
        self.nfev = 0
        self.njev = 0

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
        G = np.einsum("l,...lp->...p", self.lam, X)
        lead = X.shape[:-2]
        return np.concatenate([X.reshape(*lead, -1), G], axis=-1)

    def unpack(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(…, n) -> q (…, L, K, K) symmetric, r (…, L, K, M)."""
        lead = y.shape[:-1]
        X = y[..., :self.L * self.p].reshape(*lead, self.L, self.p)
        return self._unblock(X)

    def unpack_G(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(…, n) -> the carried (Q, R)."""
        return self._unblock(y[..., self.L * self.p:])

    # -- physics ---------------------------------------------------------------------------
    def covariances(self, q: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        Q = np.einsum("l,...lik->...ik", self.lam, q)
        R = np.einsum("l,...lin->...in", self.lam, r)
        return Q, R

    def i4_matrix(self, Q: np.ndarray, R: np.ndarray) -> np.ndarray:
        """E[g'(λ_i) g'(λ_k) Δ²] for all (i, k): Σ_ab c_a c_b I4(i, k, a, b), batched (…, K, K)."""
        K, M = self.K, self.M
        lead = Q.shape[:-2]
        T = np.broadcast_to(self.T, (*lead, M, M))
        top = np.concatenate([Q, R], axis=-1)
        bot = np.concatenate([np.swapaxes(R, -1, -2), T], axis=-1)
        Om = np.concatenate([top, bot], axis=-2)  # (..., P, P)
        d = np.diagonal(Om, axis1=-2, axis2=-1)  # (..., P)
        Qd = d[..., :K]
        S = Om[..., :K, :]  # (..., K, P) student-vs-all
        P = K + M
        batch = int(np.prod(lead)) if lead else 1
        step = max(1, int(4e6 // max(1, batch * K * P * P)))  # rows i per chunk: bounded temporaries
        out = np.empty((*lead, K, K))
        for i0 in range(0, K, step):
            sl = slice(i0, min(K, i0 + step))
            I4 = self.act.i4(Qd[..., sl, None, None, None], Q[..., sl, :, None, None], S[..., sl, None, :, None],
                             S[..., sl, None, None, :], Qd[..., None, :, None, None], S[..., None, :, :, None],
                             S[..., None, :, None, :], d[..., None, None, :, None], Om[..., None, None, :, :],
                             d[..., None, None, None, :])
            out[..., sl, :] = np.einsum("...ikab,a,b->...ik", I4, self.coef, self.coef)
        return out

    def eg_from(self, Q: np.ndarray, R: np.ndarray) -> np.ndarray:
        """ε_g = ½ E[(σ − ζ)²] from (Q, R) and the fixed T (batched over leading axes)."""
        return eg_from_covariances(Q, R, self.T, activation=self.act, v_student=self.v, v_teacher=self.w)

    def derivatives(self, q: np.ndarray, r: np.ndarray, Q: np.ndarray | None = None,
                    R: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(dq/dα, dr/dα) for batched q (…, L, K, K), r (…, L, K, M); (Q, R) default to Σ λ_l (q^l, r^l)."""
        act, v, w, lam, t = self.act, self.v, self.w, self.lam, self.t
        if Q is None or R is None:
            Q, R = self.covariances(q, r)
        Qd = np.diagonal(Q, axis1=-2, axis2=-1)  # (..., K)
        Td = np.diag(self.T)
        phiT = act.phi(Qd[..., :, None], R, Td)  # (..., K, M)
        psiT = act.psi(Qd[..., :, None], R, Td) * w
        phiS = act.phi(Qd[..., :, None], Q, Qd[..., None, :])  # (..., K, K)
        psiS = act.psi(Qd[..., :, None], Q, Qd[..., None, :]) * v
        a = phiT @ w - phiS @ v  # (..., K)
        pre = self.eta * (lam * self.mask)[:, None, None] * v[:, None]  # (L, K, 1)
        inner_r = (a[..., None, :, None] * r + np.einsum("...im,lmn->...lin", psiT, t)
                   - np.einsum("...ij,...ljn->...lin", psiS, r))
        dr = pre * inner_r
        inner_q = (a[..., None, :, None] * q + np.einsum("...im,...lkm->...lik", psiT, r)
                   - np.einsum("...ij,...ljk->...lik", psiS, q))
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
        if y.ndim == 1:
            return self.rhs_batch(y[None, :])[0]
        return self.rhs_batch(y.T).T

    def jacobian(self, alpha: float, y: np.ndarray):
        """The sparse (CSC) arrowhead Jacobian from 2p+1 batched finite differences.

        ∂f_l/∂X^l (given G) is exact up to rounding (f_l is linear in X^l); ∂f/∂G uses
        central-free forward differences with step √ε·max(|G_j|, 1e-3).
        """
        from scipy import sparse

        self.njev += 1
        L, p = self.L, self.p
        nX = L * p
        hX = 1e-7 * np.maximum(np.abs(y[:nX]).reshape(L, p).max(axis=0), 1e-6)  # one step per local coordinate
        hG = 1.5e-8 * np.maximum(np.abs(y[nX:]), 1e-3)
        batch = np.repeat(y[None, :], 2 * p + 1, axis=0)
        for j in range(p):
            batch[1 + j, j:nX:p] += hX[j]
            batch[1 + p + j, nX + j] += hG[j]
        F = self.rhs_batch(batch)
        F0 = F[0]
        dX = (F[1:1 + p, :nX] - F0[:nX]) / hX[:, None]  # (p[col j], nX)
        blocks = dX.reshape(p, L, p).transpose(1, 2, 0)  # (l, row i, col j)
        colG = ((F[1 + p:] - F0) / hG[:, None]).T  # (n, p)
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


def eg_from_covariances(Q: np.ndarray, R: np.ndarray, T: np.ndarray, *, activation: "str | Activation" = "erf",
                        v_student: Any = 1.0, v_teacher: Any = 1.0) -> np.ndarray:
    """ε_g = ½[Σ v_i v_k I2(Q) + Σ w_n w_m I2(T) − 2 Σ v_i w_n I2(R)] batched over leading axes of Q, R, T."""
    act = get_activation(activation)
    Q, R, T = (np.asarray(a, float) for a in (Q, R, T))
    v = second_layer_weights(v_student, Q.shape[-1], "v_student")
    w = second_layer_weights(v_teacher, T.shape[-1], "v_teacher")
    Qd = np.diagonal(Q, axis1=-2, axis2=-1)
    Td = np.diagonal(T, axis1=-2, axis2=-1)
    ss = act.i2(Qd[..., :, None], Q, Qd[..., None, :])
    st = act.i2(Qd[..., :, None], R, Td[..., None, :])
    tt = act.i2(Td[..., :, None], T, Td[..., None, :])
    return 0.5 * (np.einsum("...ik,i,k->...", ss, v, v) + np.einsum("...nm,n,m->...", tt, w, w)
                  - 2 * np.einsum("...in,i,n->...", st, v, w))


def generalization_error(op: OrderParameters, spectrum: Spectrum, *, activation: "str | Activation" = "erf",
                         v_student: Any = 1.0, v_teacher: Any = 1.0) -> float:
    """ε_g = ½[Σ v_i v_k I2(λ_i, λ_k) + Σ w_n w_m I2(ν_n, ν_m) − 2 Σ v_i w_n I2(λ_i, ν_n)] (Saad & Solla 1995, Eq. 6)."""
    if op.L != spectrum.L:
        raise ValueError(f"spectrum has L={spectrum.L} distinct eigenvalues but the order parameters have L={op.L}")
    sys = TwoLayerODE(spectrum, op.t, K=op.K, activation=activation, eta=1.0, v_student=v_student, v_teacher=v_teacher)
    Q, R, _ = op.covariances(spectrum.values)
    return float(sys.eg_from(Q, R))


def solve_ode(init: OrderParameters, spectrum: Spectrum, *, activation: "str | Activation" = "erf", eta: float,
              alpha_max: float | None = None, n_alpha: int = 200, alpha_min: float | None = None, alpha: np.ndarray | None = None,
              v_student: Any = 1.0, v_teacher: Any = 1.0, sgd_noise: bool = True, trainable: Any = None,
              method: str = "auto", rtol: float = 1e-8, atol: float = 1e-13, allow_unstable: bool = False,
              max_step: float = np.inf) -> TwoLayerCurve:
    """Integrate the eigenspace ODEs (module docstring) from ``init`` and return the learning curve.

    Parameters
    ----------
    init : initial overlaps (``random_initial_conditions`` samples them from weights).
    spectrum : the input covariance's distinct eigenvalues and multiplicities (L must equal init.L).
    activation : 'erf' (g = erf(x/√2)) or 'linear'.
    eta : learning rate η > 0 (the update is (η/√N) g' Δ x).
    alpha_max, n_alpha, alpha_min : the log-spaced output grid (or pass ``alpha`` explicitly).
    v_student, v_teacher : fixed second-layer weights (scalars or arrays); 1 = soft committee.
    sgd_noise : keep the η² term (False: gradient-flow limit).
    trainable : None (all), an int n (only the top-n eigenspaces are trained, Sec. 4.3 of the
        paper) or a boolean mask over the L eigenspaces.
    method : a ``solve_ivp`` method, or 'auto': 'BDF' with the sparse arrowhead Jacobian of
        :meth:`TwoLayerODE.jacobian` (the spectrum spans λ_1/λ_L = L^(1+β): stiff) while
        L·p³ <= 2e6 (p = K(K+1)/2 + KM), explicit 'RK45' above that.
    allow_unstable : a linear run with η above the stability bound is refused unless True.

    Returns a :class:`TwoLayerCurve` with eg (A,), q (A, L, K, K), r (A, L, K, M).
    """
    if not isinstance(init, OrderParameters):
        raise ValueError("init must be an OrderParameters (see random_initial_conditions)")
    if not isinstance(spectrum, Spectrum):
        raise ValueError("spectrum must be a nsl.theory.spectra.Spectrum")
    if spectrum.L != init.L:
        raise ValueError(f"spectrum has L={spectrum.L} distinct eigenvalues but init has L={init.L}")
    act = get_activation(activation)
    check_eta(eta)
    if not (np.isfinite(rtol) and 0 < rtol < 1):
        raise ValueError(f"rtol must be in (0, 1), got {rtol!r}")
    if not (np.isfinite(atol) and atol > 0):
        raise ValueError(f"atol must be > 0, got {atol!r}")
    if alpha is None and alpha_max is None:
        raise ValueError("alpha_max (> 0) or an explicit alpha grid is required")
    grid = log_alpha_grid(alpha_max, n_alpha, alpha_min) if alpha is None else np.asarray(alpha, float)
    if grid.ndim != 1 or grid.size < 1 or np.any(grid < 0) or np.any(np.diff(grid) <= 0):
        raise ValueError("alpha must be a 1-D increasing array of values >= 0")
    sys = TwoLayerODE(spectrum, init.t, K=init.K, activation=act, eta=eta, v_student=v_student,
                      v_teacher=v_teacher, sgd_noise=sgd_noise, trainable=trainable)
    if act.name == "linear" and sgd_noise:
        bound = linear_stability_bound(spectrum, v_student=v_student, K=init.K, trainable=trainable)
        if eta >= bound and not allow_unstable:
            raise ValueError(f"eta={eta} is at or above the linear stability bound eta_c={bound:.6g} "
                             f"(2N / (sum v_i^2 * Tr Sigma)); pass allow_unstable=True to integrate anyway")
    if method == "auto":
        method = "BDF" if sys.L * sys.p ** 3 <= 2e6 else "RK45"
    implicit = method in ("BDF", "Radau")
    y0 = sys.pack(init.q, init.r)
    t0 = time.perf_counter()
    kw = {"jac": sys.jacobian} if implicit else {}
    sol = solve_ivp(sys, (0.0, float(grid[-1])), y0, method=method, t_eval=grid, rtol=rtol, atol=atol,
                    max_step=max_step, **kw)
    wall = time.perf_counter() - t0
    if sol.status != 0 or sol.y.shape[1] != grid.size:
        raise RuntimeError(f"ODE integration failed at alpha={sol.t[-1] if sol.t.size else 0:g}: {sol.message}")
    Y = sol.y.T
    q, r = sys.unpack(Y)
    Q, R = sys.covariances(q, r)
    eg = sys.eg_from(Q, R)
    meta = {"source": "ode", "activation": act.name, "eta": float(eta), "K": init.K, "M": init.M, "L": spectrum.L,
            "N": spectrum.N, "sgd_noise": bool(sgd_noise), "method": method, "rtol": rtol, "atol": atol,
            "nfev": int(sys.nfev), "njev": int(sys.njev), "wall_s": wall, "n_variables": int(sys.n)}
    return TwoLayerCurve(grid, eg, q, r, np.asarray(init.t), meta)
