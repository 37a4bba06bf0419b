"""Argument checks shared by the two-layer theory (``order_params``, ``linear``) and its simulations.

Numbers and arrays are checked with the package-wide helpers of :mod:`nsl.theory.checks`
(``check_int``, ``check_real``, ``check_real_array``, ``check_int_array``: ``TypeError`` for the wrong
kind, ``ValueError`` for a bad value, each naming the argument and its allowed range); this module adds
the two-layer kinds: a :class:`~nsl.theory.spectra.Spectrum`, second-layer weights, a trainable mask,
and the caps that keep sizes inside memory.  Public, so the modules that share them import public
names (issue 16); the fuzzer drives them too (tests/test_fuzz_api.py, issue 14).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from nsl.theory.checks import check_choice, check_int, check_int_array, check_real, check_real_array
from nsl.theory.spectra import Spectrum

# the shared numeric checks and check_choice are re-exported for the two-layer modules
__all__ = ["MAX_EIGENSPACES", "MAX_SCALE", "MAX_UNITS", "MAX_WEIGHTS", "check_choice", "check_finite_result", "check_int",
           "check_int_array", "check_real", "check_real_array", "check_scale", "check_second_layer", "check_spectrum",
           "check_trainable", "check_units", "check_weight_counts"]

MAX_UNITS = 10**6
"""Most hidden units K or M a two-layer function accepts (the ODE costs O(K^4); no study is near this)."""

MAX_EIGENSPACES = 10**7
"""Most eigenvalues (L, or N when L = N) a closed form builds internally (80 MB per float array)."""

MAX_WEIGHTS = 10**8
"""Default cap on the floats of one weight matrix (K·N or M·N; 800 MB in float64); an argument where used."""

MAX_SCALE = 1e100
"""Largest weight scale (σ_J, σ_B, |v|): overlaps are squares of weights summed over N, finite below this."""

def check_spectrum(spectrum: Any, name: str = "spectrum") -> Spectrum:
    """``spectrum`` must be a :class:`~nsl.theory.spectra.Spectrum` (``TypeError`` naming ``name`` otherwise)."""
    if not isinstance(spectrum, Spectrum):
        raise TypeError(f"{name} must be a nsl.theory.spectra.Spectrum (e.g. power_law_spectrum(L, beta, N=N)), "
                        f"got {type(spectrum).__name__}")
    return spectrum


def check_units(x: Any, name: str) -> int:
    """A number of hidden units (K or M): an integer in [1, MAX_UNITS]."""
    return check_int(x, name, lo=1, hi=MAX_UNITS)


def check_weight_counts(N: int, max_weights: Any, **units: Any) -> tuple[int, ...]:
    """Each of ``units`` (K=..., M=...) as an int in [1, MAX_UNITS] with units·N <= ``max_weights`` (a weight
    matrix of that many floats), in the order given; ``ValueError`` naming the unit count otherwise."""
    N = check_int(N, "N", lo=1)
    cap = check_int(max_weights, "max_weights", lo=1)
    out = []
    for name, n in units.items():
        n = check_units(n, name)
        if n * N > cap:
            raise ValueError(f"{name} must be <= max_weights // N = {cap // N} (N={N}, max_weights={cap}: "
                             f"the weights would hold {name}*N = {n * N} floats); pass a larger max_weights")
        out.append(n)
    return tuple(out)


def check_scale(x: Any, name: str, *, positive: bool) -> float:
    """A weight scale (σ_J >= 0, σ_B > 0): finite and at most MAX_SCALE."""
    return check_real(x, name, lo=0.0, lo_open=positive, hi=MAX_SCALE)


def check_second_layer(v: Any, n: int, name: str) -> np.ndarray:
    """Second-layer weights: a real scalar or a 1-D array of ``n`` reals, |v| <= MAX_SCALE, not all zero.

    The value checks of :func:`nsl.theory.two_layer.ode.second_layer_weights` (length, finite, not all
    zero), with the wrong kinds (strings, ragged lists, None) refused by name first.
    """
    from nsl.theory.two_layer.ode import second_layer_weights

    if isinstance(v, (np.ndarray, list, tuple)):
        a = check_real_array(v, name)
        if a.ndim > 1:
            raise ValueError(f"{name} must be a real number or a 1-D array of {n}, got shape {a.shape}")
        if a.size and np.abs(a).max() > MAX_SCALE:
            raise ValueError(f"{name} must hold values with |v| <= {MAX_SCALE:g}, got max |v| = {np.abs(a).max():g}")
    else:
        check_real(v, name, lo=-MAX_SCALE, hi=MAX_SCALE)
    return second_layer_weights(v, n, name)


def check_trainable(trainable: Any, L: int, name: str = "trainable") -> np.ndarray:
    """Which of the L eigenspaces are trained: None (all), an integer n in [1, L] (the top n) or a
    boolean mask of shape (L,) with a True entry; returned as the mask of
    :func:`nsl.theory.two_layer.ode.trainable_mask`."""
    from nsl.theory.two_layer.ode import trainable_mask

    if trainable is None:
        return trainable_mask(None, L)
    if not isinstance(trainable, (np.ndarray, list, tuple)):  # a number: check_int refuses bools, str, None
        return trainable_mask(check_int(trainable, name, lo=1, hi=L), L)
    try:
        m = np.asarray(trainable)
    except ValueError:  # ragged nested sequences
        raise TypeError(f"{name} must be None, an integer in [1, L={L}] or a boolean mask of shape (L,)") from None
    if m.dtype != np.bool_ or m.shape != (L,) or not m.any():
        raise ValueError(f"{name} must be None, an integer in [1, L={L}] or a boolean mask of shape (L={L},) "
                         f"with a True entry, got dtype {m.dtype}, shape {m.shape}")
    return trainable_mask(m, L)


def check_finite_result(x: Any, names: str) -> Any:
    """Raise ``ValueError`` naming ``names`` (the arguments whose size decides it) if ``x`` holds NaN or inf.

    For results that overflow only through a product of individually valid arguments.
    """
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"x must be a number or a rectangular array of numbers (a result computed from {names}), "
                        f"got {type(x).__name__}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"the result overflows (not finite) for these values of {names}; use smaller magnitudes")
    return x
