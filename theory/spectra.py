"""Spectra: eigenvalues with multiplicities, power laws, and (later) empirical spectra.

Conventions (stated once, used across nsl):

- A power-law spectrum has distinct eigenvalues λ_l ∝ l^−(1+β), l = 1..L, each with
  multiplicity N/L (Worschech & Rosenow 2024, Sec. 2; Bahri et al. 2024 write the same law
  as λ_i ∝ i^−(1+α_K)).
- ``normalize="trace"`` makes Tr Σ = Σ_l m_l λ_l = N (so E[x·x]/N = 1); ``"top"`` makes λ_1 = 1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Spectrum", "power_law_spectrum", "spectrum_from_eigenvalues"]


@dataclass(frozen=True)
class Spectrum:
    """Distinct eigenvalues ``values`` (descending) with integer ``multiplicities``.

    ``N = multiplicities.sum()`` is the input dimension.  ``full()`` expands to all N
    eigenvalues.  Construct with :func:`power_law_spectrum` or :func:`spectrum_from_eigenvalues`.
    """

    values: np.ndarray
    multiplicities: np.ndarray

    def __post_init__(self) -> None:
        v = np.asarray(self.values, dtype=float)
        m = np.asarray(self.multiplicities)
        if v.ndim != 1 or m.shape != v.shape or v.size == 0:
            raise ValueError("values and multiplicities must be 1-D arrays of the same non-zero length")
        if not np.all(np.isfinite(v)) or np.any(v <= 0):
            raise ValueError("eigenvalues must be finite and > 0")
        if not np.issubdtype(m.dtype, np.integer):
            if not np.all(m == np.round(m)):
                raise ValueError("multiplicities must be integers >= 1")
            m = np.round(m).astype(int)
        if np.any(m < 1):
            raise ValueError("multiplicities must be integers >= 1")
        v.setflags(write=False)
        m = m.astype(np.int64)
        m.setflags(write=False)
        object.__setattr__(self, "values", v)
        object.__setattr__(self, "multiplicities", m)

    @property
    def L(self) -> int:
        """Number of distinct eigenvalues."""
        return int(self.values.size)

    @property
    def N(self) -> int:
        """Input dimension (sum of multiplicities)."""
        return int(self.multiplicities.sum())

    @property
    def trace(self) -> float:
        return float(np.dot(self.values, self.multiplicities))

    def full(self) -> np.ndarray:
        """All N eigenvalues, each repeated by its multiplicity (descending)."""
        return np.repeat(self.values, self.multiplicities)


def power_law_spectrum(L: int, beta: float, *, N: int, normalize: str = "trace") -> Spectrum:
    """λ_l ∝ l^−(1+β), l = 1..L, multiplicity N/L each (Worschech & Rosenow 2024, Eq. for Σ).

    Parameters
    ----------
    L : number of distinct eigenvalues, 1 <= L <= N, and L must divide N.
    beta : spectral exponent β > 0 (β = 0 is allowed only with L = 1, the isotropic case).
    N : input dimension.
    normalize : ``"trace"`` (Tr Σ = N) or ``"top"`` (λ_1 = 1).
    """
    if not isinstance(N, (int, np.integer)) or N < 1:
        raise ValueError(f"N must be an integer >= 1, got {N!r}")
    if not isinstance(L, (int, np.integer)) or not (1 <= L <= N):
        raise ValueError(f"L must be an integer in [1, N={N}], got {L!r}")
    if N % L:
        raise ValueError(f"L must divide N: N={N}, L={L} leaves remainder {N % L}")
    if not np.isfinite(beta) or beta < 0 or (beta == 0 and L > 1):
        raise ValueError(f"beta must be finite and > 0 (0 only with L=1), got {beta!r}")
    if normalize not in ("trace", "top"):
        raise ValueError(f"normalize must be 'trace' or 'top', got {normalize!r}")
    lam = np.arange(1, L + 1, dtype=float) ** (-(1.0 + beta))
    mult = np.full(L, N // L, dtype=np.int64)
    if normalize == "trace":
        lam *= N / float(np.dot(lam, mult))
    else:
        lam /= lam[0]
    return Spectrum(lam, mult)


def spectrum_from_eigenvalues(eigenvalues: np.ndarray, *, rtol: float = 1e-10) -> Spectrum:
    """Group equal eigenvalues (within ``rtol``) into a :class:`Spectrum` (descending order).

    Any positive spectrum works, the isotropic one (all equal) included.
    """
    ev = np.asarray(eigenvalues, dtype=float).ravel()
    if ev.size == 0:
        raise ValueError("eigenvalues must be non-empty")
    if not np.all(np.isfinite(ev)) or np.any(ev <= 0):
        raise ValueError("eigenvalues must be finite and > 0")
    if not (0 <= rtol < 1):
        raise ValueError(f"rtol must be in [0, 1), got {rtol}")
    ev = np.sort(ev)[::-1]
    # a new group starts where the relative gap to the previous value exceeds rtol
    gaps = np.abs(np.diff(ev)) > rtol * np.abs(ev[:-1])
    starts = np.concatenate([[0], np.nonzero(gaps)[0] + 1])
    counts = np.diff(np.concatenate([starts, [ev.size]]))
    values = np.add.reduceat(ev, starts) / counts
    return Spectrum(values, counts.astype(np.int64))
