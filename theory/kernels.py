"""Infinite-width NNGP and NTK kernels of fully connected ReLU and erf networks (numpy).

Layer recursion (Neal 1996; Cho & Saul 2009; Williams 1997; Jacot et al. 2018; Lee et al. 2019),
NTK parameterisation h^1 = σ_w W^1 x/√d + σ_b b^1, h^{l+1} = σ_w W^{l+1} φ(h^l)/√n + σ_b b^{l+1},
W, b ~ N(0, 1); ``depth`` hidden layers, one linear read-out (Lee et al. 2018, arXiv 1711.00165, §2;
Jacot et al. 2018, arXiv 1806.07572, Theorem 1):

    K^1 = σ_w² x·x'/d + σ_b²,   Θ^1 = K^1
    K^{l+1} = σ_w² E[φ(u)φ(v)] + σ_b²,   Θ^{l+1} = K^{l+1} + σ_w² E[φ'(u)φ'(v)] Θ^l
    (u, v) ~ N(0, [[K^l(x,x), K^l(x,x')], [K^l(x,x'), K^l(x',x')]])

ReLU (arc-cosine kernel, θ = arccos(K_xx'/√(K_xx K_x'x'))):
    E[φφ] = √(K_xx K_x'x') [sin θ + (π − θ) cos θ]/(2π),   E[φ'φ'] = (π − θ)/(2π)
erf:
    E[φφ] = (2/π) arcsin(2K_xx'/√((1+2K_xx)(1+2K_x'x'))),  E[φ'φ'] = (4/π)/√((1+2K_xx)(1+2K_x'x') − 4K_xx'²)

The kernels' spectra on a user's data give α_K (nsl.theory.spectra.gram_spectrum, fit_spectrum_exponent).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nsl.theory.checks import check_choice, check_int, check_real

__all__ = ["NetworkKernels", "fc_kernels", "ACTIVATIONS", "MAX_DEPTH"]

ACTIVATIONS = ("relu", "erf")
#: Deepest network accepted: each layer costs a few passes over the (n1, n2) Gram matrix, and the cap keeps
#: a mistyped depth (1e12) from running without end (issue 14).
MAX_DEPTH = 1000


@dataclass(frozen=True)
class NetworkKernels:
    """Output-layer NNGP (``nngp``) and NTK (``ntk``) Gram matrices, shape (n1, n2)."""

    nngp: np.ndarray
    ntk: np.ndarray
    depth: int
    activation: str
    sigma_w2: float
    sigma_b2: float


def _expectations(activation: str, k12, k11, k22):
    if activation == "relu":
        norm = np.sqrt(k11 * k22)
        with np.errstate(invalid="ignore", divide="ignore"):
            c = np.clip(np.where(norm > 0, k12 / np.where(norm > 0, norm, 1.0), 1.0), -1.0, 1.0)
        th = np.arccos(c)
        ephi = norm * (np.sin(th) + (math.pi - th) * c) / (2 * math.pi)
        edphi = (math.pi - th) / (2 * math.pi)
        return ephi, edphi
    a = 1.0 + 2.0 * k11
    b = 1.0 + 2.0 * k22
    s = np.sqrt(a * b)
    ephi = (2 / math.pi) * np.arcsin(np.clip(2 * k12 / s, -1.0, 1.0))
    edphi = (4 / math.pi) / np.sqrt(np.maximum(a * b - 4 * k12 * k12, 1e-300))
    return ephi, edphi


def fc_kernels(X1, X2=None, *, depth: int = 1, activation: str = "relu", sigma_w2: float = 2.0,
               sigma_b2: float = 0.0) -> NetworkKernels:
    """NNGP and NTK of a fully connected network with ``depth`` hidden layers (module docstring recursion).

    Parameters
    ----------
    X1 : (n1, d) inputs; X2 : (n2, d) inputs (default X1).
    depth : number of hidden layers, integer in [1, MAX_DEPTH = 1000].
    activation : 'relu' or 'erf'.
    sigma_w2 : weight variance σ_w² > 0; sigma_b2 : bias variance σ_b² >= 0 (finite; ValueError
        when the kernels overflow double precision).

    Returns
    -------
    NetworkKernels
        ``nngp`` (K^{L+1}) and ``ntk`` (Θ^{L+1}) of shape (n1, n2), with the arguments used.

    References
    ----------
    Lee, Bahri, Novak, Schoenholz, Pennington & Sohl-Dickstein 2018, "Deep Neural Networks as
    Gaussian Processes", arXiv 1711.00165, §2 (the NNGP recursion); Jacot, Gabriel & Hongler
    2018, "Neural Tangent Kernel", arXiv 1806.07572, Theorem 1 (the NTK recursion); Cho & Saul
    2009, "Kernel Methods for Deep Learning", NeurIPS 22 (the ReLU arc-cosine kernel of
    degree 1); Williams 1997, "Computing with Infinite Networks", NeurIPS 9 (the erf kernel).

    Examples
    --------
    Orthogonal inputs of squared norm d through one ReLU layer with σ_w² = 2: the NNGP is 2 on
    the diagonal and 2/π off it, the NTK 4 and 2/π.

    >>> k = fc_kernels(np.sqrt(3) * np.eye(3))
    >>> np.round(k.nngp[0], 4), np.round(k.ntk[0], 4)
    (array([2.    , 0.6366, 0.6366]), array([4.    , 0.6366, 0.6366]))
    """
    try:
        X1 = np.asarray(X1, dtype=float)
        X2 = X1 if X2 is None else np.asarray(X2, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("X1 and X2 must be numeric arrays") from None
    if X1.ndim != 2 or X2.ndim != 2 or X1.shape[1] != X2.shape[1] or X1.shape[0] < 1 or X2.shape[0] < 1:
        raise ValueError(f"X1 and X2 must be 2-D with the same number of columns, got {X1.shape} and {X2.shape}")
    if not (np.all(np.isfinite(X1)) and np.all(np.isfinite(X2))):
        raise ValueError("X1 and X2 must be finite (no NaN or inf)")
    depth = check_int(depth, "depth", lo=1, hi=MAX_DEPTH)
    check_choice(activation, "activation", ACTIVATIONS)
    sigma_w2 = check_real(sigma_w2, "sigma_w2", lo=0.0, lo_open=True)
    sigma_b2 = check_real(sigma_b2, "sigma_b2", lo=0.0)
    d = X1.shape[1]
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below, by name
        k12 = sigma_w2 * (X1 @ X2.T) / d + sigma_b2
        k11 = sigma_w2 * np.einsum("ij,ij->i", X1, X1) / d + sigma_b2
        k22 = sigma_w2 * np.einsum("ij,ij->i", X2, X2) / d + sigma_b2
        t12 = k12.copy()
        for _ in range(int(depth)):
            e12, de12 = _expectations(activation, k12, k11[:, None], k22[None, :])
            e11, _ = _expectations(activation, k11, k11, k11)
            e22, _ = _expectations(activation, k22, k22, k22)
            k12n = sigma_w2 * e12 + sigma_b2
            t12 = k12n + sigma_w2 * de12 * t12
            k12, k11, k22 = k12n, sigma_w2 * e11 + sigma_b2, sigma_w2 * e22 + sigma_b2
    if not (np.all(np.isfinite(k12)) and np.all(np.isfinite(t12))):
        raise ValueError(f"the kernels overflow double precision for sigma_w2 = {sigma_w2:g}, sigma_b2 = {sigma_b2:g}, "
                         f"depth = {depth} and inputs X1, X2 of this scale: reduce them")
    return NetworkKernels(nngp=k12, ntk=t12, depth=int(depth), activation=activation,
                          sigma_w2=float(sigma_w2), sigma_b2=float(sigma_b2))
