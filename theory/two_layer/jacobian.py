"""Closed-form Jacobian of the eigenspace ODEs (``ode.TwoLayerODE``) for g = erf(·/√2) and g(x) = x.

Every Gaussian integral of the soft-committee ODEs is an algebraic function of the covariance
entries (Saad & Solla 1995, PRE 52, 4225; Goldt et al. 2019, arXiv:1906.08632, App. A):

- ψ(a, c) = (2/π) Λ^{-1/2},  φ(a, c) = −C_ac ψ / (1 + C_aa),  Λ = (1 + C_aa)(1 + C_cc) − C_ac²;
- I4 = (4/π²) arcsin(s) / √λ4 with s = λ0 / √(λ1 λ2) and λ0, λ1, λ2, λ4 polynomials in the
  ten covariance entries,

so their derivatives with respect to the entries are closed forms too (derived here by the
chain rule).  The right-hand side of eigenspace l (``TwoLayerODE.derivatives``) is linear in
its own overlaps X^l = (q^l, r^l) given the aggregates G = (Q, R) = Σ_l λ_l X^l, and depends on G
through ψ, φ and I4 only; this module returns the two parts of the Jacobian,

    direct_l  = ∂f_l/∂X^l  (G fixed)      and      through_l = ∂f_l/∂G  (X^l fixed),

each (L, p, p) in the packed order of ``TwoLayerODE`` (q_ik for i <= k, then r_in).  For L = 1
the full Jacobian is direct_1 + λ_1 through_1.  Cost: O(L K⁴ + K² (K + M)²) numbers, against p
right-hand sides (O(p K² (K + M)²) arcsines) for finite differences.  The module is internal
(no public names): ``TwoLayerODE.jacobian`` calls it.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__: list[str] = []

_2PI = 2.0 / np.pi
_KAPPA = 4.0 / np.pi ** 2


def _psi_phi_partials(caa, cac, ccc):
    """ψ, φ and their partial derivatives with respect to (C_aa, C_ac, C_cc) (erf; module docstring)."""
    A = 1.0 + caa
    Cc = 1.0 + ccc
    lam = A * Cc - cac * cac
    psi = _2PI / np.sqrt(lam)
    psi_aa = -0.5 * psi * Cc / lam
    psi_cc = -0.5 * psi * A / lam
    psi_ac = psi * cac / lam
    phi = -cac * psi / A
    phi_aa = cac * psi / (A * A) - cac * psi_aa / A
    phi_ac = -(psi + cac * psi_ac) / A
    phi_cc = -cac * psi_cc / A
    return psi, (psi_aa, psi_ac, psi_cc), phi, (phi_aa, phi_ac, phi_cc)


def _i4_gradient_erf(Om: np.ndarray, iu: np.ndarray, ku: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """∂/∂Ω_xy of Σ_ab c_a c_b I4(i, k, a, b) for each pair (i, k) = (iu[q], ku[q]): (pairs, P, P).

    Ω (P, P) is the covariance of (λ_1..λ_K, ν_1..ν_M).  Partial derivatives are accumulated on
    the entry (x, y) in the orientation in which the integral uses it; a symmetric variable
    Ω_xy = Ω_yx gets the sum of both orientations.
    """
    P = Om.shape[0]
    d = np.diag(Om)
    x = Om[iu, :]  # (q, P): C(λ_i, u_a)
    y = Om[ku, :]
    a1 = (1.0 + d[iu])[:, None]
    a2 = (1.0 + d[ku])[:, None]
    c12 = Om[iu, ku][:, None]
    lam4 = a1 * a2 - c12 * c12  # (q, 1)
    da = 1.0 + d[None, :]
    lam1 = lam4 * da - a1 * y * y - a2 * x * x + 2.0 * c12 * x * y  # (q, P)
    rr = 1.0 / np.sqrt(lam1)
    xr, yr = x * rr, y * rr
    l4 = lam4[:, :, None]
    rrab = rr[:, :, None] * rr[:, None, :]
    s = (l4 * Om[None] * rrab - a1[:, :, None] * yr[:, :, None] * yr[:, None, :]
         - a2[:, :, None] * xr[:, :, None] * xr[:, None, :]
         + c12[:, :, None] * (xr[:, :, None] * yr[:, None, :] + yr[:, :, None] * xr[:, None, :]))
    W = np.outer(coef, coef)[None]
    sq4 = np.sqrt(lam4)[:, :, None]
    base = W * _KAPPA / (np.sqrt(1.0 - s * s) * sq4)  # W κ / (√(1−s²) √λ4)
    g0 = base * rrab  # multiplies ∂λ0
    g1 = -0.5 * base * s / lam1[:, :, None]  # multiplies ∂λ1 (a-entries)
    g4 = -0.5 * W * _KAPPA * np.arcsin(s) / (sq4 * l4)  # multiplies ∂λ4
    h1 = g1.sum(axis=2)  # (q, P): Σ_b g1_ab (= Σ_a g2_ab by symmetry)
    S4 = g4.sum(axis=(1, 2))
    g0x, g0y = g0 @ x[:, :, None], g0 @ y[:, :, None]  # (q, P, 1): Σ_b g0_ab x_b, Σ_b g0_ab y_b
    g0x, g0y = g0x[..., 0], g0y[..., 0]
    a1v, a2v, c12v = a1[:, 0], a2[:, 0], c12[:, 0]
    # c13 = Ω_ia and c14 = Ω_ib give the same vector (a <-> b symmetry): twice u on row i
    u = -a2 * g0x + c12 * g0y + h1 * (-2.0 * a2 * x + 2.0 * c12 * y)
    w = -a1 * g0y + c12 * g0x + h1 * (-2.0 * a1 * y + 2.0 * c12 * x)
    g0Om = np.einsum("qab,ab->q", g0, Om)
    yg0y = np.einsum("qa,qa->q", y, g0y)
    xg0x = np.einsum("qa,qa->q", x, g0x)
    yg0x = np.einsum("qa,qa->q", y, g0x)
    h1da = np.einsum("qa,qa->q", h1, da)
    s11 = a2v * g0Om - yg0y + 2.0 * (a2v * h1da - np.einsum("qa,qa->q", h1, y * y)) + S4 * a2v
    s22 = a1v * g0Om - xg0x + 2.0 * (a1v * h1da - np.einsum("qa,qa->q", h1, x * x)) + S4 * a1v
    s12 = (-2.0 * c12v * g0Om + 2.0 * yg0x + 2.0 * (-2.0 * c12v * h1da + 2.0 * np.einsum("qa,qa->q", h1, x * y))
           - 2.0 * c12v * S4)
    D = g0 * l4  # c34 = Ω_ab
    qi = np.arange(iu.size)
    diag = np.arange(P)
    D[:, diag, diag] += 2.0 * h1 * l4[:, :, 0]  # c33 = Ω_aa and c44 = Ω_bb
    D[qi, iu, :] += 2.0 * u
    D[qi, ku, :] += 2.0 * w
    D[qi, iu, iu] += s11
    D[qi, ku, ku] += s22
    D[qi, iu, ku] += s12
    return D


def _pack_cols(D: np.ndarray, K: int, iu: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """(…, P, P) derivatives by full covariance entries -> (…, p) by the packed variables (Q_xy for x <= y, R_xm)."""
    Ds = D[..., :K, :K] + np.swapaxes(D[..., :K, :K], -1, -2)
    colQ = Ds[..., iu[0], iu[1]]
    colQ[..., iu[0] == iu[1]] *= 0.5
    colR = D[..., :K, K:] + np.swapaxes(D[..., K:, :K], -1, -2)
    return np.concatenate([colQ, colR.reshape(*colR.shape[:-2], -1)], axis=-1)


def jacobian_blocks(sys: Any, q: np.ndarray, r: np.ndarray, Q: np.ndarray, R: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """(direct, through), each (L, p, p): ∂f_l/∂X^l with G fixed and ∂f_l/∂G with X^l fixed (module docstring).

    ``sys`` is a :class:`~nsl.theory.two_layer.ode.TwoLayerODE` with activation 'erf' or 'linear';
    q (L, K, K), r (L, K, M) one state, (Q, R) its aggregates.
    """
    K, M, L = sys.K, sys.M, sys.L
    v, w, t = sys.v, sys.w, sys.t
    iu = sys.iu
    nqu = sys.nqu
    p = sys.p
    eyeK = np.eye(K)
    eyeM = np.eye(M)
    pre = sys.eta * (sys.lam * sys.mask)[:, None] * v[None, :]  # (L, K)
    Qd = np.diag(Q)
    Td = np.diag(sys.T)
    erf = sys.act.name == "erf"
    if erf:
        psiT, dpsiT, phiT, dphiT = _psi_phi_partials(Qd[:, None], R, Td[None, :])  # (K, M)
        psiS, dpsiS, phiS, dphiS = _psi_phi_partials(Qd[:, None], Q, Qd[None, :])  # (K, K)
        a = phiT @ w - phiS @ v
    else:
        psiT, psiS = np.ones((K, M)), np.ones((K, K))
        a = np.zeros(K)
    psiSv = psiS * v[None, :]  # ψ'_ij = v_j ψ_ij
    # ---- direct part (linear in X^l): rows dG_ik / dr_in, columns q_xy (full) / r_xm
    # ∂G_ik/∂q_xy = pre_i [a_i δ_ix − ψ'_ix] δ_ky ;  ∂G_ik/∂r_xm = pre_i δ_kx w_m ψ_im
    # ∂dr_in/∂r_xn' = pre_i [a_i δ_ix − ψ'_ix] δ_nn'
    Bm = a[:, None] * eyeK - psiSv  # (i, x)
    dGq = np.einsum("ix,ky->ikxy", Bm, eyeK)
    dGr = np.einsum("kx,im->ikxm", eyeK, psiT * w[None, :])
    drr = np.einsum("ix,nm->inxm", Bm, eyeM)
    # pre_i multiplies rows by their first index i: rows q_ik (i <= k) mix G_ik (pre_i) and G_ki (pre_k)
    direct = _apply_pre(dGq, dGr, None, drr, pre, K, M, iu)
    # ---- through part: derivatives by Q_xy (full entries) and R_xm, per l
    through = np.zeros((L, p, p))
    if erf:
        psi_aa, psi_ac, psi_cc = dpsiS
        phi_aa, phi_ac, phi_cc = dphiS
        psiT_aa, psiT_ac, _ = dpsiT
        phiT_aa, phiT_ac, _ = dphiT
        Acaa = phiT_aa @ w - phi_aa @ v  # (K,)
        for ll in range(L):
            ql, rl, tl = q[ll], r[ll], t[ll]
            # G_ik = pre_i [a_i q_ik + Σ_m w_m ψT_im r_km − Σ_j v_j ψS_ij q_jk]
            diag_G = Acaa[:, None] * ql + (psiT_aa * w) @ rl.T - (psi_aa * v) @ ql  # (i, k)
            diag_r = Acaa[:, None] * rl + (psiT_aa * w) @ tl - (psi_aa * v) @ rl  # (i, n)
            # δ_xi δ_yi [...] + δ_xi (−v_y)[φc_iy X_ik + ψc_iy X_yk] + δ_xy (−v_x)[φcc_ix X_ik + ψcc_ix X_xk]
            GQ = np.zeros((K, K, K, K))
            ii = np.arange(K)
            GQ[ii, :, ii, ii] = diag_G
            GQ[ii, :, ii, :] -= np.einsum("y,iy,ik->iky", v, phi_ac, ql)[ii] + np.einsum("y,iy,yk->iky", v, psi_ac, ql)[ii]
            GQ[:, :, ii, ii] -= (np.einsum("x,ix,ik->ikx", v, phi_cc, ql) + np.einsum("x,ix,xk->ikx", v, psi_cc, ql))
            rQ = np.zeros((K, M, K, K))
            rQ[ii, :, ii, ii] = diag_r
            rQ[ii, :, ii, :] -= np.einsum("y,iy,in->iny", v, phi_ac, rl)[ii] + np.einsum("y,iy,yn->iny", v, psi_ac, rl)[ii]
            rQ[:, :, ii, ii] -= (np.einsum("x,ix,in->inx", v, phi_cc, rl) + np.einsum("x,ix,xn->inx", v, psi_cc, rl))
            # ∂G_ik/∂R_xm = δ_ix w_m [φTc_im q_ik + ψTc_im r_km];  ∂dr_in/∂R_xm = δ_ix w_m [φTc_im r_in + ψTc_im t_mn]
            GR = np.zeros((K, K, K, M))
            GR[ii, :, ii, :] = (np.einsum("m,im,ik->ikm", w, phiT_ac, ql)
                                + np.einsum("m,im,km->ikm", w, psiT_ac, rl))[ii]
            rR = np.zeros((K, M, K, M))
            rR[ii, :, ii, :] = (np.einsum("m,im,in->inm", w, phiT_ac, rl)
                                + np.einsum("m,im,mn->inm", w, psiT_ac, tl))[ii]
            through[ll] = _apply_pre(GQ, GR, rQ, rR, pre[ll:ll + 1], K, M, iu)[0]
    if sys.sgd_noise:
        noise = _noise_gradient(sys, Q, R)  # (nqu, p): ∂ E[g'g'Δ²]_ik / ∂(Q_xy, R_xm), v_i v_k included
        through[:, :nqu, :] += sys.eta ** 2 * sys.c[:, None, None] * noise[None]
    return direct, through


def _noise_gradient(sys: Any, Q: np.ndarray, R: np.ndarray) -> np.ndarray:
    """∂(v_i v_k E[g'(λ_i) g'(λ_k) Δ²])/∂(packed Q, R) for the pairs i <= k: (nqu, p)."""
    K, M = sys.K, sys.M
    iu, ku = sys.iu
    v = sys.v
    P = K + M
    Om = np.empty((P, P))
    Om[:K, :K], Om[:K, K:], Om[K:, :K], Om[K:, K:] = Q, R, R.T, sys.T
    if sys.act.name == "linear":  # I4 = Ω_ab: ∂/∂Ω_ab = c_a c_b for every pair
        D = np.broadcast_to(np.outer(sys.coef, sys.coef), (iu.size, P, P))
    else:
        D = _i4_gradient_erf(Om, iu, ku, sys.coef)
    return _pack_cols(D, K, sys.iu) * (v[iu] * v[ku])[:, None]


def _apply_pre(dGq, dGr, rQ, drr, pre, K, M, iu):
    """Rows (G_ik + G_ki for i <= k, then dr_in) times pre_i, columns packed; (len(pre), p, p).

    dGq (K, K, K, K) and dGr (K, K, K, M): ∂G_ik by q_xy (full entries) and r_xm; rQ (K, M, K, K) or
    None and drr (K, M, K, M): ∂dr_in by q_xy and r_xm.  Column packing: q_xy (x <= y) sums both
    orientations (x < y) for full entries.
    """
    Lp = pre.shape[0]
    i0, k0 = iu
    # rows: dq_ik = pre_i G_ik + pre_k G_ki
    pi, pk = pre[:, i0, None, None], pre[:, k0, None, None]  # (l, nqu, 1, 1)
    rowsQ = pi * dGq[i0, k0][None] + pk * dGq[k0, i0][None]  # (l, nqu, K, K)
    rowsR = pi * dGr[i0, k0][None] + pk * dGr[k0, i0][None]  # (l, nqu, K, M)
    drQ = pre[:, :, None, None, None] * (rQ[None] if rQ is not None else np.zeros((1, K, M, K, K)))
    drR = pre[:, :, None, None, None] * drr[None]
    top = np.concatenate([_q_cols(rowsQ, iu), rowsR.reshape(Lp, -1, K * M)], axis=-1)
    bot = np.concatenate([_q_cols(drQ.reshape(Lp, K * M, K, K), iu), drR.reshape(Lp, K * M, K * M)], axis=-1)
    return np.concatenate([top, bot], axis=1)


def _q_cols(X: np.ndarray, iu) -> np.ndarray:
    """(…, K, K) derivatives by full entries q_xy -> (…, nqu) by q_xy for x <= y (both orientations summed)."""
    Xs = X + np.swapaxes(X, -1, -2)
    out = Xs[..., iu[0], iu[1]]
    out[..., iu[0] == iu[1]] *= 0.5
    return out
