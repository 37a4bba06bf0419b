"""Gaussian integrals of the soft-committee ODEs for g(x) = erf(x/√2) and g(x) = x.

All expectations are over zero-mean jointly Gaussian fields with the covariance entries
given (``cab`` = Cov(u_a, u_b)); every function broadcasts over its arguments, so whole
index combinations (i, k, n, m, l) are evaluated in one call without Python loops.

The closed forms are those of Saad & Solla (1995, PRE 52, 4225) and Goldt et al. (2019,
arXiv:1906.08632, App. A), for the activation g(x) = erf(x/√2), g'(x) = √(2/π) e^{−x²/2}:

- I2(a, b)        = E[g(u_a) g(u_b)]             = (2/π) arcsin(C12 / √((1+C11)(1+C22)))
- I3(a, b, c)     = E[g'(u_a) u_b g(u_c)]         (Stein: = C12·φ(a,c) + C23·ψ(a,c))
- I4(a, b, c, d)  = E[g'(u_a) g'(u_b) g(u_c) g(u_d)]  (Saad & Solla's arcsin form)

and the two two-field pieces from which I3 is assembled (a field entering linearly needs
only its covariances, Stein's lemma):

- ψ(a, c) = E[g'(u_a) g'(u_c)] = (2/π) / √((1+C_aa)(1+C_cc) − C_ac²)
- φ(a, c) = E[g''(u_a) g(u_c)] = −(2/π) C_ac / ((1+C_aa) √((1+C_aa)(1+C_cc) − C_ac²))

For the linear activation: I2 = C12, ψ = 1, φ = 0, I3 = C23, I4 = C34.
"""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Activation", "ERF", "LINEAR", "ACTIVATIONS", "get_activation",
           "i2_erf", "i3_erf", "i4_erf", "psi_erf", "phi_erf", "i2_linear", "i3_linear", "i4_linear",
           "arcsin_difference", "inv_sqrt_difference", "i2_erf_difference", "psi_phi_erf_difference",
           "i4_erf_arcsin_difference"]

_2PI = 2.0 / np.pi
_CS_TOL = 1e-9  # relative slack of the Cauchy–Schwarz checks (covariances assembled with rounding)


def _short(x: Any) -> str:
    r = repr(x)
    return r if len(r) <= 60 else r[:57] + "..."


def _real(x: Any, name: str) -> np.ndarray:
    """``x`` as a finite float array, or a TypeError/ValueError naming ``name``."""
    if x is None or isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a real number or an array of real numbers, got {_short(x)}")
    try:
        a = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number or an array of real numbers, got {_short(x)}") from None
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite, got {_short(x)}")
    return a


def _covariance_args(names: str, values: tuple, check: bool, variances: str = "",
                     pairs: tuple[tuple[str, str, str], ...] = ()) -> list[np.ndarray]:
    """The covariance entries as float arrays; with ``check`` each is finite, the ``variances`` are
    >= 0, each pair (c_ab, c_aa, c_bb) obeys c_ab² <= c_aa c_bb, and all broadcast together."""
    if not check:
        return [np.asarray(v, float) for v in values]
    keys = names.split()
    arrs = [_real(v, n) for n, v in zip(keys, values)]
    d = dict(zip(keys, arrs))
    for n in variances.split():
        if np.any(d[n] < 0):
            raise ValueError(f"{n} is a variance and must be >= 0, got min {float(np.min(d[n])):g}")
    for ab, aa, bb in pairs:
        if np.any(d[ab] * d[ab] > d[aa] * d[bb] * (1.0 + _CS_TOL) + 1e-300):
            raise ValueError(f"{ab} is a covariance and must satisfy ({ab})^2 <= ({aa})*({bb}) (Cauchy-Schwarz), "
                             f"got {_short(values[keys.index(ab)])}")
    try:
        np.broadcast(*arrs)
    except ValueError:
        raise ValueError(f"{', '.join(keys)} must broadcast against each other, got shapes "
                         f"{[a.shape for a in arrs]}") from None
    return arrs


