"""Argument checks shared by the fitting, spectra, learning-curve, kernel and regime modules.

The scalar and array checks are those of :mod:`nsl.theory.percolation.checks` (re-exported here, one
implementation for the whole of theory/); this module adds the few kinds those do not cover: a choice
among names, a seed, a bootstrap size with its level, and sizes that must broadcast together.  Every
check raises ``TypeError`` (wrong kind) or ``ValueError`` (bad value) naming the argument and its
allowed range (issue 14: NaN, inf, negative, zero, huge, non-integral or wrongly shaped inputs never
reach the numerics).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from nsl.theory.percolation.checks import check_int, check_real, check_real_array

__all__ = ["check_int", "check_real", "check_real_array", "check_choice", "check_seed", "check_boot",
           "check_broadcast", "MAX_BOOT"]

#: Largest bootstrap size accepted (Besiroglu et al. 2024 use 4000; 1e5 resamples of a 20-point curve
#: already take minutes): a larger ``n_boot`` is refused at the door instead of exhausting memory.
MAX_BOOT = 100_000


def check_choice(x: Any, name: str, options: tuple[str, ...]) -> str:
    """``x`` must be one of the strings ``options`` (``TypeError`` for a non-string)."""
    allowed = ", ".join(repr(o) for o in options)
    if not isinstance(x, str):
        raise TypeError(f"{name} must be one of {allowed}, got {type(x).__name__} {x!r:.60}")
    if x not in options:
        raise ValueError(f"{name} must be one of {allowed}, got {x!r}")
    return x


def check_seed(rng: Any, name: str = "rng") -> np.random.Generator:
    """A numpy Generator from ``None``, an integer seed >= 0 or a Generator (same draws as ``default_rng``)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, (bool, np.bool_)) or not isinstance(rng, (int, np.integer)):
        raise TypeError(f"{name} must be None, an integer seed >= 0 or a numpy Generator, got {type(rng).__name__}")
    return np.random.default_rng(check_int(rng, name, lo=0))


def check_boot(n_boot: Any, ci: Any, *, lo: int = 0) -> tuple[int, float]:
    """A bootstrap size, integer in [lo, MAX_BOOT], and an interval level in (0, 1)."""
    n = check_int(n_boot, "n_boot", lo=lo, hi=MAX_BOOT)
    c = check_real(ci, "ci", lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    return n, c


def check_broadcast(**arrays: np.ndarray) -> tuple[int, ...]:
    """The broadcast shape of the named arrays; ``ValueError`` naming them when they do not broadcast."""
    try:
        return tuple(np.broadcast_shapes(*(np.shape(a) for a in arrays.values())))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(a)}" for k, a in arrays.items())
        raise ValueError(f"{' and '.join(arrays)} must broadcast together, got shapes {shapes}") from None
