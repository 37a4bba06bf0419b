"""Brill's percolation model of neural scaling laws (arXiv 2412.07942, and the author's notebooks).

Data are percolation clusters; a cluster is a subtask.  With Fisher exponent tau the
clusters, ranked by size, carry data fractions p_k ∝ k^(-(1+alpha)) with

    alpha = (3 - tau)/(tau - 2)                       (tau = 5/2 -> alpha = 1),

and a cluster of fractal dimension D given n degrees of freedom (DOF) is learned with
error ∝ n^(-c/D) (c = 2 piecewise constant, c = 4 piecewise linear).

Model scaling (N DOF shared optimally; the paper's Eq. 26 and 29): clusters k < k_br get
n_k = b N k^(b-1)/(k_br^b - 1), the rest none, with b = 1 - (alpha + 1)/(c/D + 1) and k_br
solving N = k_br (1 - k_br^(-b))/b (b -> 0: N = k_br ln k_br).  Loss
L(N) = (N/k_br + 1/alpha) k_br^(-alpha), normalised to 1 at N = 1 (and 1 for N <= 1);
asymptotically L ∝ N^(-min(alpha, c/D)).

Data scaling (dataset size 𝒟, unlimited model; a = alpha/(1 + alpha)):
L(𝒟) ∝ alpha^(-(a+1))/(1 - a/(c/D)) 𝒟^(-a) + alpha^(-(c/D+1))/(1 - (c/D)/a) 𝒟^(-c/D),
and for c/D = a: L ∝ alpha^(-(c/D+1)) (1 + (c/D) ln alpha + (c/D) ln 𝒟) 𝒟^(-c/D); normalised
to 1 at 𝒟 = 1; asymptotically L ∝ 𝒟^(-min(a, c/D)).

Regimes: alpha < c/D is subtask-limited (the quantization model, Michaud et al. 2023: many
discrete subtasks, L ∝ N^(-alpha)); c/D < alpha is manifold-limited (approximation error on
the large clusters).  Above p_c one infinite cluster dominates and acts as a d-dimensional
data manifold (Sharma & Kaplan 2022): exponents c/d for both N and 𝒟.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from nsl.theory.checks import check_int, check_real, check_real_array

__all__ = ["BrillExponents", "brill_exponents", "brill_supercritical_exponents", "brill_alpha",
           "dof_exponent_b", "k_break", "dof_allocation", "brill_model_loss", "brill_data_loss",
           "n_clusters_kept", "check_c"]

_DEGENERATE_RTOL = 1e-6


def check_c(c) -> float:
    """``c`` (2: piecewise constant, 4: piecewise linear) as a finite float > 0.

    Parameters
    ----------
    c : approximation order (2: piecewise constant, 4: piecewise linear).

    Returns
    -------
    float
        ``c`` as a float.

    References
    ----------
    None: argument checking only; c is the order of Sharma & Kaplan 2022, arXiv 2004.10802.

    Examples
    --------
    >>> check_c(2)
    2.0
    """
    return check_real(c, "c", lo=0.0, lo_open=True)


def _check_pos(x, name: str) -> float:
    return check_real(x, name, lo=0.0, lo_open=True)


def _check_tau(tau) -> float:
    return check_real(tau, "tau", lo=2.0, hi=3.0, lo_open=True, hi_open=True)


def brill_alpha(tau: float) -> float:
    """Zipf exponent of subtasks, alpha = (3 - tau)/(tau - 2), for 2 < tau < 3 (Brill 2024, arXiv
    2412.07942, §3).

    Parameters
    ----------
    tau : Fisher exponent, 2 < tau < 3.

    Returns
    -------
    float
        alpha = (3 − tau)/(tau − 2).

    References
    ----------
    Brill 2024, "Neural Scaling Laws Rooted in the Data Distribution", arXiv 2412.07942, §3.

    Examples
    --------
    >>> brill_alpha(2.5)
    1.0
    """
    tau = _check_tau(tau)
    return (3.0 - tau) / (tau - 2.0)


@dataclass(frozen=True)
class BrillExponents:
    """Predicted exponents and regimes.  ``regime_N``/``regime_D``: 'subtask-limited (quanta)',
    'manifold-limited' or 'marginal' (equal exponents, log corrections); ``regime``: the phase."""

    alpha: float | None  # None above p_c: no Zipf law of subtasks (brill_supercritical_exponents)
    c_over_D: float
    alpha_N: float
    alpha_D: float
    regime_N: str
    regime_D: str
    regime: str
    b: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _which(a: float, m: float) -> str:
    if np.isclose(a, m, rtol=1e-9, atol=1e-12):
        return "marginal"
    return "subtask-limited (quanta)" if a < m else "manifold-limited"


def brill_exponents(tau: float, c: float, D: float) -> BrillExponents:
    """alpha, c/D, alpha_N = min(alpha, c/D), alpha_D = min(alpha/(1 + alpha), c/D) and the regimes
    at or below p_c (Brill 2024 §3-4).

    Parameters
    ----------
    tau : Fisher exponent, 2 < tau < 3.
    c : approximation order (2 or 4), > 0.
    D : fractal dimension of the clusters, > 0.

    Returns
    -------
    BrillExponents
        alpha, c/D, alpha_N, alpha_D, the regime names and the DOF exponent b.

    References
    ----------
    Brill 2024, "Neural Scaling Laws Rooted in the Data Distribution", arXiv 2412.07942, §3–4
    (the model- and data-scaling exponents).

    Examples
    --------
    The toy of the paper: tau = 5/2, nearest-neighbour learner (c = 2), D = 4.

    >>> e = brill_exponents(2.5, 2, 4)
    >>> e.alpha, e.alpha_N, e.alpha_D, e.regime_N
    (1.0, 0.5, 0.5, 'manifold-limited')
    """
    alpha = brill_alpha(tau)
    c = check_c(c)
    D = _check_pos(D, "D")
    m = c / D
    a_d = alpha / (1.0 + alpha)
    reg_n, reg_d = _which(alpha, m), _which(a_d, m)
    return BrillExponents(alpha, m, min(alpha, m), min(a_d, m), reg_n, reg_d,
                          "critical/subcritical: power-law distributed subtasks", dof_exponent_b(alpha, m))


def brill_supercritical_exponents(c: float, d: int) -> BrillExponents:
    """Above p_c: one dominant d-dimensional cluster (data manifold), alpha_N = alpha_D = c/d
    (Sharma & Kaplan 2022; Brill's notebook switches to the Euclidean dimension).

    Parameters
    ----------
    c : approximation order, > 0.
    d : dimension of the dominant cluster (the data manifold), integer >= 1.

    Returns
    -------
    BrillExponents
        alpha = None (no Zipf law of subtasks: one cluster holds the data), alpha_N = alpha_D = c/d.

    References
    ----------
    Brill 2024, "Neural Scaling Laws Rooted in the Data Distribution", arXiv 2412.07942 (the
    supercritical regime); Sharma & Kaplan 2022, "Scaling Laws from the Data Manifold
    Dimension", JMLR 23, arXiv 2004.10802 (exponent c/d).

    Examples
    --------
    >>> e = brill_supercritical_exponents(2, 4)
    >>> e.alpha_N, e.alpha_D
    (0.5, 0.5)
    """
    c = check_c(c)
    d = check_int(d, "d", lo=1)
    m = c / d
    return BrillExponents(None, m, m, m, "manifold-limited", "manifold-limited",
                          "supercritical: dominant data manifold", None)


def dof_exponent_b(alpha: float, c_over_D: float) -> float:
    """b = 1 - (alpha + 1)/(c/D + 1) (Brill Eq. 26; toy alpha = 1, c/D = 1/2: b = -1/3).

    Parameters
    ----------
    alpha : Zipf exponent of subtasks, > 0.
    c_over_D : c/D, > 0.

    Returns
    -------
    float
        b.

    References
    ----------
    Brill 2024, "Neural Scaling Laws Rooted in the Data Distribution", arXiv 2412.07942, Eq. 26.

    Examples
    --------
    >>> round(dof_exponent_b(1.0, 0.5), 6)
    -0.333333
    """
    alpha = _check_pos(alpha, "alpha")
    m = _check_pos(c_over_D, "c_over_D")
    return 1.0 - (alpha + 1.0) / (m + 1.0)


def _n_of_logk(u: np.ndarray, b: float) -> np.ndarray:
    # N = k (1 - k^-b)/b = e^u * u * exprel(-b u)  (b -> 0: k ln k)
    from scipy import special

    return np.exp(u) * u * special.exprel(-b * u)


def k_break(N, alpha: float, c_over_D: float) -> np.ndarray:
    """k_br solving N = k_br (1 - k_br^(-b))/b (Brill Eq. 29), k_br = 1 for N <= 0; vectorised bisection in ln k.

    Parameters
    ----------
    N : total degrees of freedom (scalar or array).
    alpha : Zipf exponent of subtasks, > 0.
    c_over_D : c/D, > 0.

    Returns
    -------
    numpy.ndarray
        k_br, of the shape of ``N`` (at least 1-D).

    References
    ----------
    Brill 2024, "Neural Scaling Laws Rooted in the Data Distribution", arXiv 2412.07942, Eq. 29.

    Examples
    --------
    >>> np.round(k_break([10, 100], 1.0, 0.5), 3).tolist()
    [4.829, 19.634]
    """
    b = dof_exponent_b(alpha, c_over_D)
    N = check_real_array(N, "N")
    Nf = np.atleast_1d(N).ravel()
    lo = np.zeros_like(Nf)
    hi = np.ones_like(Nf)
    for _ in range(200):
        small = _n_of_logk(hi, b) < Nf
        if not small.any():
            break
        hi[small] *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        below = _n_of_logk(mid, b) < Nf
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
        if np.all(hi - lo <= 1e-13 * np.maximum(1.0, hi)):
            break
    k = np.exp(0.5 * (lo + hi))
    k[Nf <= 0] = 1.0
    return k.reshape(N.shape) if N.ndim else k[0]


def dof_allocation(N: float, alpha: float, c_over_D: float, n_clusters: int) -> np.ndarray:
    """DOF per cluster k = 1..n_clusters (rank by size) at total N: n_k = b N k^(b-1)/(k_br^b - 1)
    for k < k_br, 0 otherwise (Brill Eq. 26; b -> 0: N k^-1/ln k_br).

    Parameters
    ----------
    N : total degrees of freedom, > 0.
    alpha : Zipf exponent of subtasks, > 0.
    c_over_D : c/D, > 0.
    n_clusters : number of clusters, integer >= 1.

    Returns
    -------
    numpy.ndarray
        (n_clusters,) DOF per cluster, zero from k_br on.  The continuum formula of Eq. 26 is
        used as is, so the discrete sum exceeds N (by about 20–30 % for the toy exponents).

    References
    ----------
    Brill 2024, "Neural Scaling Laws Rooted in the Data Distribution", arXiv 2412.07942, Eqs. 26
    and 29.

    Examples
    --------
    >>> n = dof_allocation(100.0, 1.0, 0.5, 50)
    >>> int((n > 0).sum())
    19
    """
    N = check_real(N, "N", lo=0.0)
    n_clusters = check_int(n_clusters, "n_clusters", lo=1, hi=10**8)
    b = dof_exponent_b(alpha, c_over_D)
    kb = float(k_break(N, alpha, c_over_D))
    k = np.arange(1, n_clusters + 1, dtype=float)
    if kb <= 1.0 or N == 0:
        return np.zeros(n_clusters)
    lnk = np.log(kb)
    from scipy import special

    norm = lnk * special.exprel(b * lnk)  # (k_br^b - 1)/b
    n = N * k ** (b - 1.0) / norm
    n[k >= kb] = 0.0
    return n


def brill_model_loss(N, alpha: float, c_over_D: float) -> np.ndarray:
    """Model-scaling loss L(N) = (N/k_br + 1/alpha) k_br^(-alpha), normalised to 1 at N = 1, 1 for N <= 1.

    Reference values (alpha = 1, c/D = 1/2): L(10, 100, 1e3, 1e4, 3e4) = 0.6846, 0.3341, 0.1333,
    0.0478, 0.0287 (the author's ``ScalingLaw``).

    Parameters
    ----------
    N : total degrees of freedom (scalar or array).
    alpha : Zipf exponent of subtasks, > 0.
    c_over_D : c/D, > 0.

    Returns
    -------
    numpy.ndarray
        L(N), of the shape of ``N`` (at least 1-D).

    References
    ----------
    Brill 2024, "Neural Scaling Laws Rooted in the Data Distribution", arXiv 2412.07942, Eqs. 26
    and 29 (the optimal allocation the loss follows from); asymptotically L ∝ N^(−min(alpha,
    c/D)).

    Examples
    --------
    >>> np.round(brill_model_loss([1, 10, 100, 1000], 1.0, 0.5), 3).tolist()
    [1.0, 0.685, 0.334, 0.133]
    """
    alpha = _check_pos(alpha, "alpha")
    m = _check_pos(c_over_D, "c_over_D")
    N = check_real_array(N, "N", lo=0.0)

    def log_raw(n):  # in logs, so that extreme alpha neither overflows nor underflows
        k = k_break(n, alpha, m)
        return np.log(n / k + 1.0 / alpha) - alpha * np.log(k)

    L = np.exp(log_raw(np.maximum(N, 1.0)) - log_raw(np.array(1.0)))
    return np.where(N <= 1.0, 1.0, L)


def brill_data_loss(Dset, alpha: float, c_over_D: float) -> np.ndarray:
    """Data-scaling loss L(𝒟), normalised to 1 at 𝒟 = 1 (1 for 𝒟 <= 1), with the degenerate
    form when c/D = alpha/(1 + alpha) (to relative precision 1e-6).  Toy (1, 1/2): (1 + ln(𝒟)/2)/√𝒟.

    Parameters
    ----------
    Dset : dataset sizes 𝒟 (scalar or array).
    alpha : Zipf exponent of subtasks, > 0.
    c_over_D : c/D, > 0.

    Returns
    -------
    numpy.ndarray
        L(𝒟), of the shape of ``Dset`` (at least 1-D).

    References
    ----------
    Brill 2024, "Neural Scaling Laws Rooted in the Data Distribution", arXiv 2412.07942, the
    data-scaling law (asymptotically L ∝ 𝒟^(−min(alpha/(1 + alpha), c/D))).

    Examples
    --------
    The toy's degenerate case c/D = alpha/(1 + alpha) = 1/2: L = (1 + ln(𝒟)/2)/√𝒟.

    >>> np.round(brill_data_loss([1, 100], 1.0, 0.5), 4).tolist()
    [1.0, 0.3303]
    """
    alpha = _check_pos(alpha, "alpha")
    m = _check_pos(c_over_D, "c_over_D")
    x = check_real_array(Dset, "Dset", lo=0.0)
    a = alpha / (1.0 + alpha)
    xx = np.maximum(x, 1.0)
    if abs(m - a) <= _DEGENERATE_RTOL * a:
        den = 1.0 + m * np.log(alpha)
        if not den > 0:
            raise ValueError(f"alpha must satisfy 1 + (c/D) ln(alpha) > 0 in the degenerate case c/D = "
                             f"alpha/(1 + alpha), got alpha={alpha!r}")
        L = (den + m * np.log(xx)) / den * xx ** (-m)
    else:
        # A t^-a + B t^-m normalised at t = 1, written with r = B/A = -(a/m) alpha^(a - m) (in logs,
        # so that extreme alpha neither overflows nor underflows)
        log_r = np.log(a / m) + (a - m) * np.log(alpha)
        if log_r <= 0:
            r = -np.exp(log_r)
            L = (xx ** (-a) + r * xx ** (-m)) / (1.0 + r)
        else:
            q = -np.exp(-log_r)
            L = (q * xx ** (-a) + xx ** (-m)) / (q + 1.0)
    return np.where(x <= 1.0, 1.0, L)


def n_clusters_kept(tau: float, s_min: float, s_max: float, expected_n_large: float = 1.0) -> int:
    """Clusters in the author's toy dataset: int(expected_n_large (s_max/s_min)^(tau - 2)), the
    number for which about ``expected_n_large`` sampled clusters would exceed s_max (316 for
    tau = 5/2, s_min = 300, s_max = 3e7).

    Parameters
    ----------
    tau : Fisher exponent, 2 < tau < 3.
    s_min, s_max : the size window of kept clusters, 1 <= s_min < s_max.
    expected_n_large : expected number of sampled clusters above s_max, > 0.

    Returns
    -------
    int
        The number of clusters in the dataset.

    References
    ----------
    Brill 2024, "Neural Scaling Laws Rooted in the Data Distribution", arXiv 2412.07942, §5 (the
    toy datasets: clusters with 300 <= s <= 3e7).

    Examples
    --------
    >>> n_clusters_kept(2.5, 300, 3e7)
    316
    """
    tau = _check_tau(tau)
    s_min = check_real(s_min, "s_min", lo=1.0)
    s_max = check_real(s_max, "s_max", lo=1.0)
    if s_max < s_min:
        raise ValueError(f"need s_min <= s_max, got s_min={s_min!r}, s_max={s_max!r}")
    expected_n_large = check_real(expected_n_large, "expected_n_large", lo=0.0, lo_open=True)
    return int(expected_n_large * (s_max / s_min) ** (tau - 2.0))