def _check_psd4(c: list[np.ndarray], names: str) -> None:
    """The 4x4 covariance of (u1..u4) from its ten entries (c11 c12 c13 c14 c22 c23 c24 c33 c34 c44, broadcast)
    must be positive semi-definite (to rounding), else a ValueError naming every entry."""
    c11, c12, c13, c14, c22, c23, c24, c33, c34, c44 = np.broadcast_arrays(*c)
    if c11.size == 0:
        return
    C = np.stack([np.stack([c11, c12, c13, c14], -1), np.stack([c12, c22, c23, c24], -1),
                  np.stack([c13, c23, c33, c34], -1), np.stack([c14, c24, c34, c44], -1)], -2)
    scale = np.maximum(np.abs(C).max(axis=(-2, -1)), 1e-300)
    if np.any(np.linalg.eigvalsh(C).min(axis=-1) < -1e-9 * scale):
        raise ValueError(f"({', '.join(names.split())}) is not a covariance: the 4x4 matrix has a negative eigenvalue")


def _finite_result(out, names: str, what: str, check: bool):
    """``out``, or (with ``check``) a ValueError naming every argument when it is not finite."""
    if check and not all(np.all(np.isfinite(o)) for o in (out if isinstance(out, tuple) else (out,))):
        raise ValueError(f"{what} is not finite: ({', '.join(names.split())}) is not a positive semi-definite "
                         "covariance (or its entries overflow)")
    return out


_I4_NAMES = "c11 c12 c13 c14 c22 c23 c24 c33 c34 c44"
_I4_PAIRS = (("c12", "c11", "c22"), ("c13", "c11", "c33"), ("c14", "c11", "c44"), ("c23", "c22", "c33"),
             ("c24", "c22", "c44"), ("c34", "c33", "c44"))


def i2_erf(c11, c12, c22, *, check: bool = True):
    """E[g(u1) g(u2)] for g = erf(·/√2) (Saad & Solla 1995, Eq. for I2).

    Parameters
    ----------
    c11, c12, c22 : array_like
        Covariance entries Var(u1), Cov(u1, u2), Var(u2); broadcast against each other.

    Returns
    -------
    numpy.ndarray
        (2/π) arcsin(C12 / √((1+C11)(1+C22))), with the broadcast shape of the arguments.

    References
    ----------
        Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines.
        Phys. Rev. E 52, 4225 (integrals I2, I3, I4 of the erf(x/√2) activation).
        Goldt, S., Advani, M. S., Saxe, A. M., Krzakala, F. & Zdeborová, L. (2019). Dynamics of
        stochastic gradient descent for two-layer neural networks in the teacher-student setup.
        arXiv:1906.08632, App. A.

    Examples
    --------
    >>> round(float(i2_erf(1.0, 1.0, 1.0)), 6)  # fully correlated unit fields: (2/π) arcsin(1/2)
    0.333333
    >>> i2_erf([1.0, 1.0], 0.5, 1.0).shape
    (2,)
    """
    c11, c12, c22 = _covariance_args("c11 c12 c22", (c11, c12, c22), check, "c11 c22", (("c12", "c11", "c22"),))
    arg = c12 / np.sqrt((1.0 + c11) * (1.0 + c22))
    return _2PI * np.arcsin(np.clip(arg, -1.0, 1.0) if check else arg)  # clip: the Cauchy–Schwarz slack


def psi_erf(caa, cac, ccc, *, check: bool = True):
    """E[g'(u_a) g'(u_c)] for g = erf(·/√2).

    Parameters
    ----------
    caa, cac, ccc : array_like
        Covariance entries Var(u_a), Cov(u_a, u_c), Var(u_c); broadcast against each other.

    Returns
    -------
    numpy.ndarray
        ψ(a, c) = (2/π) / √((1+C_aa)(1+C_cc) − C_ac²).

    References
    ----------
        Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines.
        Phys. Rev. E 52, 4225 (integrals I2, I3, I4 of the erf(x/√2) activation).
        The split of I3 into ψ and φ by Stein's lemma is derived here.

    Examples
    --------
    >>> round(float(psi_erf(1.0, 0.0, 1.0)), 6)  # independent unit fields: 1/π
    0.31831
    """
    caa, cac, ccc = _covariance_args("caa cac ccc", (caa, cac, ccc), check, "caa ccc", (("cac", "caa", "ccc"),))
    return _2PI / np.sqrt((1.0 + caa) * (1.0 + ccc) - cac * cac)


