"""Symmetric plateaus of the erf committee machine under a spectrum of L distinct eigenvalues.

- :func:`symmetric_fixed_point`: the unspecialised fixed point (all students alike, Q_ii = a,
  Q_ik = b, R_in = c for every pair: each student overlaps each teacher equally; K = M) of
  the ODEs of :mod:`nsl.theory.two_layer.ode`, at any η (the η² term included).  With the
  idealised teacher t^l = (m_l/N) I every eigenspace rate is λ_l m_l/N times one and the
  same function of (Q, R), so the fixed point is the isotropic one with T = (Tr Σ/N) I: the
  plateau *height* does not depend on L or β (derived).  For η → 0, K = M, T = I it is Saad &
  Solla's Q = 1/(2K−1), R = 1/√(K(2K−1)), ε* = (K/π)[π/6 − K arcsin(1/(2K))].
- :func:`escape_rate`: the largest eigenvalue μ of the ODE linearised at that fixed point
  (the unstable, symmetry-breaking direction), for the full eigenspace system.  Escape from a
  plateau entered with asymmetry δ takes τ ≈ ln(δ*/δ)/μ, so 1/μ is the predicted scale of
  the plateau length; its dependence on L and M is what :func:`escape_time_scaling` fits
  (the paper's reviewers quote τ_esc ∼ M²/L for large L and M; the paper's own plateau
  formulas, its Eqs. 12 and 15, could not be read).
- :func:`detect_plateau`: onset, escape and height of a plateau in any curve ε_g(α).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy.optimize import root

from nsl.theory.checks import MAX_BOOT, check_seed
from nsl.theory.spectra import Spectrum
from nsl.theory.two_layer.checks import (MAX_SCALE, check_choice, check_int, check_real, check_real_array,
                                           check_spectrum)
from nsl.theory.two_layer.ode import TwoLayerODE, check_eta, eg_from_covariances

#: the largest ODE state :func:`escape_rate` linearises (checked before anything is built; dense eigen-solver
#: up to 400 variables, ARPACK's rightmost eigenvalue of the sparse Jacobian above)
ESCAPE_RATE_MAX_VARIABLES = 200_000
#: the most eigenspaces :func:`teacher_fixed_point` accepts ((3 + M) vectorised ODE evaluations per step)
TEACHER_FIXED_POINT_MAX_L = 200_000
#: negative ε_g accepted as rounding, relative to the curve's maximum (see ``_curve``)
EG_ROUNDING = 1e-6
#: the most hidden units K the fixed-point functions accept (each ODE evaluation is O(K^4): K = 64 takes ~0.1 s)
PLATEAU_MAX_K = 64


def _plateau_K(K: Any) -> int:
    return check_int(K, "K", lo=2, hi=PLATEAU_MAX_K)


def _curve(alpha: Any, eg: Any, min_size: int) -> tuple[np.ndarray, np.ndarray]:
    """A learning curve: alpha 1-D, > 0, increasing; eg finite, >= 0 up to rounding, of the same shape; at least
    ``min_size`` points.

    An ODE solved on the ordinary overlaps gets ε_g as a difference of O(1) terms, so near its end it can dip
    below zero by the solver's tolerance (e.g. −2.8e-10 at rtol 1e-8); values down to −1e-6·max ε_g are taken
    as 0, anything more negative is refused.
    """
    alpha = check_real_array(alpha, "alpha", ndim=1, lo=0.0, lo_open=True, min_size=min_size)
    eg = check_real_array(eg, "eg", ndim=1, min_size=min_size)
    floor = -EG_ROUNDING * float(np.max(np.abs(eg)))
    if eg.min() < floor:
        raise ValueError(f"eg must hold numbers >= 0 (a generalisation error; rounding down to "
                         f"-{EG_ROUNDING:g} x max eg is accepted), got min {eg.min():g}")
    eg = np.maximum(eg, 0.0)
    if eg.shape != alpha.shape:
        raise ValueError(f"alpha and eg must have the same length, got {alpha.size} and {eg.size}")
    if np.any(np.diff(alpha) <= 0):
        raise ValueError("alpha must be increasing")
    return alpha, eg

__all__ = ["FixedPoint", "TeacherFixedPoint", "teacher_fixed_point", "PlateauInfo", "symmetric_fixed_point", "plateau_height_gradient_flow", "escape_rate", "escape_time",
           "detect_plateau", "escape_time_scaling", "specialised_phase_exponent"]


@dataclass(frozen=True)
class FixedPoint:
    """The symmetric fixed point: Q_ii = q_diag, Q_ik = q_off, R_in = r (all pairs), its ε_g, and T = tau·I."""

    K: int
    eta: float
    q_diag: float
    q_off: float
    r: float
    eg: float
    tau: float
    residual: float

    def to_dict(self) -> dict:
        return asdict(self)


def plateau_height_gradient_flow(K: int) -> float:
    """ε* = (K/π)[π/6 − K arcsin(1/(2K))] (Saad & Solla 1995; η → 0, K = M, T = I).

    Parameters
    ----------
    K : int
        Number of student (= teacher) hidden units, >= 1.

    Returns
    -------
    float
        The generalisation error on the symmetric plateau in the gradient-flow limit.

    Raises
    ------
    ValueError
        If ``K`` is not an integer >= 1.

    References
    ----------
    Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines. Phys. Rev. E 52, 4225 (symmetric phase of the erf committee machine; section not confirmed here).

    Examples
    --------
    >>> round(float(plateau_height_gradient_flow(2)), 7)
    0.0116108
    >>> round(float(plateau_height_gradient_flow(3)), 4)
    0.0203
    """
    if not isinstance(K, (int, np.integer)) or K < 1:
        raise ValueError(f"K must be an integer >= 1, got {K!r}")
    return K / np.pi * (np.pi / 6 - K * np.arcsin(1.0 / (2 * K)))


def _v(K: int, prefactor: str) -> float:
    check_choice(prefactor, "prefactor", ("none", "sqrt"))
    return 1.0 if prefactor == "none" else 1.0 / np.sqrt(K)


def _iso_system(K: int, eta: float, tau: float, sgd_noise: bool, activation: str, prefactor: str) -> TwoLayerODE:
    sp = Spectrum(np.array([tau]), np.array([1]))
    v = _v(K, prefactor)
    return TwoLayerODE(sp, np.eye(K)[None], K=K, activation=activation, eta=eta, sgd_noise=sgd_noise,
                       v_student=v, v_teacher=v)


def symmetric_fixed_point(K: int, eta: float, *, spectrum: Spectrum | None = None, activation: str = "erf",
                          sgd_noise: bool = True, prefactor: str = "none") -> FixedPoint:
    """The unspecialised fixed point for K = M students/teachers (module docstring).

    ``spectrum`` only sets τ = Tr Σ / N (1 for ``normalize='trace'``); None means τ = 1.
    ``prefactor``: 'none' (σ = Σ g, Saad–Solla) or 'sqrt' (σ = Σ g/√K, ζ = Σ g/√M).

    Parameters
    ----------
    K : int
        Number of student (= teacher) hidden units, >= 2.
    eta : float
        Learning rate η > 0 (the η² term is included when ``sgd_noise``).
    spectrum : Spectrum, optional
        Sets τ = Tr Σ / N; None means τ = 1.
    activation : str, optional
        'erf' (g(x) = erf(x/√2)) or 'linear'.
    sgd_noise : bool, optional
        Keep the O(η²) SGD-noise term of the ODEs.
    prefactor : {'none', 'sqrt'}, optional
        Output convention: σ = Σ g (Saad–Solla) or σ = Σ g/√K.

    Returns
    -------
    FixedPoint
        Q_ii, Q_ik, R_in at the fixed point, its ε_g, τ and the largest |derivative| left.

    Raises
    ------
    TypeError, ValueError
        If ``K`` is not an integer in [2, PLATEAU_MAX_K = 64], ``eta`` is out of range, ``spectrum`` is
        not a Spectrum or ``prefactor`` is unknown (each named in the message).

    References
    ----------
    Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines. Phys. Rev. E 52, 4225 (symmetric phase, η → 0).
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 3-4 (the eigenspace ODE; independence of the plateau height from L and β is
    derived here for the idealised teacher).

    Examples
    --------
    >>> fp = symmetric_fixed_point(2, 0.1)
    >>> round(fp.eg, 6), fp.residual < 1e-12
    (0.012086, True)
    >>> round(symmetric_fixed_point(2, 1e-8).q_diag, 6)  # Saad-Solla: 1/(2K - 1)
    0.333333
    """
    K = _plateau_K(K)
    eta = check_eta(eta)
    tau = 1.0 if spectrum is None else check_spectrum(spectrum).trace / spectrum.N
    # one eigenspace with λ = τ, multiplicity "1 of N = 1": c = τ; t = I so T = τ I
    sys = _iso_system(K, eta, tau, sgd_noise, activation, prefactor)
    off = ~np.eye(K, dtype=bool)

    def unpack(x):
        a, b, c = x
        q = np.full((1, K, K), b / tau)
        q[0, np.arange(K), np.arange(K)] = a / tau
        r = np.full((1, K, K), c / tau)
        return q, r

    def resid(x):
        q, r = unpack(x)
        dq, dr = sys.derivatives(q, r)
        return np.array([dq[0].diagonal().mean(), dq[0][off].mean(), dr[0].mean()])

    x0 = np.array([tau / (2 * K - 1), tau / (2 * K - 1), tau / np.sqrt(K * (2 * K - 1))])
    sol = root(resid, x0, method="hybr", options={"xtol": 1e-14})
    q, r = unpack(sol.x)
    dq, dr = sys.derivatives(q, r)
    res = float(max(np.abs(dq).max(), np.abs(dr).max()))
    Q, R = sys.covariances(q, r)
    eg = float(eg_from_covariances(Q, R, tau * np.eye(K), activation=activation, v_student=sys.v, v_teacher=sys.w))
    return FixedPoint(int(K), float(eta), float(sol.x[0]), float(sol.x[1]), float(sol.x[2]), eg, float(tau), res)


def escape_rate(spectrum: Spectrum, K: int, eta: float, *, activation: str = "erf", sgd_noise: bool = True,
                prefactor: str = "none", method: str = "auto") -> float:
    """Largest real eigenvalue μ of the eigenspace ODE linearised at the symmetric fixed point (K = M).

    The state is q^l = (m_l/N) Q*/τ, r^l = (m_l/N) R*/τ, t^l = (m_l/N) I (idealised teacher).
    ``method``: 'dense' (all eigenvalues), 'arpack' (the rightmost ones of the sparse Jacobian) or
    'auto' (dense up to 400 variables).

    Parameters
    ----------
    spectrum : Spectrum
        Eigenvalues λ_l with multiplicities m_l.
    K : int
        Number of student (= teacher) hidden units, >= 2.
    eta : float
        Learning rate η > 0.
    activation : str, optional
        'erf' (g(x) = erf(x/√2)) or 'linear'.
    sgd_noise : bool, optional
        Keep the O(η²) SGD-noise term of the ODEs.
    prefactor : {'none', 'sqrt'}, optional
        Output convention: σ = Σ g (Saad–Solla) or σ = Σ g/√K.
    method : {'auto', 'dense', 'arpack'}, optional
        Eigenvalue solver.

    Returns
    -------
    float
        μ > 0 for an unstable plateau; 1/μ sets the scale of the plateau length.

    Raises
    ------
    TypeError, ValueError
        If ``method`` is unknown, ``K`` is not an integer in [2, 64], an argument is out of range, or
        the ODE state is larger than ``ESCAPE_RATE_MAX_VARIABLES``.

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 4 (plateau length decreasing with L; the paper's own plateau-width formula was
    not read, so this linearisation is derived here).
    Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines. Phys. Rev. E 52, 4225 (escape from the symmetric phase).

    Examples
    --------
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> mu1 = escape_rate(power_law_spectrum(1, 0.0, N=8), 2, 0.1)
    >>> mu4 = escape_rate(power_law_spectrum(4, 1.0, N=64), 2, 0.1)
    >>> round(mu1, 4), bool(mu4 > mu1)  # more eigenspaces: faster escape
    (0.0066, True)
    """
    method = check_choice(method, "method", ("auto", "dense", "arpack"))
    spectrum = check_spectrum(spectrum)
    K = _plateau_K(K)
    fp = symmetric_fixed_point(K, eta, spectrum=spectrum, activation=activation, sgd_noise=sgd_noise,
                               prefactor=prefactor)
    n_var = spectrum.L * (K * (K + 1) // 2 + K * K) + (K * (K + 1) // 2 + K * K) * (spectrum.L > 1)
    if n_var > ESCAPE_RATE_MAX_VARIABLES:
        raise ValueError(f"escape_rate linearises the ODE: L*(K(K+1)/2 + K^2) + ... = {n_var} variables is above "
                         f"{ESCAPE_RATE_MAX_VARIABLES}; choose a smaller L (here L={spectrum.L}) or K")
    p = spectrum.multiplicities / spectrum.N
    Qs = np.full((K, K), fp.q_off / fp.tau)
    np.fill_diagonal(Qs, fp.q_diag / fp.tau)
    Rs = np.full((K, K), fp.r / fp.tau)
    t = p[:, None, None] * np.eye(K)[None]
    v = _v(K, prefactor)
    sys = TwoLayerODE(spectrum, t, K=K, activation=activation, eta=eta, sgd_noise=sgd_noise, v_student=v, v_teacher=v)
    y = sys.pack(p[:, None, None] * Qs[None], p[:, None, None] * Rs[None])
    Jm = sys.jacobian(0.0, y)
    if method == "dense" or (method == "auto" and Jm.shape[0] <= 400):
        ev = np.linalg.eigvals(Jm.toarray())
    else:  # the rightmost eigenvalue of the sparse arrowhead Jacobian (ARPACK); dense agrees at small n
        from scipy.sparse.linalg import eigs

        ev = eigs(Jm.tocsc(), k=3, which="LR", tol=1e-12, maxiter=20000, return_eigenvectors=False)
    return float(np.max(ev.real))


@dataclass(frozen=True)
class PlateauInfo:
    """A plateau found in ε_g(α): onset and escape (α), height (median ε_g on the flat stretch)."""

    onset: float
    escape: float
    height: float
    length: float
    flat_start: float
    flat_end: float

    def to_dict(self) -> dict:
        return asdict(self)


def detect_plateau(alpha: np.ndarray, eg: np.ndarray, *, flat_slope: float = 0.05, min_decades: float = 0.2,
                   escape_fraction: float = 0.5, onset_factor: float = 1.1) -> PlateauInfo | None:
    """The longest stretch (in decades of α) where |d ln ε_g / d ln α| < ``flat_slope``.

    height = median ε_g there; onset = first α where ε_g < ``onset_factor`` × height; escape =
    first α after the stretch where ε_g < ``escape_fraction`` × height.  Returns None if no
    stretch spans ``min_decades`` or the curve never escapes.

    Parameters
    ----------
    alpha : numpy.ndarray
        Positive, increasing training times (>= 5 points).
    eg : numpy.ndarray
        ε_g at those times.
    flat_slope : float, optional
        Largest |log-log slope| counted as flat.
    min_decades : float, optional
        Shortest flat stretch, in decades of α.
    escape_fraction : float, optional
        Escape when ε_g falls below this fraction of the height, in (0, 1).
    onset_factor : float, optional
        Onset when ε_g first falls below this multiple of the height.

    Returns
    -------
    PlateauInfo or None
        Onset, escape, height, length and the flat stretch; None if there is no plateau.

    Raises
    ------
    TypeError, ValueError
        If ``alpha``/``eg`` are not 1-D finite arrays of equal length >= 5 (alpha > 0 increasing,
        eg >= 0), or ``flat_slope`` (> 0), ``min_decades`` (>= 0), ``escape_fraction`` (in (0, 1))
        or ``onset_factor`` (>= 1) is out of range.

    References
    ----------
    Saad, D. & Solla, S. A. (1995). On-line learning in soft committee machines. Phys. Rev. E 52, 4225 (plateaus of the committee machine).
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Fig. 1 (plateau length against L). The detection rule is defined here.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.logspace(0, 3, 61)
    >>> p = detect_plateau(a, 0.01 / (1 + (a / 100) ** 4))
    >>> round(p.escape), round(p.height, 4)
    (100, 0.01)
    """
    alpha, eg = _curve(alpha, eg, 5)
    flat_slope = check_real(flat_slope, "flat_slope", lo=0.0, lo_open=True)
    min_decades = check_real(min_decades, "min_decades", lo=0.0)
    escape_fraction = check_real(escape_fraction, "escape_fraction", lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    onset_factor = check_real(onset_factor, "onset_factor", lo=1.0)
    la = np.log(alpha)
    le = np.log(np.maximum(eg, 1e-300))
    s = np.gradient(le, la)
    flat = np.abs(s) < flat_slope
    best, best_len = None, 0.0
    i = 0
    while i < flat.size:
        if flat[i]:
            j = i
            while j + 1 < flat.size and flat[j + 1]:
                j += 1
            span = (la[j] - la[i]) / np.log(10)
            if span > best_len:
                best, best_len = (i, j), span
            i = j + 1
        else:
            i += 1
    if best is None or best_len < min_decades:
        return None
    i, j = best
    height = float(np.median(eg[i:j + 1]))
    after = np.nonzero((np.arange(eg.size) > j) & (eg < escape_fraction * height))[0]
    if after.size == 0:
        return None
    k = after[0]
    # log-linear interpolation of the crossing
    a0, a1, e0, e1 = la[k - 1], la[k], le[k - 1], le[k]
    target = np.log(escape_fraction * height)
    esc = float(np.exp(a0 + (target - e0) * (a1 - a0) / (e1 - e0))) if e1 != e0 else float(alpha[k])
    on_idx = np.nonzero(eg[:i + 1] < onset_factor * height)[0]
    onset = float(alpha[on_idx[0]]) if on_idx.size else float(alpha[i])
    return PlateauInfo(onset, esc, height, esc - onset, float(alpha[i]), float(alpha[j]))


def escape_time_scaling(values: np.ndarray, times: np.ndarray) -> dict:
    """Least-squares exponent of times ∝ values^k (log-log), with the points; for escape time vs L or M.

    Parameters
    ----------
    values : numpy.ndarray
        The varied parameter (L or M), >= 2 positive points.
    times : numpy.ndarray
        The escape times, same length.

    Returns
    -------
    dict
        {'exponent': k, 'amplitude': A} with times ≈ A · values^k.

    Raises
    ------
    TypeError, ValueError
        If the arrays are not 1-D, positive and finite, differ in length, hold fewer than 2 points or
        ``values`` holds fewer than two distinct numbers.

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 4 (plateau length against L and M; the scaling τ_esc ∼ M²/L is quoted from the
    paper's ICLR 2025 reviews, the paper's own formula was not read).

    Examples
    --------
    >>> s = escape_time_scaling([1, 2, 4, 8], [100, 50, 25, 12.5])
    >>> round(s["exponent"], 6), round(s["amplitude"], 6)
    (-1.0, 100.0)
    """
    x = np.log(check_real_array(values, "values", ndim=1, lo=0.0, lo_open=True, min_size=2))
    y = np.log(check_real_array(times, "times", ndim=1, lo=0.0, lo_open=True, min_size=2))
    if x.shape != y.shape:
        raise ValueError(f"values and times must have the same length, got {x.size} and {y.size}")
    if np.ptp(x) == 0:
        raise ValueError("values must hold at least two distinct numbers")
    k, b = np.polyfit(x, y, 1)
    return {"exponent": float(k), "amplitude": float(np.exp(b))}


def escape_time(alpha: np.ndarray, eg: np.ndarray, height: float, *, fraction: float = 0.5) -> float:
    """First α where ε_g falls below ``fraction`` × ``height`` (log-interpolated); NaN if never.

    With ``height`` the symmetric fixed point's ε_g this is the plateau's end even when the
    plateau is too short to be flat (large L); the escape criterion (ε_g below half the plateau)
    is the one derived here for the prototype runs of the Worschech & Rosenow (2024) Fig. 1 setting.

    Parameters
    ----------
    alpha : numpy.ndarray
        Increasing, positive training times.
    eg : numpy.ndarray
        ε_g at those times.
    height : float
        Plateau height (> 0), e.g. ``symmetric_fixed_point(K, eta).eg``.
    fraction : float, optional
        Threshold as a fraction of the height, in (0, 1).

    Returns
    -------
    float
        The escape time, or NaN if ε_g never falls below the threshold.

    Raises
    ------
    TypeError, ValueError
        If ``alpha``/``eg`` are malformed (1-D, finite, alpha > 0 increasing, eg >= 0, equal length)
        or ``fraction`` (in (0, 1)) or ``height`` (> 0) is out of range.

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Fig. 1 (plateau length against L).

    Examples
    --------
    >>> import numpy as np
    >>> a = np.logspace(0, 3, 61)
    >>> round(escape_time(a, 0.01 / (1 + (a / 100) ** 4), 0.01), 6)
    100.0
    """
    alpha, eg = _curve(alpha, eg, 1)
    fraction = check_real(fraction, "fraction", lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    height = check_real(height, "height", lo=0.0, lo_open=True)
    below = np.nonzero(eg < fraction * height)[0]
    if below.size == 0:
        return float("nan")
    k = below[0]
    if k == 0:
        return float(alpha[0])
    la, le = np.log(alpha[k - 1:k + 1]), np.log(np.maximum(eg[k - 1:k + 1], 1e-300))
    target = np.log(fraction * height)
    return float(np.exp(la[0] + (target - le[0]) * (la[1] - la[0]) / (le[1] - le[0])))


def specialised_phase_exponent(alpha: np.ndarray, eg: np.ndarray, spectrum: Spectrum, *, eta: float,
                               plateau_height: float, V: float = 1.0, start_factor: float = 10.0,
                               end_factor: float = 0.1, n_boot: int = 1000, rng: Any = None):
    """Power-law exponent of ε_g in the specialised phase, fitted with a bootstrap interval.

    Window: from ``start_factor`` × the escape time (ε_g < ε*/2) to ``end_factor`` × 1/(2ηVλ_L),
    the slowest eigenspace's time beyond which the decay turns exponential.  The linearised
    heuristic (each eigenspace relaxing at a rate ∝ ηλ_l) predicts β/(1+β), as for the linear
    network; the paper's own Fig. 6 exponent could not be read.  Returns
    :class:`nsl.theory.fitting.PowerLawFit` (offset 0).

    Parameters
    ----------
    alpha : numpy.ndarray
        Training times.
    eg : numpy.ndarray
        ε_g at those times.
    spectrum : Spectrum
        Eigenvalues λ_l (λ_L sets the window's end).
    eta : float
        Learning rate η > 0.
    plateau_height : float
        ε* of the plateau (the escape is at ε_g < ε*/2).
    V : float, optional
        Σ_i v_i².
    start_factor, end_factor : float, optional
        Window limits as multiples of the escape time and of 1/(2ηVλ_L).
    n_boot : int, optional
        Bootstrap resamples.
    rng : numpy.random.Generator or int, optional
        Source of randomness for the bootstrap.

    Returns
    -------
    PowerLawFit
        The fitted exponent ``alpha`` with its confidence interval.

    Raises
    ------
    TypeError, ValueError
        If an argument is malformed or out of range (``n_boot`` in [2, 1e5], ``V`` in (0, 1e100],
        the factors > 0), the curve never escapes, or the window holds fewer than 5 points.

    References
    ----------
    Worschech, R. & Rosenow, B. (2024). Analyzing neural scaling laws in two-layer networks with
    power-law data spectra. arXiv:2410.09005, Sec. 4 and Fig. 6 (power-law decay in the specialised phase); the predicted β/(1+β)
    is a heuristic derived here.

    Examples
    --------
    >>> import numpy as np
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> a = np.logspace(0, 5, 200)
    >>> eg = np.where(a < 100, 0.01, 0.01 * (a / 100) ** -0.5)
    >>> fit = specialised_phase_exponent(a, eg, power_law_spectrum(64, 1.0, N=64), eta=0.001,
    ...                                  plateau_height=0.01, start_factor=2.0, n_boot=50,
    ...                                  rng=np.random.default_rng(0))
    >>> round(fit.alpha, 6)
    0.5
    """
    from nsl.theory.fitting import fit_power_law

    eta = check_eta(eta)
    alpha, eg = _curve(alpha, eg, 5)
    spectrum = check_spectrum(spectrum)
    plateau_height = check_real(plateau_height, "plateau_height", lo=0.0, lo_open=True)
    V = check_real(V, "V", lo=0.0, lo_open=True, hi=MAX_SCALE)
    start_factor = check_real(start_factor, "start_factor", lo=0.0, lo_open=True)
    end_factor = check_real(end_factor, "end_factor", lo=0.0, lo_open=True)
    n_boot = check_int(n_boot, "n_boot", lo=2, hi=MAX_BOOT)
    rng = check_seed(rng, "rng")
    tau = escape_time(alpha, eg, plateau_height)
    if not np.isfinite(tau):
        raise ValueError("the curve never leaves the plateau (eg stays above plateau_height/2)")
    hi = end_factor / (2 * eta * V * spectrum.values[-1])
    w = (alpha >= start_factor * tau) & (alpha <= hi)
    if w.sum() < 5:
        raise ValueError(f"the specialised-phase window [start_factor*tau, end_factor/(2 eta V lambda_L)] = "
                         f"[{start_factor * tau:.3g}, {hi:.3g}] holds {int(w.sum())} points of alpha (need >= 5): "
                         "extend alpha, change start_factor or end_factor, or use a larger L or beta")
    return fit_power_law(alpha[w], eg[w], offset=False, n_boot=n_boot, rng=rng)


@dataclass(frozen=True)
class TeacherFixedPoint:
    """The unspecialised fixed point for a given teacher: per eigenspace l, Q^l_ii = q_diag[l],
    Q^l_ik = q_off[l] (i != k), R^l_in = r[l, n] (the same for every student i); ``eg`` its ε_g,
    ``valid`` whether every [[Q, R], [Rᵀ, T]] is a covariance (PSD) with ε_g > 0, ``residual`` the
    largest |derivative| left, ``problems`` what failed."""

    K: int
    eta: float
    q_diag: np.ndarray
    q_off: np.ndarray
    r: np.ndarray
    Q: np.ndarray
    R: np.ndarray
    eg: float
    residual: float
    valid: bool
    problems: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in asdict(self).items()}


def teacher_fixed_point(spectrum: Spectrum, t: np.ndarray, K: int, eta: float, *, activation: str = "erf",
                        sgd_noise: bool = True, v_student: Any = 1.0, v_teacher: Any = 1.0) -> TeacherFixedPoint:
    """The plateau (unspecialised fixed point) of the eigenspace ODE for the teacher overlaps ``t`` actually given.

    Students that start alike stay exchangeable: the subspace Q^l_ii = a_l, Q^l_ik = b_l, R^l_in = r_ln
    is invariant under the ODE of :mod:`nsl.theory.two_layer.ode`, and the plateau is the fixed point
    inside it.  Given the global (Q, R) = Σ_l λ_l (q^l, r^l), each eigenspace's equations are affine
    in its own overlaps (the O(η) terms are linear in them, the η² term depends on (Q, R, T) only),
    so they are solved exactly per l, and a root search runs on the 2 + M global unknowns only,
    from the idealised-teacher point (:func:`symmetric_fixed_point`): the cost is linear in L.  Unlike that point it keeps the teacher's sampled overlaps
    t^l ≠ (m_l/N) I, which move the height by a few per cent at N ~ 10^3.

    Parameters
    ----------
    spectrum : the input spectrum (L distinct eigenvalues).
    t : (L, M, M) teacher overlaps (``OrderParameters.t``), M = K >= 2.
    K : student units; eta : learning rate (> 0); activation : 'erf' or 'linear';
    sgd_noise : keep the η² term; v_student, v_teacher : second-layer weights.

    Returns
    -------
    TeacherFixedPoint (``valid`` False, with ``problems``, when the point is not a covariance or the
    root search failed: the caller must flag it, not print it as a plateau).

    Raises
    ------
    TypeError, ValueError
        A malformed argument (named), K outside [2, 64], or equations that are singular or have no
        finite root for these eta, v_student, v_teacher and t.

    References
    ----------
    Saad & Solla 1995 (PRE 52, 4225) Sec. IV (symmetric phase); Worschech & Rosenow 2024
    (arXiv 2410.09005) Secs. 2-3 (the eigenspace ODE).

    Examples
    --------
    >>> from nsl.theory.spectra import power_law_spectrum
    >>> sp = power_law_spectrum(4, 1.0, N=64)
    >>> fp = teacher_fixed_point(sp, np.repeat(np.eye(2)[None] / 4, 4, 0), 2, 0.1)
    >>> round(fp.eg, 4) == round(symmetric_fixed_point(2, 0.1, spectrum=sp).eg, 4)
    True
    """
    spectrum = check_spectrum(spectrum)
    eta = check_eta(eta)
    t = check_real_array(t, "t", ndim=3)
    K = _plateau_K(K)
    if t.ndim != 3 or t.shape[0] != spectrum.L or t.shape[1] != t.shape[2] or t.shape[1] != K:
        raise ValueError(f"t must have shape (L={spectrum.L}, M, M) with M = K = {K}, got {t.shape}")
    L, M = spectrum.L, t.shape[1]
    if L > TEACHER_FIXED_POINT_MAX_L:
        raise ValueError(f"L must be <= {TEACHER_FIXED_POINT_MAX_L} for teacher_fixed_point, got {L}")
    sys = TwoLayerODE(spectrum, t, K=K, activation=activation, eta=eta, sgd_noise=sgd_noise, v_student=v_student,
                      v_teacher=v_teacher)
    v = np.asarray(sys.v)
    prefactor = "none" if np.allclose(v, 1.0) else "sqrt" if np.allclose(v, 1.0 / np.sqrt(K)) else None
    if prefactor is not None:
        fp0 = symmetric_fixed_point(K, eta, spectrum=spectrum, activation=activation, sgd_noise=sgd_noise,
                                    prefactor=prefactor)
        g0 = np.concatenate([[fp0.q_diag, fp0.q_off], np.full(M, fp0.r)])
    else:
        tau = spectrum.trace / spectrum.N
        g0 = np.concatenate([[tau / (2 * K - 1)] * 2, np.full(M, tau / np.sqrt(K * (2 * K - 1)))])
    eye = np.eye(K, dtype=bool)
    m = 2 + M
    lam = sys.lam

    def build(x):  # x (..., m) -> q (..., K, K), r (..., K, M) in the exchangeable-student form
        q = np.where(eye, x[..., 0, None, None], x[..., 1, None, None])
        r = np.repeat(x[..., None, 2:], K, axis=-2)
        return q, r

    def project(dq, dr):  # the m equations of the exchangeable form
        return np.concatenate([dq[..., eye].mean(-1)[..., None], dq[..., ~eye].mean(-1)[..., None], dr.mean(-2)], -1)

    basis = np.concatenate([np.zeros((1, m)), np.eye(m)])  # x = 0 and the unit vectors

    def inner(g):
        """Given the global (Q, R) = g, each eigenspace's equations are affine in its own x_l: solve them."""
        Qg, Rg = build(g)
        qb, rb = build(np.repeat(basis[:, None, :], L, axis=1))  # (m+1, L, K, K)
        dq, dr = sys.derivatives(qb, rb, Q=np.broadcast_to(Qg, (m + 1, K, K)), R=np.broadcast_to(Rg, (m + 1, K, M)))
        F = project(dq, dr)  # (m+1, L, m)
        c = F[0]
        A = np.moveaxis(F[1:] - c[None], 0, -1)  # (L, m, m): column j = response to unit x_j
        x = np.linalg.solve(A, -c[..., None])[..., 0]
        return x

    def resid(g):
        x = inner(g)
        return np.einsum("l,lj->j", lam, x) - g

    try:
        sol = root(resid, g0, method="hybr", options={"xtol": 1e-13})
        x = inner(sol.x)
    except np.linalg.LinAlgError as exc:
        raise ValueError(f"the exchangeable fixed-point equations are singular ({exc}) for these eta, v_student, "
                         "v_teacher and t") from None
    q, r = build(x)
    dq, dr = sys.derivatives(q, r)
    res = float(max(np.abs(dq).max(), np.abs(dr).max()))
    Q, R = sys.covariances(q, r)
    eg = float(sys.eg_from(Q, R))
    if not (np.isfinite(res) and np.isfinite(eg) and np.all(np.isfinite(Q)) and np.all(np.isfinite(R))):
        raise ValueError("no finite fixed point found for these eta, v_student, v_teacher and t (the root search "
                         "diverged)")
    problems = []
    if not np.isfinite(res) or res > 1e-9 * max(1.0, float(np.abs(Q).max())):
        problems.append(f"root search did not converge (largest derivative left {res:.3g})")
    full = np.block([[Q, R], [R.T, sys.T]])
    if np.linalg.eigvalsh(0.5 * (full + full.T)).min() < -1e-7 * max(1.0, float(np.abs(full).max())):
        problems.append("the point is not a valid covariance ([[Q, R], [R^T, T]] has a negative eigenvalue)")
    if not (eg > 0):
        problems.append(f"eps_g = {eg:.4g} <= 0")
    return TeacherFixedPoint(int(K), float(eta), q[:, 0, 0].copy(), q[:, 0, 1].copy(), r[:, 0, :].copy(), Q, R, eg,
                             res, not problems, tuple(problems))
