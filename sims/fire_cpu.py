"""FIRE relaxation of the twisted-bilayer spin model on a CPU: one fused numba kernel per sample.

The same algorithm and energy as :func:`nsl.sims.spin_textures.relax_fire` (FIRE, Bitzek et al.,
PRL 97, 170201 (2006), in the semi-implicit FIRE 2.0 form of Guénolé et al., Comput. Mater. Sci.
175, 109584 (2020), Alg. 2; uphill steps rejected so the energy never rises), written as loops that
compute the effective field, the tangent force, the energy and the force norms in one pass over
the lattice.  The batched torch version streams a (B, 2, 3, N, N) tensor through ~50 element-wise
kernels per step; here one sample's arrays (about 50 kB at 32²) stay in cache, which is what makes
this path faster on one core (measured in ``python -m nsl.bench deep-regression``).  Float64
throughout (float32 energies cannot resolve the "no uphill step" test at tol 1e-4).

Arrays are padded by one zero pixel on each side: a zero neighbour contributes nothing to the
exchange, DMI or interlayer sums, which is exactly the open boundary of the torch version.
"""
from __future__ import annotations

import math

import numba as nb
import numpy as np

__all__ = ["fire_relax_batch"]


@nb.njit(cache=True, fastmath=True, boundscheck=False, error_model="numpy")
def _force(m, jp, J, D, K, h, F):  # pragma: no cover - compiled
    """F = H − (m·H) m with H = −∂E/∂m on the padded lattice; returns (E, max|F|², Σ|F|²)."""
    Np = m.shape[2]
    e = 0.0
    fmax2 = 0.0
    ff = 0.0
    for ly in range(2):
        o = 1 - ly
        for y in range(1, Np - 1):
            for x in range(1, Np - 1):
                nx = m[ly, 0, y, x + 1] + m[ly, 0, y, x - 1] + m[ly, 0, y + 1, x] + m[ly, 0, y - 1, x]
                ny = m[ly, 1, y, x + 1] + m[ly, 1, y, x - 1] + m[ly, 1, y + 1, x] + m[ly, 1, y - 1, x]
                nz = m[ly, 2, y, x + 1] + m[ly, 2, y, x - 1] + m[ly, 2, y + 1, x] + m[ly, 2, y - 1, x]
                dxz = m[ly, 2, y, x + 1] - m[ly, 2, y, x - 1]
                dyz = m[ly, 2, y + 1, x] - m[ly, 2, y - 1, x]
                div = m[ly, 0, y, x + 1] - m[ly, 0, y, x - 1] + m[ly, 1, y + 1, x] - m[ly, 1, y - 1, x]
                j = jp[y, x]
                mx = m[ly, 0, y, x]
                my = m[ly, 1, y, x]
                mz = m[ly, 2, y, x]
                hx = J * nx - D * dxz + j * m[o, 0, y, x]
                hy = J * ny - D * dyz + j * m[o, 1, y, x]
                hz = J * nz + D * div + 2.0 * K * mz + j * m[o, 2, y, x] + h
                mh = mx * hx + my * hy + mz * hz
                e += -0.5 * mh - 0.5 * h * mz
                fx = hx - mh * mx
                fy = hy - mh * my
                fz = hz - mh * mz
                f2 = fx * fx + fy * fy + fz * fz
                ff += f2
                if f2 > fmax2:
                    fmax2 = f2
                F[ly, 0, y, x] = fx
                F[ly, 1, y, x] = fy
                F[ly, 2, y, x] = fz
    return e, fmax2, ff


@nb.njit(cache=True, fastmath=True, boundscheck=False, error_model="numpy")
def _fire_one(m, jp, J, D, K, h, tol, max_iter, dt0, dt_max, dt_min, a_start):  # pragma: no cover - compiled
    """FIRE 2.0 on one padded sample, in place on ``m``; returns (iterations, energy, max|F|)."""
    f_inc, f_dec, f_a, n_delay = 1.1, 0.5, 0.99, 5
    rel = 64.0 * 2.220446049250313e-16
    Np = m.shape[2]
    F = np.zeros_like(m)
    F2 = np.zeros_like(m)
    m2 = np.zeros_like(m)
    v = np.zeros_like(m)
    E, fmax2, ff = _force(m, jp, J, D, K, h, F)
    dt, alpha, npos, P, it = dt0, a_start, 0, 0.0, 0
    while fmax2 >= tol * tol and it < max_iter:
        if P > 0.0:
            npos += 1
            if npos > n_delay:
                dt = min(dt * f_inc, dt_max)
                alpha *= f_a
        else:
            npos = 0
            v[:] = 0.0
            if it >= n_delay:
                dt = max(dt * f_dec, dt_min)
            alpha = a_start
        vv = 0.0
        for ly in range(2):
            for c in range(3):
                for y in range(1, Np - 1):
                    for x in range(1, Np - 1):
                        t = v[ly, c, y, x] + dt * F[ly, c, y, x]
                        v[ly, c, y, x] = t
                        vv += t * t
        mix = alpha * math.sqrt(vv) / max(math.sqrt(ff), 1e-30)
        for ly in range(2):
            for y in range(1, Np - 1):
                for x in range(1, Np - 1):
                    a0 = (1.0 - alpha) * v[ly, 0, y, x] + mix * F[ly, 0, y, x]
                    a1 = (1.0 - alpha) * v[ly, 1, y, x] + mix * F[ly, 1, y, x]
                    a2 = (1.0 - alpha) * v[ly, 2, y, x] + mix * F[ly, 2, y, x]
                    v[ly, 0, y, x] = a0
                    v[ly, 1, y, x] = a1
                    v[ly, 2, y, x] = a2
                    b0 = m[ly, 0, y, x] + dt * a0
                    b1 = m[ly, 1, y, x] + dt * a1
                    b2 = m[ly, 2, y, x] + dt * a2
                    r = 1.0 / math.sqrt(b0 * b0 + b1 * b1 + b2 * b2)
                    m2[ly, 0, y, x] = b0 * r
                    m2[ly, 1, y, x] = b1 * r
                    m2[ly, 2, y, x] = b2 * r
        E2, fmax2n, ffn = _force(m2, jp, J, D, K, h, F2)
        P = 0.0
        if E2 > E + rel * abs(E):  # uphill: back to the previous state, restart slowly
            v[:] = 0.0
            dt = max(dt * f_dec, dt_min)
            alpha = a_start
            npos = 0
        else:
            m[:] = m2
            F[:] = F2
            E, fmax2, ff = E2, fmax2n, ffn
            for ly in range(2):
                for y in range(1, Np - 1):
                    for x in range(1, Np - 1):
                        vm = v[ly, 0, y, x] * m[ly, 0, y, x] + v[ly, 1, y, x] * m[ly, 1, y, x] + v[ly, 2, y, x] * m[ly, 2, y, x]
                        v0 = v[ly, 0, y, x] - vm * m[ly, 0, y, x]
                        v1 = v[ly, 1, y, x] - vm * m[ly, 1, y, x]
                        v2 = v[ly, 2, y, x] - vm * m[ly, 2, y, x]
                        v[ly, 0, y, x] = v0
                        v[ly, 1, y, x] = v1
                        v[ly, 2, y, x] = v2
                        P += F[ly, 0, y, x] * v0 + F[ly, 1, y, x] * v1 + F[ly, 2, y, x] * v2
        it += 1
    return it, E, math.sqrt(fmax2)