def phi_erf(caa, cac, ccc, *, check: bool = True):
    """E[g''(u_a) g(u_c)] for g = erf(·/√2).

    Parameters
    ----------
    caa, cac, ccc : array_like
        Covariance entries Var(u_a), Cov(u_a, u_c), Var(u_c); broadcast against each other.

    Returns
    -------
    numpy.ndarray
        φ(a, c) = −(2/π) C_ac / ((1+C_aa) √((1+C_aa)(1+C_cc) − C_ac²)).

    References
    ----------
        Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines.
        Phys. Rev. E 52, 4225 (integrals I2, I3, I4 of the erf(x/√2) activation).
        The split of I3 into ψ and φ by Stein's lemma is derived here.

    Examples
    --------
    >>> round(float(phi_erf(1.0, 0.5, 1.0)), 6)
    -0.082187
    >>> float(phi_erf(1.0, 0.0, 1.0))  # independent fields
    -0.0
    """
    caa, cac, ccc = _covariance_args("caa cac ccc", (caa, cac, ccc), check, "caa ccc", (("cac", "caa", "ccc"),))
    return -_2PI * cac / ((1.0 + caa) * np.sqrt((1.0 + caa) * (1.0 + ccc) - cac * cac))


def i3_erf(c11, c12, c13, c23, c33, *, check: bool = True):
    """E[g'(u1) u2 g(u3)] for g = erf(·/√2) (Saad & Solla 1995, I3); C22 does not enter.

    Parameters
    ----------
    c11, c12, c13, c23, c33 : array_like
        Covariance entries of the fields (u1, u2, u3); broadcast against each other.

    Returns
    -------
    numpy.ndarray
        (2/π) (C23(1+C11) − C12 C13) / ((1+C11) √Λ3) with Λ3 = (1+C11)(1+C33) − C13².

    References
    ----------
        Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines.
        Phys. Rev. E 52, 4225 (integrals I2, I3, I4 of the erf(x/√2) activation).
        Goldt, S., Advani, M. S., Saxe, A. M., Krzakala, F. & Zdeborová, L. (2019). Dynamics of
        stochastic gradient descent for two-layer neural networks in the teacher-student setup.
        arXiv:1906.08632, App. A.

    Examples
    --------
    >>> round(float(i3_erf(1.0, 0.5, 0.3, 0.4, 1.0)), 6)
    0.104635
    >>> bool(i3_erf(1.0, 0.0, 0.0, 0.0, 1.0) == 0.0)  # u2 independent of the rest
    True
    """
    c11, c12, c13, c23, c33 = _covariance_args("c11 c12 c13 c23 c33", (c11, c12, c13, c23, c33), check, "c11 c33",
                                               (("c13", "c11", "c33"),))
    lam3 = (1.0 + c11) * (1.0 + c33) - c13 * c13
    return _2PI * (c23 * (1.0 + c11) - c12 * c13) / ((1.0 + c11) * np.sqrt(lam3))


def i4_erf(c11, c12, c13, c14, c22, c23, c24, c33, c34, c44, *, check: bool = True):
    """E[g'(u1) g'(u2) g(u3) g(u4)] for g = erf(·/√2) (Saad & Solla 1995, I4).

    Parameters
    ----------
    c11, c12, c13, c14, c22, c23, c24, c33, c34, c44 : array_like
        The ten covariance entries of the fields (u1, u2, u3, u4); broadcast against each other.

    Returns
    -------
    numpy.ndarray
        (4/π²) arcsin(Λ0 / √(Λ1 Λ2)) / √Λ4, with the Λ's of Saad & Solla (1995).

    References
    ----------
        Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines.
        Phys. Rev. E 52, 4225 (integrals I2, I3, I4 of the erf(x/√2) activation).
        Goldt, S., Advani, M. S., Saxe, A. M., Krzakala, F. & Zdeborová, L. (2019). Dynamics of
        stochastic gradient descent for two-layer neural networks in the teacher-student setup.
        arXiv:1906.08632, App. A.

    Examples
    --------
    >>> round(float(i4_erf(1.0, 0.2, 0.3, 0.1, 1.0, 0.2, 0.4, 1.0, 0.5, 1.0)), 6)
    0.048111
    """
    c11, c12, c13, c14, c22, c23, c24, c33, c34, c44 = _covariance_args(
        _I4_NAMES, (c11, c12, c13, c14, c22, c23, c24, c33, c34, c44), check, "c11 c22 c33 c44", _I4_PAIRS)
    if check:
        _check_psd4([c11, c12, c13, c14, c22, c23, c24, c33, c34, c44], _I4_NAMES)
    a1, a2 = 1.0 + c11, 1.0 + c22
    lam4 = a1 * a2 - c12 * c12
    lam0 = lam4 * c34 - c23 * c24 * a1 - c13 * c14 * a2 + c12 * c13 * c24 + c12 * c14 * c23
    lam1 = lam4 * (1.0 + c33) - c23 * c23 * a1 - c13 * c13 * a2 + 2.0 * c12 * c13 * c23
    lam2 = lam4 * (1.0 + c44) - c24 * c24 * a1 - c14 * c14 * a2 + 2.0 * c12 * c14 * c24
    return _finite_result((4.0 / np.pi ** 2) * np.arcsin(lam0 / np.sqrt(lam1 * lam2)) / np.sqrt(lam4), _I4_NAMES, "I4",
                          check)


