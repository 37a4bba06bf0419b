"""Closed-form exponents of the two-layer scaling laws, without scipy (cheap to import for ``nsl predict``).

Worschech & Rosenow 2024, arXiv:2410.09005.
"""
from __future__ import annotations

import numpy as np

__all__ = ["linear_decay_exponent"]


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
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.integer, np.floating)):
        raise TypeError(f"beta must be a real number, got {type(beta).__name__}")
    if not (np.isfinite(beta) and beta > 0):
        raise ValueError(f"beta must be finite and > 0, got {beta!r}")
    return float(beta) / (1.0 + float(beta))
