"""Spectra: eigenvalues with multiplicities, power laws, and (later) empirical spectra.

Conventions (stated once, used across nsl):

- A power-law spectrum has distinct eigenvalues λ_l ∝ l^−(1+β), l = 1..L, each with
  multiplicity N/L (Worschech & Rosenow 2024, Sec. 2; Bahri et al. 2024 write the same law
  as λ_i ∝ i^−(1+α_K)).
- ``normalize="trace"`` makes Tr Σ = Σ_l m_l λ_l = N (so E[x·x]/N = 1); ``"top"`` makes λ_1 = 1.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nsl.theory.checks import check_boot, check_choice, check_int, check_real, check_real_array

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
    beta : spectral exponent β > 0 (β = 0 is allowed only with L = 1, the isotropic case), finite,
        with (1 + β)·ln L <= 700 (no underflow to 0).
    N : input dimension, integer in [1, 2^53].
    normalize : ``"trace"`` (Tr Σ = N) or ``"top"`` (λ_1 = 1).

    Returns
    -------
    Spectrum
        L distinct eigenvalues, descending, each with multiplicity N/L.

    References
    ----------
    Worschech & Rosenow 2024, "Analyzing Neural Scaling Laws in Two-Layer Networks with
    Power-Law Data Spectra", arXiv 2410.09005, §2 (λ_l = λ_+ l^−(1+β), Tr Σ = N); Bahri, Dyer,
    Kaplan, Lee & Sharma 2024, "Explaining Neural Scaling Laws", arXiv 2102.06701, Eq. 3
    (the same law written λ_i ∝ i^−(1+α_K)).

    Examples
    --------
    >>> s = power_law_spectrum(4, 1.0, N=8)
    >>> s.L, s.N, round(s.trace, 6), s.multiplicities.tolist()
    (4, 8, 8.0, [2, 2, 2, 2])
    """
    N = check_int(N, "N", lo=1, hi=2**53)
    L = check_int(L, "L", lo=1, hi=N)
    if N % L:
        raise ValueError(f"L must divide N: N={N}, L={L} leaves remainder {N % L}")
    beta = check_real(beta, "beta", lo=0.0)
    if beta == 0 and L > 1:
        raise ValueError(f"beta must be finite and > 0 (0 only with L=1), got {beta!r}")
    check_choice(normalize, "normalize", ("trace", "top"))
    if L > 1 and (1.0 + beta) * np.log(L) > 700.0:
        raise ValueError(f"beta = {beta:g} is too large for L = {L}: L^-(1+beta) underflows (needs "
                         f"(1 + beta)·ln L <= 700)")
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

    Parameters
    ----------
    eigenvalues : positive, finite eigenvalues, any order, any shape (flattened).
    rtol : relative gap in [0, 1) below which neighbouring sorted eigenvalues are one group.

    Returns
    -------
    Spectrum
        The group means (descending) with the group sizes as multiplicities.

    References
    ----------
    Worschech & Rosenow 2024, arXiv 2410.09005, §2 (a spectrum as distinct eigenvalues with
    multiplicities).

    Examples
    --------
    >>> spectrum_from_eigenvalues([1.0, 0.5, 1.0, 0.5, 0.5]).multiplicities.tolist()
    [2, 3]
    """
    ev = check_eigenvalues(eigenvalues)  # sorted descending
    check_real(rtol, "rtol", lo=0.0, hi=1.0, hi_open=True)
    # a new group starts where the relative gap to the previous value exceeds rtol
    gaps = np.abs(np.diff(ev)) > rtol * np.abs(ev[:-1])
    starts = np.concatenate([[0], np.nonzero(gaps)[0] + 1])
    counts = np.diff(np.concatenate([starts, [ev.size]]))
    values = np.add.reduceat(ev, starts) / counts
    return Spectrum(values, counts.astype(np.int64))


# ============================================================================ empirical spectra
# Conventions for the additions below (Bahri et al. 2024, eq. 3; Bordelon, Canatar & Pehlevan 2020):
#  - mode index i = 1, 2, ... in descending order of eigenvalue; the kernel/covariance exponent
#    α_K is defined by λ_i ∝ i^−(1+α_K);
#  - for a Gram matrix K (n × n, K_ab = k(x_a, x_b)) the operator eigenvalues are estimated by
#    the eigenvalues of K/n, the eigenfunctions at the samples by φ_k(x_a) ≈ √n U_ak;
#  - the target power of mode k is v_k = η_k w̄_k² for f*(x) = Σ_k w̄_k √η_k φ_k(x), estimated by
#    v_k = (U_kᵀ y)² / n, so that Σ_k v_k = |y|²/n (the mean squared label).

__all__ += [
    "EmpiricalSpectrum", "covariance_spectrum", "gram_spectrum", "target_power",
    "SpectrumFit", "NoPowerLawWindow", "fit_spectrum_exponent", "check_eigenvalues",
]


def check_eigenvalues(eigenvalues, name: str = "eigenvalues") -> np.ndarray:
    """Return ``eigenvalues`` as a 1-D float array sorted descending; ValueError unless all are finite and > 0.

    Parameters
    ----------
    eigenvalues : array-like of eigenvalues (flattened).
    name : the argument name used in the error message.

    Returns
    -------
    numpy.ndarray
        1-D float array, sorted descending.

    References
    ----------
    Bahri, Dyer, Kaplan, Lee & Sharma 2024, arXiv 2102.06701, Eq. 3 (the spectrum λ_i,
    indexed in descending order, whose exponent the fits estimate).

    Examples
    --------
    >>> check_eigenvalues([0.5, 2.0, 1.0]).tolist()
    [2.0, 1.0, 0.5]
    """
    try:
        ev = np.asarray(eigenvalues, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a numeric array") from None
    if ev.size == 0:
        raise ValueError(f"{name} must be non-empty")
    if not np.all(np.isfinite(ev)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    if np.any(ev <= 0):
        raise ValueError(f"{name} must be > 0, got min {ev.min():g} (drop the zero modes first)")
    return np.sort(ev)[::-1]


@dataclass(frozen=True)
class EmpiricalSpectrum:
    """Eigenvalues (descending, all > 0) and eigenvectors (columns) of an empirical operator.

    ``n_samples`` is the number of samples the estimate came from; eigenvalues beyond about
    ``n_samples/2`` are finite-sample noise (Bahri et al. 2024 Fig 2b fits the middle).
    ``vectors`` may be ``None`` when only eigenvalues were requested.
    """

    values: np.ndarray
    vectors: np.ndarray | None
    n_samples: int
    kind: str

    def spectrum(self) -> Spectrum:
        return spectrum_from_eigenvalues(self.values)


def _positive_part(w: np.ndarray, U: np.ndarray | None, rtol: float):
    order = np.argsort(w)[::-1]
    w = w[order]
    keep = w > rtol * max(float(w[0]), 0.0)
    if not np.any(keep):
        raise ValueError("the matrix has no positive eigenvalues")
    U = None if U is None else U[:, order][:, keep]
    return w[keep], U


def covariance_spectrum(X, *, center: bool = True, vectors: bool = False, rtol: float = 1e-12) -> EmpiricalSpectrum:
    """Eigenvalues of the sample covariance of a data matrix ``X`` (rows = samples, n × d).

    Σ̂ = (X − x̄)ᵀ(X − x̄)/n (``center=False``: XᵀX/n); computed through the smaller of the d × d
    covariance and the n × n Gram matrix.  Eigenvalues ≤ ``rtol``·λ_max (rank deficiency,
    round-off) are dropped.  ``vectors=True`` returns the d-dimensional principal directions.

    Parameters
    ----------
    X : (n, d) data matrix, n >= 2, finite.
    center : subtract the sample mean first.
    vectors : also return the principal directions (columns, d-dimensional).
    rtol : relative cut-off in [0, 1) for eigenvalues kept.

    Returns
    -------
    EmpiricalSpectrum
        ``values`` descending (all > rtol·λ_max), ``vectors`` or None, ``n_samples = n``,
        ``kind = "covariance"``.

    References
    ----------
    Bahri, Dyer, Kaplan, Lee & Sharma 2024, arXiv 2102.06701, Eq. 3 and Fig. 2b (the feature
    covariance spectrum whose exponent α_K sets the resolution-limited exponents).

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 2.0], [0.0, -2.0]])
    >>> covariance_spectrum(X).values.tolist()
    [2.0, 0.5]
    """
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("X must be a numeric array") from None
    if X.ndim != 2 or X.shape[0] < 2 or X.shape[1] < 1:
        raise ValueError(f"X must be 2-D (n_samples >= 2, n_features >= 1), got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must be finite (no NaN or inf)")
    rtol = check_real(rtol, "rtol", lo=0.0, hi=1.0, hi_open=True)
    n, d = X.shape
    Xc = X - X.mean(0) if center else X
    if d <= n or vectors:
        w, U = np.linalg.eigh(Xc.T @ Xc / n)
        w, U = _positive_part(w, U if vectors else None, rtol)
    else:  # the Gram side has the same non-zero eigenvalues
        w, _ = np.linalg.eigh(Xc @ Xc.T / n)
        w, U = _positive_part(w, None, rtol)
    return EmpiricalSpectrum(w, U, n, "covariance")


def gram_spectrum(K, *, vectors: bool = True, rtol: float = 1e-12) -> EmpiricalSpectrum:
    """Operator eigenvalues estimated from a Gram matrix: eigenvalues of K/n (n = K.shape[0]).

    ``K`` must be square, finite and symmetric (to 1e-8 relative).  Eigenvalues ≤ ``rtol``·λ_max are
    dropped with their eigenvectors (columns of ``vectors``, unit norm, n-dimensional).

    Parameters
    ----------
    K : (n, n) symmetric Gram matrix, n >= 2, finite.
    vectors : also return the eigenvectors (columns of ``vectors``).
    rtol : relative cut-off in [0, 1) for eigenvalues kept.

    Returns
    -------
    EmpiricalSpectrum
        ``values`` (eigenvalues of K/n, descending), ``vectors`` (n, k) or None,
        ``n_samples = n``, ``kind = "gram"``.

    References
    ----------
    Bordelon, Canatar & Pehlevan 2020, "Spectrum Dependent Learning Curves in Kernel Regression
    and Wide Neural Networks", arXiv 2002.02561, §2 (the kernel's eigen-decomposition on the
    data distribution); Bahri, Dyer, Kaplan, Lee & Sharma 2024, arXiv 2102.06701, Eq. 3.

    Examples
    --------
    >>> g = gram_spectrum(np.diag([4.0, 2.0, 1.0]))
    >>> np.round(g.values, 4).tolist(), g.vectors.shape
    ([1.3333, 0.6667, 0.3333], (3, 3))
    """
    try:
        K = np.asarray(K, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("K must be a numeric array") from None
    if K.ndim != 2 or K.shape[0] != K.shape[1] or K.shape[0] < 2:
        raise ValueError(f"K must be a square matrix of size >= 2, got shape {K.shape}")
    if not np.all(np.isfinite(K)):
        raise ValueError("K must be finite (no NaN or inf)")
    scale = float(np.abs(K).max()) or 1.0
    if np.abs(K - K.T).max() > 1e-8 * scale:
        raise ValueError("K must be symmetric")
    rtol = check_real(rtol, "rtol", lo=0.0, hi=1.0, hi_open=True)
    n = K.shape[0]
    w, U = np.linalg.eigh(0.5 * (K + K.T) / n)
    w, U = _positive_part(w, U if vectors else None, rtol)
    return EmpiricalSpectrum(w, U, n, "gram")


def target_power(spectrum: EmpiricalSpectrum, y) -> np.ndarray:
    """Target power per mode v_k = (u_kᵀ y)²/n from a Gram spectrum's eigenvectors.

    For y_a = f*(x_a) = Σ_k w̄_k √η_k φ_k(x_a) this estimates v_k = η_k w̄_k² (Bordelon et al. 2020,
    the input of the spectral learning curve).  ``y`` may be (n,) or (n, m) for m outputs (the
    powers are summed over outputs).  Needs ``spectrum`` from :func:`gram_spectrum` with vectors.

    Parameters
    ----------
    spectrum : EmpiricalSpectrum from :func:`gram_spectrum` with ``vectors=True``.
    y : (n,) or (n, m) labels at the samples the Gram matrix was built on.

    Returns
    -------
    numpy.ndarray
        (k,) target power per mode, in the order of ``spectrum.values``; it sums to |y|²/n
        when no mode was dropped.

    References
    ----------
    Bordelon, Canatar & Pehlevan 2020, arXiv 2002.02561, §2 (the target's weights w̄_k in the
    kernel eigenbasis, which enter the learning curve through η_k w̄_k²).

    Examples
    --------
    >>> g = gram_spectrum(np.diag([4.0, 2.0, 1.0]))
    >>> np.round(target_power(g, np.array([1.0, 0.0, 0.0])), 4).tolist()
    [0.3333, 0.0, 0.0]
    """
    if not isinstance(spectrum, EmpiricalSpectrum) or spectrum.vectors is None or spectrum.kind != "gram":
        raise ValueError("spectrum must be an EmpiricalSpectrum from gram_spectrum(..., vectors=True)")
    try:
        y = np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("y must be a numeric array") from None
    n = spectrum.n_samples
    if y.ndim not in (1, 2) or y.shape[0] != n:
        raise ValueError(f"y must have shape ({n},) or ({n}, m), got {y.shape}")
    if not np.all(np.isfinite(y)):
        raise ValueError("y must be finite (no NaN or inf)")
    proj = spectrum.vectors.T @ y
    p = proj ** 2 / n
    return p.sum(1) if p.ndim == 2 else p


# ============================================================================ exponent fits
class NoPowerLawWindow(ValueError):
    """Raised when no window of at least ``min_decades`` follows a power law within tolerance."""


@dataclass(frozen=True)
class SpectrumFit:
    """λ_i ≈ B·i^−(1+alpha) on mode indices ``window`` = (first, last), 1-based inclusive.

    ``alpha`` is α_K (Bahri et al. 2024, eq. 3), ``decay`` = 1 + α_K the exponent of the
    eigenvalues, ``alpha_ci`` the bootstrap interval of α_K from :func:`nsl.theory.fitting.fit_power_law`
    (the asymptotic one when n_boot = 0),
    ``max_log_dev`` the largest |log residual| of the log-binned spectrum in the window.
    """

    alpha: float
    alpha_ci: tuple[float, float]
    decay: float
    amplitude: float
    window: tuple[int, int]
    auto_window: bool
    max_log_dev: float
    n_points: int
    fit: object = None

    def predict(self, i) -> np.ndarray:
        return self.amplitude * np.asarray(i, dtype=float) ** (-self.decay)

    def to_dict(self) -> dict:
        return {"alpha_K": self.alpha, "alpha_K_ci": list(self.alpha_ci), "decay": self.decay,
                "amplitude": self.amplitude, "window": list(self.window), "auto_window": self.auto_window,
                "max_log_dev": self.max_log_dev, "n_points": self.n_points}


_MAX_PER_DECADE = 1000  # log-binned points per decade: more than the modes of any decade a fit uses


def _check_window(window, n: int, what: str) -> tuple[int, int]:
    """``window`` = (first, last): a pair of 1-based mode indices with 1 <= first < last <= n = len(what)."""
    if isinstance(window, (str, bytes, dict)) or not hasattr(window, "__len__"):
        raise TypeError(f"window must be a pair (first, last) of 1-based mode indices, got {window!r:.80}")
    if len(window) != 2:
        raise ValueError(f"window must be a pair (first, last) of 1-based mode indices, got {len(window)} values")
    first = check_int(window[0], "window[0]", lo=1)
    last = check_int(window[1], "window[1]", lo=1)
    if not first < last <= n:
        raise ValueError(f"window must satisfy 1 <= first < last <= {n} (the number of {what}), got {tuple(window)!r}")
    return first, last


def _log_bins(lo: int, hi: int, per_decade: int) -> np.ndarray:
    """Distinct integer mode indices in [lo, hi], roughly ``per_decade`` per decade (all if few)."""
    if hi - lo + 1 <= 3 * per_decade:
        return np.arange(lo, hi + 1)
    n = max(int(np.ceil(np.log10(hi / lo) * per_decade)) + 1, 4)
    return np.unique(np.round(np.geomspace(lo, hi, n)).astype(int))


def fit_spectrum_exponent(eigenvalues, window: tuple[int, int] | None = None, *, n_samples: int | None = None,
                          skip: int = 5, min_decades: float = 1.0, tol: float = 0.1, per_decade: int = 12,
                          n_boot: int = 400, ci: float = 0.95, rng=None) -> SpectrumFit:
    """Fit λ_i ∝ i^−(1+α_K) and return α_K with a bootstrap interval (Bahri et al. 2024, eq. 3).

    Parameters
    ----------
    eigenvalues : positive, finite eigenvalues (sorted here, descending).
    window : (first, last) 1-based mode indices, inclusive; ``None`` chooses it automatically.
    n_samples : when the spectrum was estimated from n samples, the automatic window stops at n/2
        (the finite-sample tail is unreliable; Bahri et al. 2024, arXiv 2102.06701, Fig. 2b fits
        the middle of the spectrum).
    skip : the automatic window starts after the first ``skip`` modes (integer >= 0).
    min_decades : the automatic window must span at least this many decades (finite, > 0).
    tol : largest allowed |log residual| of the log-binned spectrum in the automatic window (finite, > 0).
    per_decade : log-binned points per decade used by the fit (integer in [4, 1000]).
    n_boot, ci, rng : passed to :func:`nsl.theory.fitting.fit_power_law` (residual bootstrap;
        n_boot = 0: the asymptotic interval).

    Automatic window: among windows [i_lo, i_hi] on the log-binned indices inside
    [skip + 1, n_max] (n_max = n_samples/2 or the number of modes), the one spanning most decades
    whose straight-line fit in log–log has all residuals ≤ ``tol``.  If none spans
    ``min_decades``, :class:`NoPowerLawWindow` is raised (no number is printed for a non-power law).

    Returns
    -------
    SpectrumFit
        α_K with its bootstrap interval, the decay 1 + α_K, the amplitude, the window used and
        the largest log residual in it.

    Raises
    ------
    NoPowerLawWindow
        When no automatic window of ``min_decades`` fits a power law within ``tol``.

    References
    ----------
    Bahri, Dyer, Kaplan, Lee & Sharma 2024, "Explaining Neural Scaling Laws", arXiv 2102.06701,
    Eq. 3 (λ_i ∝ i^−(1+α_K)) and Fig. 2b (the exponent fitted on the middle of the spectrum,
    away from the first modes and the finite-sample tail).

    Examples
    --------
    >>> f = fit_spectrum_exponent(np.arange(1, 501.0) ** -2.0, n_boot=0)
    >>> round(f.alpha, 3), f.window[1]
    (1.0, 500)
    """
    from nsl.theory.fitting import fit_power_law

    ev = check_eigenvalues(eigenvalues)
    N = ev.size
    skip = check_int(skip, "skip", lo=0)
    per_decade = check_int(per_decade, "per_decade", lo=4, hi=_MAX_PER_DECADE)
    min_decades = check_real(min_decades, "min_decades", lo=0.0, lo_open=True)
    tol = check_real(tol, "tol", lo=0.0, lo_open=True)
    check_boot(n_boot, ci)
    if n_samples is not None:
        n_samples = check_int(n_samples, "n_samples", lo=2)
    if window is not None:
        first, last = _check_window(window, N, "eigenvalues")
        if last - first + 1 < 4:
            raise ValueError(f"window must satisfy 1 <= first, last <= {N} (number of eigenvalues) and hold "
                             f">= 4 modes, got {window!r}")
        idx = _log_bins(first, last, per_decade)
        maxdev = float(np.abs(np.polyval(np.polyfit(np.log(idx), np.log(ev[idx - 1]), 1), np.log(idx))
                              - np.log(ev[idx - 1])).max())
        auto = False
    else:
        n_max = N
        if n_samples is not None:
            n_max = min(N, n_samples // 2)
        lo0 = skip + 1
        if min_decades > 300 or n_max < lo0 * 10.0 ** min_decades:
            need = f"{math.ceil(lo0 * 10.0 ** min_decades)}" if min_decades <= 300 else f"{lo0}·10^{min_decades:g}"
            raise ValueError(f"eigenvalues too short for the fit window: need at least {need} usable modes "
                             f"(skip={skip}, min_decades={min_decades:g}), have {n_max}")
        grid = _log_bins(lo0, n_max, per_decade)
        lx, ly = np.log(grid), np.log(ev[grid - 1])
        best = None
        m = grid.size
        for a in range(m):
            for b in range(m - 1, a + 2, -1):
                span = (lx[b] - lx[a]) / np.log(10)
                if span < min_decades or (best is not None and span <= best[0]):
                    continue
                c = np.polyfit(lx[a:b + 1], ly[a:b + 1], 1)
                dev = float(np.abs(np.polyval(c, lx[a:b + 1]) - ly[a:b + 1]).max())
                if dev <= tol:
                    best = (span, a, b, dev)
                    break  # the widest window from this start
        if best is None:
            raise NoPowerLawWindow(f"no power-law window of >= {min_decades} decade(s) within |log residual| <= {tol} "
                                   f"in modes [{lo0}, {n_max}]; the spectrum is not a power law there")
        _, a, b, maxdev = best
        first, last = int(grid[a]), int(grid[b])
        idx = grid[a:b + 1]
        auto = True
    fit = fit_power_law(idx.astype(float), ev[idx - 1], offset=False, n_boot=n_boot, ci=ci, rng=rng)
    lo, hi = fit.alpha_ci
    return SpectrumFit(alpha=fit.alpha - 1.0, alpha_ci=(lo - 1.0, hi - 1.0), decay=fit.alpha, amplitude=fit.amplitude,
                       window=(first, last), auto_window=auto, max_log_dev=maxdev, n_points=int(idx.size), fit=fit)


__all__ += ["fit_target_exponent"]


def fit_target_exponent(target_power, window: tuple[int, int], *, per_decade: int = 8, n_boot: int = 400,
                        ci: float = 0.95, rng=None):
    """Fit v_k ∝ k^−a on modes ``window`` = (first, last) (1-based, inclusive) and return the PowerLawFit (alpha = a).

    Per-mode target powers from label projections scatter like χ²₁ (one draw per mode), so they are
    averaged over log-spaced bins of modes first; bins with zero power
    are dropped.  Needs >= 4 non-empty bins.

    Parameters
    ----------
    target_power : per-mode target powers v_k >= 0 (e.g. from :func:`target_power`), mode 1 first.
    window : (first, last) 1-based mode indices, inclusive, 1 <= first < last <= len(target_power).
    per_decade : log-spaced bins per decade, integer in [2, 1000].
    n_boot, ci, rng : passed to :func:`nsl.theory.fitting.fit_power_law` (n_boot = 0: asymptotic
        interval).

    Returns
    -------
    PowerLawFit
        The fit of the binned powers; ``alpha`` is the exponent a of v_k ∝ k^−a.

    References
    ----------
    Bordelon, Canatar & Pehlevan 2020, arXiv 2002.02561, §2 (the target power per mode);
    Spigler, Geiger & Wyart 2020, "Asymptotic learning curves of kernel methods", arXiv
    1905.10843 (the learning-curve exponent from the spectrum's and the target's decay).

    Examples
    --------
    >>> v = np.arange(1, 1001.0) ** -1.5
    >>> round(fit_target_exponent(v, (1, 1000), n_boot=0).alpha, 1)
    1.5
    """
    from nsl.theory.fitting import fit_power_law

    v = check_real_array(target_power, "target_power", lo=0.0).ravel()
    first, last = _check_window(window, v.size, "entries of target_power")
    per_decade = check_int(per_decade, "per_decade", lo=2, hi=_MAX_PER_DECADE)
    check_boot(n_boot, ci)
    nb = max(int(np.ceil(np.log10(last / first) * per_decade)), 4)
    edges = np.unique(np.round(np.geomspace(first, last + 1, nb + 1)).astype(int))
    xs, ys = [], []
    for lo, hi in zip(edges[:-1], edges[1:]):
        seg = v[lo - 1:hi - 1]
        if seg.size and seg.mean() > 0:
            xs.append(np.exp(np.mean(np.log(np.arange(lo, hi)))))
            ys.append(seg.mean())
    if len(xs) < 4:
        raise ValueError(f"target_power has fewer than 4 non-empty log bins in window {window!r}")
    return fit_power_law(np.array(xs), np.array(ys), offset=False, n_boot=n_boot, ci=ci, rng=rng)