def i2_linear(c11, c12, c22, *, check: bool = True):
    """E[u1 u2] = C12 (linear activation).

    Parameters
    ----------
    c11, c12, c22 : array_like
        Covariance entries; only ``c12`` enters, the others set the broadcast shape.

    Returns
    -------
    numpy.ndarray
        A copy of C12 broadcast to the common shape.

    References
    ----------
        Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks
        with power-law data spectra. arXiv:2410.09005, Sec. 3 (ODEs of the eigenspace order parameters).
        The linear-activation integrals are derived here (Gaussian second moments).

    Examples
    --------
    >>> i2_linear([1.0, 2.0], [0.3, 0.4], 1.0).tolist()
    [0.3, 0.4]
    """
    c11, c12, c22 = _covariance_args("c11 c12 c22", (c11, c12, c22), check, "c11 c22", (("c12", "c11", "c22"),))
    return np.broadcast_arrays(c12, c11, c22)[0].copy()


def _ones(*args):
    return np.ones(np.broadcast(*(np.asarray(a) for a in args)).shape)


def psi_linear(caa, cac, ccc, *, check: bool = True):
    """E[g'g'] = 1 for g(x) = x."""
    return _ones(*_covariance_args("caa cac ccc", (caa, cac, ccc), check, "caa ccc", (("cac", "caa", "ccc"),)))


def phi_linear(caa, cac, ccc, *, check: bool = True):
    """E[g'' g] = 0 for g(x) = x."""
    return 0.0 * _ones(*_covariance_args("caa cac ccc", (caa, cac, ccc), check, "caa ccc", (("cac", "caa", "ccc"),)))


def i3_linear(c11, c12, c13, c23, c33, *, check: bool = True):
    """E[1 · u2 · u3] = C23 (linear activation).

    Parameters
    ----------
    c11, c12, c13, c23, c33 : array_like
        Covariance entries; only ``c23`` enters, the others set the broadcast shape.

    Returns
    -------
    numpy.ndarray
        A copy of C23 broadcast to the common shape.

    References
    ----------
        Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks
        with power-law data spectra. arXiv:2410.09005, Sec. 3 (ODEs of the eigenspace order parameters).
        The linear-activation integrals are derived here (Gaussian second moments).

    Examples
    --------
    >>> float(i3_linear(1.0, 0.5, 0.3, 0.4, 1.0))
    0.4
    """
    c11, c12, c13, c23, c33 = _covariance_args("c11 c12 c13 c23 c33", (c11, c12, c13, c23, c33), check, "c11 c33",
                                               (("c13", "c11", "c33"),))
    return np.broadcast_arrays(c23, c11, c12, c13, c33)[0].copy()


def i4_linear(c11, c12, c13, c14, c22, c23, c24, c33, c34, c44, *, check: bool = True):
    """E[1 · 1 · u3 u4] = C34 (linear activation).

    Parameters
    ----------
    c11, c12, c13, c14, c22, c23, c24, c33, c34, c44 : array_like
        Covariance entries; only ``c34`` enters, the others set the broadcast shape.

    Returns
    -------
    numpy.ndarray
        A copy of C34 broadcast to the common shape.

    References
    ----------
        Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks
        with power-law data spectra. arXiv:2410.09005, Sec. 3 (ODEs of the eigenspace order parameters).
        The linear-activation integrals are derived here (Gaussian second moments).

    Examples
    --------
    >>> float(i4_linear(1.0, 0.2, 0.3, 0.1, 1.0, 0.2, 0.4, 1.0, 0.5, 1.0))
    0.5
    """
    c = _covariance_args(_I4_NAMES, (c11, c12, c13, c14, c22, c23, c24, c33, c34, c44), check, "c11 c22 c33 c44",
                         _I4_PAIRS)
    return np.broadcast_arrays(c[8], *c)[0].copy()