@nb.njit(cache=True)
def _fire_loop(m, jp, J, D, K, h, tol, max_iter, dt_max_factor, a_start, out_it, out_e, out_f):  # pragma: no cover
    for b in range(m.shape[0]):
        dt0 = 0.5 / math.sqrt(4.0 * J[b] + 2.0 * K + 1.0)
        it, e, f = _fire_one(m[b], jp[b], J[b], D[b], K, h, tol, max_iter, dt0, dt_max_factor * dt0, 0.02 * dt0,
                             a_start)
        out_it[b] = it
        out_e[b] = e
        out_f[b] = f


def fire_relax_batch(m0: np.ndarray, jperp: np.ndarray, J, D, K: float, h: float = 0.0, *, tol: float = 1e-4,
                     max_iter: int = 3000, dt_max_factor: float = 2.0, alpha_start: float = 0.25):
    """Relax a batch of bilayer spin states with FIRE, one sample at a time on one core.

    Parameters
    ----------
    m0 : ndarray, shape (B, 2, 3, N, N)
        Initial unit spins (layer, component, y, x).
    jperp : ndarray, shape (B, N, N)
        Moiré interlayer exchange J⊥(r).
    J, D : array_like, shape (B,) or scalar
        Intralayer exchange and interfacial DMI per sample.
    K, h : float
        Easy-axis anisotropy and field along ẑ.
    tol, max_iter : float, int
        Stop when max_i |F_i| < tol or after max_iter steps.
    dt_max_factor, alpha_start : float
        FIRE settings as in :func:`nsl.sims.spin_textures.relax_fire` (dt₀ = 0.5/√(4J + 2K + 1)).

    Returns
    -------
    m, energy, max_force, iterations : ndarray
        Relaxed spins (B, 2, 3, N, N) float64 and per-sample energy, final max|F| and steps.

    References
    ----------
    Bitzek et al., PRL 97, 170201 (2006); Guénolé et al., Comput. Mater. Sci. 175, 109584 (2020), Alg. 2.

    Example
    -------
    >>> m, e, f, it = fire_relax_batch(m0, jp, [1.0], [0.2], 0.3)  # doctest: +SKIP
    """
    m0 = np.asarray(m0, dtype=np.float64)
    if m0.ndim != 5 or m0.shape[1:3] != (2, 3) or m0.shape[3] != m0.shape[4]:
        raise ValueError(f"m0 must have shape (B, 2, 3, N, N), got {m0.shape}")
    B, N = m0.shape[0], m0.shape[3]
    jperp = np.asarray(jperp, dtype=np.float64)
    if jperp.shape != (B, N, N):
        raise ValueError(f"jperp must have shape ({B}, {N}, {N}), got {jperp.shape}")
    if not (tol > 0):
        raise ValueError(f"tol must be > 0, got {tol!r}")
    if not (isinstance(max_iter, (int, np.integer)) and max_iter >= 1):
        raise ValueError(f"max_iter must be an integer >= 1, got {max_iter!r}")
    Jv = np.broadcast_to(np.asarray(J, dtype=np.float64), (B,)).copy()
    Dv = np.broadcast_to(np.asarray(D, dtype=np.float64), (B,)).copy()
    m = np.pad(m0, ((0, 0), (0, 0), (0, 0), (1, 1), (1, 1)))
    jp = np.pad(jperp, ((0, 0), (1, 1), (1, 1)))
    it = np.zeros(B, np.int64)
    e = np.zeros(B)
    f = np.zeros(B)
    _fire_loop(m, jp, Jv, Dv, float(K), float(h), float(tol), int(max_iter), float(dt_max_factor), float(alpha_start),
               it, e, f)
    return np.ascontiguousarray(m[..., 1:-1, 1:-1]), e, f, it
