"""Argument checks shared by every module of theory/ (and the simulations of sims/).

Every public function checks its arguments at the door and raises ``ValueError`` (bad value) or
``TypeError`` (wrong kind) naming the argument and the allowed range, so that NaN, inf, negative,
zero, huge, non-integral or wrongly shaped inputs never reach the numerics (issue 14).  Scalars and
arrays (:func:`check_int`, :func:`check_real`, :func:`check_real_array`, :func:`check_int_array`),
cluster sizes, random sources (:func:`check_rng`: a Generator; :func:`check_seed`: None, a seed or a
Generator), a choice among names, a bootstrap size and broadcastable shapes.  The two-layer kinds
(a spectrum, second-layer weights, a trainable mask) are in :mod:`nsl.theory.two_layer.checks`, the
torch device and dtype in :mod:`nsl.sims.checks`.
"""
from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np

__all__ = ["CapReached", "MAX_BOOT", "check_boot", "check_broadcast", "check_choice", "check_int", "check_int_array",
           "check_real", "check_real_array", "check_rng", "check_seed", "check_sizes"]

_INT64_MAX = 2**63 - 1


class CapReached(RuntimeError, ValueError):
    """A size or work cap (an argument with a default, named in the message) was reached.

    A ``RuntimeError`` (the computation ran and stopped at the cap) and a ``ValueError`` (the
    cure is another value of the named argument), as ``numpy.exceptions.AxisError`` is both a
    ``ValueError`` and an ``IndexError``.
    """


def _bound(b: Any, name: str, *, integer: bool) -> Any:
    """A checker's own bound (``lo``/``hi``): None, or a finite number (an integer in int64 range
    when ``integer``), else ``TypeError``/``ValueError`` naming the bound."""
    if b is None:
        return None
    kind = "an integer" if integer else "a finite number"
    if isinstance(b, (bool, np.bool_)) or not isinstance(b, (Real, np.integer, np.floating)):
        raise TypeError(f"{name} must be {kind} or None, got {type(b).__name__} {b!r}")
    bf = float(b)
    if not math.isfinite(bf) or (integer and not bf.is_integer()):
        raise ValueError(f"{name} must be {kind} or None, got {b!r}")
    if integer:
        bi = int(b) if isinstance(b, (Integral, np.integer)) else int(bf)
        if abs(bi) > _INT64_MAX:
            raise ValueError(f"{name} must be an integer in the int64 range or None, got {b!r}")
        return bi
    return bf


def _check_order(lo: Any, hi: Any) -> None:
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"lo must be <= hi, got lo={lo!r} > hi={hi!r}")


def _check_ndim(ndim: Any) -> int | None:
    """A checker's ``ndim``: None or an integer in [0, 64] (numpy's limit)."""
    if ndim is None:
        return None
    if isinstance(ndim, (bool, np.bool_)) or not isinstance(ndim, (Integral, np.integer)):
        raise TypeError(f"ndim must be an integer in [0, 64] or None, got {type(ndim).__name__} {ndim!r}")
    if not 0 <= int(ndim) <= 64:
        raise ValueError(f"ndim must be an integer in [0, 64] or None, got {ndim!r}")
    return int(ndim)


def check_int(x: Any, name: str, *, lo: int | None = None, hi: int | None = None) -> int:
    """``x`` as an int in [lo, hi]; integral floats (8.0) are accepted, 8.7, NaN, inf, bools and
    non-numbers are not (``TypeError`` for the wrong kind, ``ValueError`` otherwise).

    Parameters
    ----------
    x : the value to check.
    name : the argument name used in the error message.
    lo, hi : inclusive bounds, or None for no bound.

    Returns
    -------
    int
        ``x`` as a Python int.

    References
    ----------
    None: argument checking only, no formula from a paper (the house rule that every public
    function refuses bad input with an error naming the argument and its range).

    Examples
    --------
    >>> check_int(8.0, "n", lo=1)
    8
    """
    lo, hi = _bound(lo, "lo", integer=True), _bound(hi, "hi", integer=True)
    _check_order(lo, hi)
    rng_txt = (f"an integer in [{lo}, {hi}]" if lo is not None and hi is not None else
               f"an integer <= {hi}" if hi is not None else
               f"an integer >= {lo}" if lo is not None else "an integer")
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (Integral, Real, np.integer, np.floating)):
        raise TypeError(f"{name} must be {rng_txt}, got {type(x).__name__} {x!r}")
    if not isinstance(x, (Integral, np.integer)):
        xf = float(x)
        if not math.isfinite(xf) or not xf.is_integer():
            raise ValueError(f"{name} must be {rng_txt}, got {x!r}")
        x = int(xf)
    xi = int(x)
    if (lo is not None and xi < lo) or (hi is not None and xi > hi):
        raise ValueError(f"{name} must be {rng_txt}, got {x!r}")
    return xi