# --------------------------------------------------------------------------------------------
# Differences without cancellation (for the residual overlaps near the teacher's fixed point).
#
# Near perfect learning a student field λ_i = ν_i + δ_i differs from its teacher field by a
# small δ_i, and the ODE needs differences such as I2(λ_i, ·) − I2(ν_i, ·) that are O(δ) or
# O(δ²) while each term is O(1).  The functions below take the base covariance entries and
# the *exact* changes of the entries (computed from the small residual overlaps) and return
# the change of the integral with relative accuracy ~1e-16 of the change itself.
# --------------------------------------------------------------------------------------------
def arcsin_difference(s, s_new, ds, *, check: bool = True):
    """arcsin(s_new) − arcsin(s) from s and the exactly known ds = s_new − s, without cancellation.

    Uses arcsin a − arcsin b = arcsin(a√(1−b²) − b√(1−a²)) with
    a√(1−b²) − b√(1−a²) = (a − b)[a(a + b)/(√(1−b²) + √(1−a²)) + √(1−a²)] (|a|, |b| < 1, close).

    Parameters
    ----------
    s, s_new : array_like
        Old and new arguments, |s|, |s_new| < 1.
    ds : array_like
        The exactly known change s_new − s; for |ds| ≥ 0.25 the plain difference is returned.

    Returns
    -------
    numpy.ndarray
        arcsin(s_new) − arcsin(s), accurate relative to the change itself.

    References
    ----------
    Derived here (the arcsin subtraction identity), for the residual overlaps of the ODEs of
    Worschech & Rosenow (2024), arXiv:2410.09005, Sec. 3, near the teacher's fixed point.

    Examples
    --------
    >>> d = arcsin_difference(0.5, 0.5 + 1e-9, 1e-9)
    >>> round(float(d / 1e-9), 6)  # d/ds arcsin at 1/2 is 2/√3
    1.154701
    """
    if check:
        s, s_new, ds = _real(s, "s"), _real(s_new, "s_new"), _real(ds, "ds")
        for n, a in (("s", s), ("s_new", s_new)):
            if np.any(np.abs(a) > 1.0):
                raise ValueError(f"{n} is an arcsin argument and must lie in [-1, 1]")
        if np.any(np.abs(ds - (s_new - s)) > 1e-9):
            raise ValueError("ds must be the change s_new - s (to rounding), got a different value")
    cb = np.sqrt(1.0 - s * s)
    ca = np.sqrt(1.0 - s_new * s_new)
    small = np.arcsin(ds * (s_new * (s_new + s) / (cb + ca) + ca))
    # for a large change the identity's branch may not hold, and there is no cancellation to avoid
    return np.where(np.abs(ds) < 0.25, small, np.arcsin(s_new) - np.arcsin(s))


def inv_sqrt_difference(x, dx, *, check: bool = True):
    """1/√(x + dx) − 1/√x = −dx / (√x √(x+dx) (√x + √(x+dx))) for x, x + dx > 0.

    Parameters
    ----------
    x : array_like
        Base value, x > 0.
    dx : array_like
        Change, with x + dx > 0.

    Returns
    -------
    numpy.ndarray
        1/√(x + dx) − 1/√x without cancellation.

    References
    ----------
    Derived here (rationalised difference), for the ODEs of Worschech & Rosenow (2024),
    arXiv:2410.09005, Sec. 3, near the teacher's fixed point.

    Examples
    --------
    >>> round(float(inv_sqrt_difference(4.0, 1e-10) / 1e-10), 9)  # derivative −x^{-3/2}/2 = −1/16
    -0.0625
    """
    if check:
        x, dx = _real(x, "x"), _real(dx, "dx")
        if np.any(x <= 0):
            raise ValueError("x must be > 0")
        if np.any(x + dx <= 0):
            raise ValueError("dx must keep x + dx > 0")
    a = np.sqrt(x)
    b = np.sqrt(x + dx)
    return _finite_result(-dx / (a * b * (a + b)), "x dx", "1/sqrt(x + dx) - 1/sqrt(x)", check)


def i2_erf_difference(caa, dcaa, cab, dcab, cbb, *, check: bool = True):
    """I2(a', b) − I2(a, b) for g = erf(·/√2) when field a changes: C_aa → C_aa + dcaa, C_ab → C_ab + dcab.

    Returns (2/π)[arcsin s' − arcsin s] with s = C_ab/√((1+C_aa)(1+C_bb)) (Saad & Solla 1995, I2).

    Parameters
    ----------
    caa, cab, cbb : array_like
        Base covariance entries Var(u_a), Cov(u_a, u_b), Var(u_b).
    dcaa, dcab : array_like
        Exact changes of C_aa and C_ab.

    Returns
    -------
    numpy.ndarray
        The change of I2, accurate relative to the change itself.

    References
    ----------
        Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines.
        Phys. Rev. E 52, 4225 (integrals I2, I3, I4 of the erf(x/√2) activation).
        The cancellation-free form is derived here.

    Examples
    --------
    >>> d = i2_erf_difference(1.0, 1e-9, 0.5, 1e-9, 1.0)
    >>> direct = i2_erf(1.0 + 1e-9, 0.5 + 1e-9, 1.0) - i2_erf(1.0, 0.5, 1.0)
    >>> bool(abs(d - direct) < 1e-15)
    True
    """
    if check:
        caa, cab, cbb = _covariance_args("caa cab cbb", (caa, cab, cbb), True, "caa cbb", (("cab", "caa", "cbb"),))
        dcaa, dcab = _real(dcaa, "dcaa"), _real(dcab, "dcab")
        _covariance_args("caa+dcaa cab+dcab cbb", (caa + dcaa, cab + dcab, cbb), True, "caa+dcaa",
                         (("cab+dcab", "caa+dcaa", "cbb"),))
    A = 1.0 + caa
    B = 1.0 + cbb
    rb = 1.0 / np.sqrt(B)
    s = cab / np.sqrt(A) * rb
    ds = (dcab / np.sqrt(A + dcaa) + cab * inv_sqrt_difference(A, dcaa, check=False)) * rb
    return _finite_result(_2PI * arcsin_difference(s, s + ds, ds, check=False), "caa dcaa cab dcab cbb",
                          "the change of I2", check)


def psi_phi_erf_difference(caa, cac, dcac, ccc, dccc, *, check: bool = True):
    """Changes of ψ(a, c) = E[g'(u_a) g'(u_c)] and φ(a, c) = E[g''(u_a) g(u_c)] when field c changes.

    C_ac → C_ac + dcac, C_cc → C_cc + dccc (C_aa fixed).  Returns (ψ', Δψ, Δφ) with ψ' the new ψ.

    Parameters
    ----------
    caa, cac, ccc : array_like
        Base covariance entries Var(u_a), Cov(u_a, u_c), Var(u_c).
    dcac, dccc : array_like
        Exact changes of C_ac and C_cc.

    Returns
    -------
    tuple of numpy.ndarray
        (ψ', Δψ, Δφ): the new ψ and the changes of ψ and φ, accurate relative to the changes.

    References
    ----------
        Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines.
        Phys. Rev. E 52, 4225 (integrals I2, I3, I4 of the erf(x/√2) activation).
        The cancellation-free form is derived here.

    Examples
    --------
    >>> psi_new, dpsi, dphi = psi_phi_erf_difference(1.0, 0.5, 1e-9, 1.0, 1e-9)
    >>> round(float(psi_new), 6)
    0.328749
    >>> bool(abs(dpsi - (psi_erf(1.0, 0.5 + 1e-9, 1.0 + 1e-9) - psi_erf(1.0, 0.5, 1.0))) < 1e-15)
    True
    """
    if check:
        caa, cac, ccc = _covariance_args("caa cac ccc", (caa, cac, ccc), True, "caa ccc", (("cac", "caa", "ccc"),))
        dcac, dccc = _real(dcac, "dcac"), _real(dccc, "dccc")
        _covariance_args("caa cac+dcac ccc+dccc", (caa, cac + dcac, ccc + dccc), True, "ccc+dccc",
                         (("cac+dcac", "caa", "ccc+dccc"),))
    A = 1.0 + caa
    lam = A * (1.0 + ccc) - cac * cac
    dlam = A * dccc - dcac * (2.0 * cac + dcac)
    dpsi = _2PI * inv_sqrt_difference(lam, dlam, check=False)
    psi_new = _2PI / np.sqrt(lam + dlam)
    dphi = -(dcac * psi_new + cac * dpsi) / A
    return _finite_result((psi_new, dpsi, dphi), "caa cac dcac ccc dccc", "the change of psi or phi", check)