def check_real(x: Any, name: str, *, lo: float | None = None, hi: float | None = None, lo_open: bool = False,
               hi_open: bool = False, allow_inf: bool = False) -> float:
    """``x`` as a float in the stated interval (finite unless ``allow_inf``); NaN is always refused.

    Parameters
    ----------
    x : the value to check (a real number or a 0-d numeric array).
    name : the argument name used in the error message.
    lo, hi : bounds, or None for no bound.
    lo_open, hi_open : exclude the bound itself.
    allow_inf : accept ±inf (within the bounds).

    Returns
    -------
    float
        ``x`` as a Python float.

    References
    ----------
    None: argument checking only, no formula from a paper (the house rule that every public
    function refuses bad input with an error naming the argument and its range).

    Examples
    --------
    >>> check_real(0.5, "p", lo=0.0, hi=1.0)
    0.5
    """
    lo, hi = _bound(lo, "lo", integer=False), _bound(hi, "hi", integer=False)
    _check_order(lo, hi)
    if lo is not None and hi is not None:
        rng_txt = f"in {'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'} (a finite number)"
    else:
        lb = "" if lo is None else (f"> {lo:g}" if lo_open else f">= {lo:g}")
        ub = "" if hi is None else (f"< {hi:g}" if hi_open else f"<= {hi:g}")
        rng_txt = "a finite number" + (" " + (lb or ub) if (lb or ub) else "")
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (Real, np.integer, np.floating)):
        if isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "iuf":
            x = x.item()
        else:
            raise TypeError(f"{name} must be {rng_txt}, got {type(x).__name__} {x!r}")
    xf = float(x)
    if math.isnan(xf) or (not allow_inf and math.isinf(xf)):
        raise ValueError(f"{name} must be {rng_txt}, got {x!r}")
    if lo is not None and (xf < lo or (lo_open and xf == lo)):
        raise ValueError(f"{name} must be {rng_txt}, got {x!r}")
    if hi is not None and (xf > hi or (hi_open and xf == hi)):
        raise ValueError(f"{name} must be {rng_txt}, got {x!r}")
    return xf


def check_rng(rng: Any, name: str = "rng") -> np.random.Generator:
    """``rng`` must be a ``numpy.random.Generator`` (explicit randomness, no global state).

    Parameters
    ----------
    rng : the value to check.
    name : the argument name used in the error message.

    Returns
    -------
    numpy.random.Generator
        ``rng`` itself.

    References
    ----------
    None: argument checking only, no formula from a paper (the house rule that every public
    function refuses bad input with an error naming the argument and its range).

    Examples
    --------
    >>> isinstance(check_rng(np.random.default_rng(0)), np.random.Generator)
    True
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{name} must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def _as_numeric_array(x: Any, name: str) -> np.ndarray:
    try:
        a = np.asarray(x)
    except Exception:  # ragged nested sequences and the like
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}") from None
    if a.dtype == np.bool_ or a.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be an array of numbers, got dtype {a.dtype}")
    return a


def check_real_array(x: Any, name: str, *, ndim: int | None = None, lo: float | None = None,
                     lo_open: bool = False, min_size: int = 0) -> np.ndarray:
    """``x`` as a finite float array (optionally of ``ndim`` dimensions, every entry >= lo or > lo).

    Parameters
    ----------
    x : the array-like to check.
    name : the argument name used in the error message.
    ndim : required number of dimensions, or None.
    lo : lower bound on every entry, or None; ``lo_open`` excludes it.
    min_size : fewest entries.

    Returns
    -------
    numpy.ndarray
        Float array (no copy when already float).

    References
    ----------
    None: argument checking only, no formula from a paper (the house rule that every public
    function refuses bad input with an error naming the argument and its range).

    Examples
    --------
    >>> check_real_array([1, 2], "x", lo=0.0).tolist()
    [1.0, 2.0]
    """
    ndim = _check_ndim(ndim)
    lo = _bound(lo, "lo", integer=False)
    min_size = check_int(min_size, "min_size", lo=0, hi=_INT64_MAX)
    a = _as_numeric_array(x, name).astype(float, copy=False)
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {a.shape}")
    if a.size < min_size:
        raise ValueError(f"{name} must hold at least {min_size} values, got {a.size}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must hold finite numbers (no NaN or inf)")
    if lo is not None and a.size and (np.any(a <= lo) if lo_open else np.any(a < lo)):
        raise ValueError(f"{name} must hold numbers {'>' if lo_open else '>='} {lo:g}, got min {a.min():g}")
    return a


def check_int_array(x: Any, name: str, *, ndim: int | None = None, lo: int | None = None) -> np.ndarray:
    """``x`` as an int64 array of integral values (optionally >= lo).

    Parameters
    ----------
    x : the array-like to check (integers, or floats with integral values).
    name : the argument name used in the error message.
    ndim : required number of dimensions, or None.
    lo : lower bound on every entry, or None.

    Returns
    -------
    numpy.ndarray
        int64 array.

    References
    ----------
    None: argument checking only, no formula from a paper (the house rule that every public
    function refuses bad input with an error naming the argument and its range).

    Examples
    --------
    >>> check_int_array([1.0, 3.0], "s", lo=1).tolist()
    [1, 3]
    """
    ndim = _check_ndim(ndim)
    lo = _bound(lo, "lo", integer=True)
    a = _as_numeric_array(x, name)
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {a.shape}")
    if a.dtype.kind == "f":
        if not np.all(np.isfinite(a)) or np.any(a != np.floor(a)):
            raise ValueError(f"{name} must hold integers" + (f" >= {lo}" if lo is not None else ""))
        if a.size and np.abs(a).max() >= 2.0**62:
            raise ValueError(f"{name} holds values too large for int64")
    a = a.astype(np.int64, copy=False)
    if lo is not None and a.size and a.min() < lo:
        raise ValueError(f"{name} must hold integers >= {lo}, got min {a.min()}")
    return a


def check_sizes(sizes: Any, name: str = "sizes") -> np.ndarray:
    """Cluster sizes: a 1-D array of integers >= 1 (empty allowed).

    Parameters
    ----------
    sizes : the array-like of cluster sizes.
    name : the argument name used in the error message.

    Returns
    -------
    numpy.ndarray
        1-D int64 array of sizes.

    References
    ----------
    None: argument checking only, no formula from a paper (the house rule that every public
    function refuses bad input with an error naming the argument and its range).

    Examples
    --------
    >>> check_sizes([3, 1, 2]).tolist()
    [3, 1, 2]
    """
    a = check_int_array(sizes, name, lo=1)
    if a.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of cluster sizes, got shape {a.shape}")
    return a


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