def i4_erf_arcsin_difference(c11, c12, c22, c13, c23, c33, d13, d23, d33, c14, c24, c44, c34, d34, *,
                             check: bool = True):
    """arcsin(λ0'/√(λ1'λ2)) − arcsin(λ0/√(λ1λ2)) of I4 (Saad & Solla 1995) when field 3 changes.

    I4 = (4/π²) arcsin(λ0/√(λ1λ2)) / √λ4; the changes d13, d23, d33, d34 of C13, C23, C33, C34
    change λ0 and λ1 (λ2, λ4 do not depend on field 3).

    Parameters
    ----------
    c11, c12, c22, c13, c23, c33, c14, c24, c44, c34 : array_like
        Base covariance entries of the fields (u1, u2, u3, u4).
    d13, d23, d33, d34 : array_like
        Exact changes of C13, C23, C33 and C34.

    Returns
    -------
    numpy.ndarray
        The change of the arcsin factor of I4 (multiply by (4/π²)/√λ4 for the change of I4).

    References
    ----------
        Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines.
        Phys. Rev. E 52, 4225 (integrals I2, I3, I4 of the erf(x/√2) activation).
        The cancellation-free form is derived here.

    Examples
    --------
    >>> import numpy as np
    >>> c = dict(c11=1.0, c12=0.2, c22=1.0, c13=0.3, c23=0.2, c33=1.0, c14=0.1, c24=0.4, c44=1.0, c34=0.5)
    >>> d = i4_erf_arcsin_difference(d13=1e-9, d23=1e-9, d33=1e-9, d34=1e-9, **c)
    >>> lam4 = 2.0 * 2.0 - 0.2 ** 2
    >>> new = dict(c, c13=0.3 + 1e-9, c23=0.2 + 1e-9, c33=1.0 + 1e-9, c34=0.5 + 1e-9)
    >>> direct = (i4_erf(**new) - i4_erf(**c)) * np.pi ** 2 / 4.0 * np.sqrt(lam4)
    >>> bool(abs(d - direct) < 1e-14)
    True
    """
    if check:
        c11, c12, c13, c14, c22, c23, c24, c33, c34, c44 = _covariance_args(
            _I4_NAMES, (c11, c12, c13, c14, c22, c23, c24, c33, c34, c44), True, "c11 c22 c33 c44", _I4_PAIRS)
        d13, d23, d33, d34 = (_real(v, n) for n, v in (("d13", d13), ("d23", d23), ("d33", d33), ("d34", d34)))
        _covariance_args("c11 c22 c33+d33 c44 c13+d13 c23+d23 c34+d34",
                         (c11, c22, c33 + d33, c44, c13 + d13, c23 + d23, c34 + d34), True, "c33+d33",
                         (("c13+d13", "c11", "c33+d33"), ("c23+d23", "c22", "c33+d33"), ("c34+d34", "c33+d33", "c44")))
        _check_psd4([c11, c12, c13, c14, c22, c23, c24, c33, c34, c44], _I4_NAMES)
        _check_psd4([c11, c12, c13 + d13, c14, c22, c23 + d23, c24, c33 + d33, c34 + d34, c44],
                    "c11 c12 c13+d13 c14 c22 c23+d23 c24 c33+d33 c34+d34 c44")
    a1, a2 = 1.0 + c11, 1.0 + c22
    lam4 = a1 * a2 - c12 * c12
    lam0 = lam4 * c34 - a1 * c23 * c24 - a2 * c13 * c14 + c12 * (c13 * c24 + c14 * c23)
    dlam0 = lam4 * d34 - a1 * d23 * c24 - a2 * d13 * c14 + c12 * (d13 * c24 + c14 * d23)
    lam1 = lam4 * (1.0 + c33) - a1 * c23 * c23 - a2 * c13 * c13 + 2.0 * c12 * c13 * c23
    dlam1 = (lam4 * d33 - a1 * d23 * (2.0 * c23 + d23) - a2 * d13 * (2.0 * c13 + d13)
             + 2.0 * c12 * (d13 * c23 + c13 * d23 + d13 * d23))
    lam2 = lam4 * (1.0 + c44) - a1 * c24 * c24 - a2 * c14 * c14 + 2.0 * c12 * c14 * c24
    r2 = 1.0 / np.sqrt(lam2)
    s = lam0 / np.sqrt(lam1) * r2
    ds = (dlam0 / np.sqrt(lam1 + dlam1) + lam0 * inv_sqrt_difference(lam1, dlam1, check=False)) * r2
    return _finite_result(arcsin_difference(s, s + ds, ds, check=False), _I4_NAMES + " d13 d23 d33 d34",
                          "the change of I4's arcsin", check)


@dataclass(frozen=True)
class Activation:
    """An activation with its Gaussian integrals (all broadcasting over covariance entries)."""

    name: str
    g: Callable[[np.ndarray], np.ndarray]
    gprime: Callable[[np.ndarray], np.ndarray]
    i2: Callable
    i3: Callable
    i4: Callable
    psi: Callable
    phi: Callable

    def i4_from_cov(self, C: np.ndarray) -> np.ndarray:
        """I4 from a (..., 4, 4) covariance array."""
        C = np.asarray(C, float)
        return self.i4(C[..., 0, 0], C[..., 0, 1], C[..., 0, 2], C[..., 0, 3], C[..., 1, 1], C[..., 1, 2],
                       C[..., 1, 3], C[..., 2, 2], C[..., 2, 3], C[..., 3, 3])

    def i3_from_cov(self, C: np.ndarray) -> np.ndarray:
        """I3 from a (..., 3, 3) covariance array."""
        C = np.asarray(C, float)
        return self.i3(C[..., 0, 0], C[..., 0, 1], C[..., 0, 2], C[..., 1, 2], C[..., 2, 2])

    def i2_from_cov(self, C: np.ndarray) -> np.ndarray:
        """I2 from a (..., 2, 2) covariance array."""
        C = np.asarray(C, float)
        return self.i2(C[..., 0, 0], C[..., 0, 1], C[..., 1, 1])


def _erf_g(x):
    from scipy.special import erf
    return erf(np.asarray(x, float) / np.sqrt(2.0))


ERF = Activation("erf", _erf_g, lambda x: np.sqrt(_2PI) * np.exp(-0.5 * np.asarray(x, float) ** 2),
                 i2_erf, i3_erf, i4_erf, psi_erf, phi_erf)
LINEAR = Activation("linear", lambda x: np.asarray(x, float), lambda x: np.ones_like(np.asarray(x, float)),
                    i2_linear, i3_linear, i4_linear, psi_linear, phi_linear)
ACTIVATIONS = {"erf": ERF, "linear": LINEAR}


def get_activation(activation: str | Activation) -> Activation:
    """The :class:`Activation` named ``activation`` ('erf' or 'linear').

    Parameters
    ----------
    activation : str or Activation
        'erf' (g(x) = erf(x/√2)) or 'linear' (g(x) = x); an :class:`Activation` is returned as is.

    Returns
    -------
    Activation
        The activation with its broadcasting Gaussian integrals.

    Raises
    ------
    ValueError
        If ``activation`` is a name other than 'erf' or 'linear'.

    References
    ----------
        Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines.
        Phys. Rev. E 52, 4225 (integrals I2, I3, I4 of the erf(x/√2) activation).
        Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks
        with power-law data spectra. arXiv:2410.09005, Sec. 3 (ODEs of the eigenspace order parameters).

    Examples
    --------
    >>> get_activation("erf").name
    'erf'
    >>> get_activation(LINEAR) is LINEAR
    True
    """
    if isinstance(activation, Activation):
        return activation
    if not isinstance(activation, str):
        raise TypeError(f"activation must be one of {', '.join(ACTIVATIONS)} or an Activation, got "
                        f"{type(activation).__name__}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {activation!r}")
    return ACTIVATIONS[activation]


def unchecked(fn: Callable) -> Callable:
    """``fn`` with its argument checks off (``check=False``) where it takes that keyword, else ``fn``.

    The ODEs call the integrals thousands of times on covariances they assemble themselves; the
    public functions check their arguments at the door (finite, variances >= 0, Cauchy–Schwarz).
    """
    try:
        takes = "check" in inspect.signature(fn).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        takes = False
    return functools.partial(fn, check=False) if takes else fn
