"""Critical exponents, thresholds and finite-size-scaling estimators.

Exponents (Stauffer & Aharony table 2; 2-D exact: den Nijs 1979, Nienhuis 1982; d >= 6 mean
field).  For d = 3..5 the primary inputs are tau (Mertens & Moore, PRE 98, 022120 (2018),
arXiv 1806.08067, the values Brill's ``plots.ipynb`` uses) and nu (Wang et al. 2013 for 3-D;
literature simulation values for 4-D and 5-D, accurate to about 1 %); the others follow from the scaling
relations D = d/(tau - 1) (hyperscaling), sigma = 1/(nu D), beta = nu (d - D),
gamma = nu (2D - d).  Brill's notebook uses D = 3.06 and 3.54 for d = 4, 5; hyperscaling with
Mertens–Moore tau gives 3.044 and 3.524 (0.5 % lower).

FSS estimators (each returns a value with an interval):
- fractal dimension from the largest cluster at p_c, M(L) ∝ L^D (fit of 1/M = B L^(-D),
  ``nsl.theory.fitting.fit_power_law``, case bootstrap over repeated lattices);
- tau from cluster sizes at p_c, by the discrete maximum-likelihood tail fit
  (``fit_tail_exponent``) or by a log-binned least-squares fit of n_s (``fit_power_law``);
- tau with a correction to scaling, n_s = A s^(-tau) (1 + B s^(-Omega)) with Omega fixed at
  its literature value (``estimate_tau_fss``);
- p_c from wrapping/spanning probabilities R_L(p) = R_target (Newman & Ziff 2000), the
  interval by a case bootstrap over sweeps.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CriticalExponents", "critical_exponents", "hypercubic_threshold", "check_dimension",
           "log_binned_cluster_numbers", "estimate_fractal_dimension", "estimate_tau", "estimate_tau_binned",
           "PcEstimate", "estimate_pc", "TauFSS", "estimate_tau_fss", "CORRECTION_OMEGA"]


def check_dimension(d) -> int:
    """``d`` as an int >= 1, else ``ValueError``/``TypeError`` naming d and the range.

    Parameters
    ----------
    d : lattice dimension.

    Returns
    -------
    int
        ``d`` as a Python int.

    References
    ----------
    None: argument checking only.

    Examples
    --------
    >>> check_dimension(3.0)
    3
    """
    from nsl.theory.checks import check_int

    return check_int(d, "d", lo=1)


@dataclass(frozen=True)
class CriticalExponents:
    """Percolation exponents in dimension ``d``; ``exact`` marks d = 1, 2 and d >= 6 (mean field)."""

    d: int
    tau: float
    sigma: float
    D: float
    nu: float
    beta: float
    gamma: float
    exact: bool
    source: str

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("d", "tau", "sigma", "D", "nu", "beta", "gamma", "exact", "source")}


# (tau, nu) for d = 3..5
_NUMERICAL = {
    3: (2.18906, 0.8762, "tau: Mertens & Moore 2018; nu: Wang et al. 2013"),
    4: (2.3142, 0.6845, "tau: Mertens & Moore 2018; nu: literature compilation (4-D simulations)"),
    5: (2.4180, 0.5737, "tau: Mertens & Moore 2018; nu: literature compilation (5-D simulations)"),
}


def critical_exponents(d: int) -> CriticalExponents:
    """Exponents tau, sigma, D (fractal dimension), nu, beta, gamma of percolation in ``d`` dimensions.

    Exact for d = 1, 2 (tau = 187/91, D = 91/48, nu = 4/3, ...), numerical for 3 <= d <= 5
    (see the module docstring), mean field for d >= 6 (tau = 5/2, sigma = 1/2, D = 4,
    nu = 1/2, beta = gamma = 1).

    Parameters
    ----------
    d : lattice dimension, integer >= 1.

    Returns
    -------
    CriticalExponents
        tau, sigma, D, nu, beta, gamma, whether they are exact, and their source.

    References
    ----------
    Stauffer & Aharony 1994, *Introduction to Percolation Theory*, 2nd ed. (no arXiv), §2 and
    Table 2 (exponents and scaling relations); den Nijs 1979, J. Phys. A 12, 1857, and Nienhuis
    1982, J. Phys. A 15, 199 (exact 2-D values); Mertens & Moore 2018, PRE 98, 022120, arXiv
    1806.08067 (tau for d = 3–5).

    Examples
    --------
    >>> e = critical_exponents(2)
    >>> round(e.tau, 4), round(e.D, 4), e.exact
    (2.0549, 1.8958, True)
    >>> critical_exponents(7).tau
    2.5
    """
    d = check_dimension(d)
    if d == 1:
        return CriticalExponents(1, 2.0, 1.0, 1.0, 1.0, 0.0, 1.0, True, "exact (p_c = 1)")
    if d == 2:
        return CriticalExponents(2, 187 / 91, 36 / 91, 91 / 48, 4 / 3, 5 / 36, 43 / 18, True,
                                 "exact (den Nijs 1979, Nienhuis 1982)")
    if d >= 6:
        return CriticalExponents(d, 2.5, 0.5, 4.0, 0.5, 1.0, 1.0, True, "mean field (Bethe lattice)")
    tau, nu, src = _NUMERICAL[d]
    D = d / (tau - 1.0)
    return CriticalExponents(d, tau, 1.0 / (nu * D), D, nu, nu * (d - D), nu * (2 * D - d), False,
                             src + "; D, sigma, beta, gamma by scaling relations")


# thresholds of the hypercubic lattices (site, bond)
_PC = {
    1: (1.0, 1.0),
    2: (0.59274605079210, 0.5),                  # Jacobsen 2015; Kesten 1980 (exact)
    3: (0.3116077, 0.2488118),                   # Wang et al. 2013
    4: (0.196889, 0.1601314),                    # Paul, Ziff & Stanley 2001; Grassberger 2003
    5: (0.14081, 0.1181718),
    6: (0.1090171, 0.0942019),
    7: (0.0889511, 0.0786752),
}


def hypercubic_threshold(d: int, kind: str = "site") -> float:
    """Percolation threshold of the d-dimensional hypercubic lattice (d = 1..7), site or bond.

    Parameters
    ----------
    d : lattice dimension, integer in [1, 7].
    kind : 'site' or 'bond'.

    Returns
    -------
    float
        p_c.

    References
    ----------
    Newman & Ziff 2000, PRL 85, 4104, arXiv cond-mat/0005264 (2-D site); Jacobsen 2015, J. Phys.
    A 48, 454003 (2-D site, to 14 digits); Kesten 1980, Commun. Math. Phys. 74, 41 (2-D bond,
    exactly 1/2); Wang, Zhou, Zhang, Garoni & Deng 2013, PRE 87, 052107 (3-D); Grassberger 2003,
    PRE 67, 036101 (d >= 4).

    Examples
    --------
    >>> round(hypercubic_threshold(2), 6), hypercubic_threshold(2, "bond")
    (0.592746, 0.5)
    """
    d = check_dimension(d)
    if not isinstance(kind, str) or kind not in ("site", "bond"):
        raise ValueError(f"kind must be 'site' or 'bond', got {kind!r}")
    if d not in _PC:
        raise ValueError(f"d must be in [1, 7] for tabulated hypercubic thresholds, got {d}")
    return _PC[d][0 if kind == "site" else 1]


# ------------------------------------------------------------------------------- estimators

def log_binned_cluster_numbers(sizes: np.ndarray, n_sites: int, *, s_lo: float, s_hi: float,
                               bins_per_decade: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Log-binned n_s: (bin centre s, mean n_s per integer s in the bin), bins in [s_lo, s_hi).

    Bins are integer ranges [a, b); the density is counts / ((b - a) n_sites), the centre the
    geometric mean of a and b - 1.  Empty bins are dropped.

    Parameters
    ----------
    sizes : 1-D array of cluster sizes, integers >= 1.
    n_sites : number of lattice sites, integer >= 1.
    s_lo, s_hi : the size window [s_lo, s_hi).
    bins_per_decade : log bins per decade, integer >= 1.

    Returns
    -------
    tuple of numpy.ndarray
        (bin centres s, mean n_s in each bin), empty bins dropped.

    References
    ----------
    Stauffer & Aharony 1994, *Introduction to Percolation Theory*, 2nd ed. (no arXiv), ch. 2
    (cluster numbers per site n_s).

    Examples
    --------
    >>> s, n = log_binned_cluster_numbers(np.array([1, 1, 2, 3, 10]), 100, s_lo=1, s_hi=20,
    ...                                   bins_per_decade=2)
    >>> np.round(s, 3).tolist(), np.round(n, 5).tolist()
    ([1.414, 4.243, 11.533], [0.015, 0.0025, 0.00077])
    """
    from nsl.theory.checks import check_int, check_real, check_sizes

    sz = check_sizes(sizes)
    n_sites = check_int(n_sites, "n_sites", lo=1)
    s_lo = check_real(s_lo, "s_lo", lo=1.0, hi=1e15)
    s_hi = _check_window(s_lo, s_hi)
    bins_per_decade = check_int(bins_per_decade, "bins_per_decade", lo=1, hi=100)
    edges = _bin_edges(s_lo, s_hi, bins_per_decade)
    counts, _ = np.histogram(sz, bins=edges)
    width = np.diff(edges).astype(float)
    centre = np.sqrt(edges[:-1] * (edges[1:] - 1.0))
    keep = counts > 0
    return centre[keep], counts[keep] / (width[keep] * float(n_sites))


def estimate_fractal_dimension(L: np.ndarray, largest: np.ndarray, *, n_boot: int = 1000, rng=None):
    """Fractal dimension from M(L) ∝ L^D at p_c: ``fit_power_law`` of 1/M = B L^(-D) (no offset).

    ``largest`` is (repeats, len(L)) or (len(L),); returns the ``PowerLawFit`` (``alpha`` = D,
    ``alpha_ci`` its bootstrap interval).

    Parameters
    ----------
    L : lattice sides, positive (at least 4 distinct).
    largest : (repeats, len(L)) or (len(L),) largest-cluster sizes at p_c.
    n_boot : bootstrap resamples, integer in [10, 100000].
    rng : seed or Generator for the bootstrap.

    Returns
    -------
    PowerLawFit
        ``alpha`` = D with its interval ``alpha_ci``.

    References
    ----------
    Stauffer & Aharony 1994, *Introduction to Percolation Theory*, 2nd ed. (no arXiv), ch. 4
    (finite-size scaling of the largest cluster, M ∝ L^D at p_c).

    Examples
    --------
    >>> L = np.array([8, 16, 32, 64.0])
    >>> round(estimate_fractal_dimension(L, 2 * L ** (91 / 48), n_boot=10, rng=0).alpha, 4)
    1.8958
    """
    from nsl.theory.fitting import fit_power_law
    from nsl.theory.checks import check_int, check_real_array
    from nsl.theory.checks import check_seed

    rng = check_seed(rng)  # a Generator: the same draws as the seed would give
    L = check_real_array(L, "L", ndim=1, lo=0.0, lo_open=True, min_size=4)
    m = check_real_array(largest, "largest", lo=0.0, lo_open=True)
    if m.ndim not in (1, 2) or m.shape[-1] != L.size:
        raise ValueError(f"largest must have shape (len(L),) or (repeats, len(L)) = (..., {L.size}), got {m.shape}")
    n_boot = check_int(n_boot, "n_boot", lo=10, hi=100_000)
    return fit_power_law(L, 1.0 / m, offset=False, n_boot=n_boot, rng=rng)


def estimate_tau(sizes: np.ndarray, *, xmin: float, xmax: float | None = None, rng=None):
    """Fisher exponent tau by the discrete power-law MLE over clusters with xmin <= s (<= xmax)
    (Clauset–Shalizi–Newman via ``fit_tail_exponent``).  Each cluster counts once, so the
    fitted exponent is that of n_s.  Returns the ``TailFit`` (alpha = tau, sigma its error).

    Parameters
    ----------
    sizes : 1-D array of cluster sizes, integers >= 1.
    xmin : smallest size in the fit, >= 1.
    xmax : largest size in the fit (inside the normalisation), or None.
    rng : seed or Generator.

    Returns
    -------
    TailFit
        ``alpha`` = tau and its error ``sigma``.

    References
    ----------
    Clauset, Shalizi & Newman 2009, SIAM Rev. 51, 661, arXiv 0706.1062, Eq. 3.5 (the discrete
    MLE); Stauffer & Aharony 1994, *Introduction to Percolation Theory*, 2nd ed. (no arXiv), §2
    (tau).

    Examples
    --------
    >>> sizes = np.random.default_rng(0).zipf(2.5, 20000)
    >>> round(estimate_tau(sizes, xmin=1).alpha, 2)
    2.5
    """
    from nsl.theory.fitting import fit_tail_exponent
    from nsl.theory.checks import check_real, check_sizes
    from nsl.theory.checks import check_seed

    rng = check_seed(rng)  # a Generator: the same draws as the seed would give
    x = check_sizes(sizes)
    xmin = check_real(xmin, "xmin", lo=1.0)
    if xmax is not None:
        xmax = check_real(xmax, "xmax", lo=1.0)
        if xmax <= xmin:
            raise ValueError(f"need xmin < xmax, got xmin={xmin!r}, xmax={xmax!r}")
        x = x[x <= xmax]  # the truncation enters the likelihood's normalisation
    if np.count_nonzero(x >= xmin) < 2:
        raise ValueError(f"sizes must hold at least 2 clusters in [xmin, xmax] = [{xmin:g}, {xmax}]")
    return fit_tail_exponent(x, discrete=True, xmin=xmin, xmax=xmax, rng=rng)


def estimate_tau_binned(sizes_per_lattice: list[np.ndarray], n_sites: int, *, s_lo: float, s_hi: float,
                        bins_per_decade: int = 5, n_boot: int = 1000, rng=None):
    """Fisher exponent tau by a least-squares fit of log-binned n_s = B s^(-tau) (no offset).

    ``sizes_per_lattice``: one array of cluster sizes per independent lattice (>= 2), so the
    bootstrap resamples lattices (case bootstrap of ``fit_power_law`` over repeats).  Bins
    empty in some lattice are dropped.

    Parameters
    ----------
    sizes_per_lattice : list of >= 2 arrays of cluster sizes, one per independent lattice.
    n_sites : sites per lattice, integer >= 1.
    s_lo, s_hi : the size window.
    bins_per_decade : log bins per decade, integer in [1, 100].
    n_boot : bootstrap resamples over lattices, integer in [10, 100000].
    rng : seed or Generator.

    Returns
    -------
    PowerLawFit
        ``alpha`` = tau with its interval ``alpha_ci``.

    References
    ----------
    Stauffer & Aharony 1994, *Introduction to Percolation Theory*, 2nd ed. (no arXiv), §2 (n_s ∝
    s^(−tau) at p_c); Besiroglu, Erdil, Barnett & You 2024, arXiv 2404.10102, §2 (case-bootstrap
    intervals of a fitted law).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> fit = estimate_tau_binned([rng.zipf(2.5, 20000) for _ in range(4)], 20000, s_lo=1,
    ...                           s_hi=100, n_boot=10, rng=0)
    >>> round(fit.alpha, 1)
    2.5
    """
    from nsl.theory.fitting import fit_power_law
    from nsl.theory.checks import check_int, check_real, check_sizes
    from nsl.theory.checks import check_seed

    rng = check_seed(rng)  # a Generator: the same draws as the seed would give
    if not isinstance(sizes_per_lattice, (list, tuple)) or len(sizes_per_lattice) < 2:
        raise ValueError("sizes_per_lattice must be a list of at least 2 arrays of cluster sizes "
                         "(the bootstrap resamples lattices)")
    lats = [check_sizes(s, f"sizes_per_lattice[{i}]") for i, s in enumerate(sizes_per_lattice)]
    n_sites = check_int(n_sites, "n_sites", lo=1)
    s_lo = check_real(s_lo, "s_lo", lo=1.0, hi=1e15)
    s_hi = _check_window(s_lo, s_hi)
    bins_per_decade = check_int(bins_per_decade, "bins_per_decade", lo=1, hi=100)
    n_boot = check_int(n_boot, "n_boot", lo=10, hi=100_000)
    edges = _bin_edges(s_lo, s_hi, bins_per_decade)
    y = np.array([np.histogram(s, bins=edges)[0] / (np.diff(edges) * float(n_sites)) for s in lats])
    centre = np.sqrt(edges[:-1] * (edges[1:] - 1.0))
    keep = np.all(y > 0, axis=0)
    if keep.sum() < 4:
        raise ValueError("sizes_per_lattice fills fewer than 4 size bins in every lattice: use more or larger "
                         "lattices, or a narrower window [s_lo, s_hi]")
    return fit_power_law(centre[keep], y[:, keep], offset=False, n_boot=n_boot, rng=rng)


@dataclass(frozen=True)
class PcEstimate:
    """p_c estimates: per lattice size ``L`` the solution of R_L(p) = R_target with a bootstrap
    interval over sweeps; ``p_c`` and ``ci`` are those of the largest L."""

    L: np.ndarray
    p_L: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    p_c: float
    ci: tuple[float, float]


def _solve_R(first: np.ndarray, n_sites: int, target: float) -> float:
    from scipy import optimize, stats

    f = lambda p: np.mean(stats.binom.sf(first - 1, n_sites, p)) - target  # noqa: E731
    if not f(1e-9) < 0 < f(1 - 1e-9):
        raise ValueError(f"first_span: R_L(p) never crosses target={target:g} in (0, 1) (spans never or always)")
    return optimize.brentq(f, 1e-9, 1 - 1e-9, xtol=1e-12)


def estimate_pc(first_span: dict, n_sites: dict, target: float, *, n_boot: int = 200, ci: float = 0.95,
                rng=None) -> PcEstimate:
    """p_c from sweeps: for each L, R_L(p) = mean over sweeps of P(Binomial(N, p) >= n_first) is set
    equal to ``target`` (e.g. Pinson's R^(h) = 0.521058290 for horizontal wrapping on the torus,
    whose finite-size error falls as L^(-2-1/nu), Newman & Ziff 2000).

    ``first_span``: {L: array of first-n (one per sweep)}; ``n_sites``: {L: N}.  Intervals by a
    case bootstrap over sweeps (percentile, ``ci`` level).

    Parameters
    ----------
    first_span : {L: 1-D array of the first occupation number at which the event happens},
        one entry per sweep, >= 2 sweeps per L.
    n_sites : {L: number of sites N}, the same keys.
    target : the R_L value that defines p_L, in (0, 1).
    n_boot : bootstrap resamples over sweeps, integer >= 1.
    ci : interval level in (0, 1).
    rng : seed or Generator.

    Returns
    -------
    PcEstimate
        p_L and its interval per L; ``p_c`` and ``ci`` of the largest L.

    References
    ----------
    Newman & Ziff 2000, PRL 85, 4104, arXiv cond-mat/0005264 (R_L(p) by the binomial convolution
    of sweeps, p_c from R_L = const); Newman & Ziff 2001, PRE 64, 016706, arXiv
    cond-mat/0101295, Eq. 2; Pinson 1994, J. Stat. Phys. 75, 1167 (the exact wrapping
    probability on the torus).

    Examples
    --------
    Sweeps whose event happens at half filling give p_L close to 1/2:

    >>> est = estimate_pc({10: np.array([40, 50, 60]), 20: np.array([190, 200, 210])},
    ...                   {10: 100, 20: 400}, 0.5, n_boot=20, rng=0)
    >>> est.L.tolist(), round(est.p_c, 2)
    ([10, 20], 0.5)
    """
    from nsl.theory.checks import check_int, check_int_array, check_real
    from nsl.theory.checks import check_seed

    rng = check_seed(rng)  # a Generator: the same draws as the seed would give
    target = check_real(target, "target", lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    ci = check_real(ci, "ci", lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    n_boot = check_int(n_boot, "n_boot", lo=1, hi=100_000)
    if not isinstance(first_span, dict) or not isinstance(n_sites, dict) or not first_span:
        raise TypeError("first_span and n_sites must be non-empty dicts keyed by L")
    if set(first_span) != set(n_sites):
        raise ValueError("first_span and n_sites must have the same keys (the lattice sizes L)")
    for L in first_span:
        N = check_int(n_sites[L], f"n_sites[{L!r}]", lo=1)
        check_int_array(first_span[L], f"first_span[{L!r}]", ndim=1, lo=1)
        if np.any(np.asarray(first_span[L]) > N + 1):
            raise ValueError(f"first_span[{L!r}] must hold values in [1, N + 1] = [1, {N + 1}]")
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    Ls = sorted(first_span)
    p_L, lo, hi = [], [], []
    q = (1 - ci) / 2
    for L in Ls:
        f = np.asarray(first_span[L])
        if f.size < 2:
            raise ValueError(f"need >= 2 sweeps per L, got {f.size} for L={L}")
        p_L.append(_solve_R(f, n_sites[L], target))
        boot = [_solve_R(f[gen.integers(0, f.size, f.size)], n_sites[L], target) for _ in range(n_boot)]
        lo.append(np.quantile(boot, q))
        hi.append(np.quantile(boot, 1 - q))
    return PcEstimate(np.asarray(Ls), np.asarray(p_L), np.asarray(lo), np.asarray(hi), float(p_L[-1]),
                      (float(lo[-1]), float(hi[-1])))


# Leading correction-to-scaling exponent Omega of the cluster numbers at p_c:
# 2-D 72/91 (Ziff, PRE 83, 020107(R) (2011), arXiv 1012.1946); 3-D 0.64 (Lorenz & Ziff,
# PRE 57, 230 (1998), arXiv cond-mat/9710044; Gimel, Nicolai & Durand 2000).
CORRECTION_OMEGA = {2: 72 / 91, 3: 0.64}


@dataclass(frozen=True)
class TauFSS:
    """Fisher exponent with a correction to scaling: ``tau`` with its bootstrap interval ``ci``,
    the correction amplitude ``B``, the fixed ``omega``, the fitted size window and the
    effective (uncorrected) exponent of the same window for comparison."""

    tau: float
    ci: tuple[float, float]
    B: float
    omega: float
    s_lo: float
    s_hi: float
    tau_uncorrected: float
    n_lattices: int
    tau_boot: np.ndarray


def _check_window(s_lo: float, s_hi) -> float:
    from nsl.theory.checks import check_real

    s_hi = check_real(s_hi, "s_hi", lo=1.0, hi=1e15)
    if s_hi <= s_lo:
        raise ValueError(f"need s_lo < s_hi, got s_lo={s_lo!r}, s_hi={s_hi!r}")
    return s_hi


def _bin_edges(s_lo: float, s_hi: float, bins_per_decade: int) -> np.ndarray:
    n = int(np.ceil(np.log10(s_hi / s_lo) * bins_per_decade)) + 1
    return np.unique(np.round(np.geomspace(s_lo, s_hi, n))).astype(np.int64)


def _tau_fit(y: np.ndarray, w: np.ndarray, ls: list, omega: float, correct: bool) -> np.ndarray:
    """Weighted least squares of ln ybar against ln of the exact bin mean of A s^-tau (1 + B s^-omega)."""
    from scipy import optimize

    s_all = np.concatenate(ls)
    ln_s = np.log(s_all)
    starts = np.concatenate([[0], np.cumsum([len(s) for s in ls])[:-1]])
    width = np.array([len(s) for s in ls], dtype=float)
    s_om = s_all ** -omega

    def model(th):
        B = th[2] if correct else 0.0
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            v = np.exp(-th[1] * ln_s) * (1.0 + B * s_om)
            return th[0] + np.log(np.add.reduceat(v, starts) / width)

    def resid(th):
        m = model(th)
        return np.where(np.isfinite(m), (m - np.log(y)) * w, 1e6)

    x0 = [np.log(y[0]) + 2.0 * np.log(np.sqrt(ls[0][0] * ls[0][-1])), 2.1] + ([0.0] if correct else [])
    return optimize.least_squares(resid, x0, method="lm" if len(y) > len(x0) else "trf").x


def estimate_tau_fss(sizes_per_lattice: list, n_sites: int, *, d: int | None = None, omega: float | None = None,
                     s_lo: float = 8, s_hi: float = 2000, bins_per_decade: int = 8, n_boot: int = 200,
                     ci: float = 0.95, rng=None) -> TauFSS:
    """Fisher exponent tau at p_c with a correction-to-scaling term.

    Parameters
    ----------
    sizes_per_lattice : list of arrays
        Cluster sizes of >= 2 independent lattices at p_c (the bootstrap resamples lattices).
    n_sites : int
        Sites per lattice.
    d, omega : int, float
        ``omega`` (the correction exponent); if None it is ``CORRECTION_OMEGA[d]``.
    s_lo, s_hi : float
        Size window; keep ``s_hi`` far below the lattice's cutoff L^D_f (the torus bends the
        size law from about 1e-3 L^D_f on).
    bins_per_decade, n_boot, ci, rng
        Log binning, bootstrap resamples over lattices, interval level, seed or Generator.

    Returns
    -------
    TauFSS
        Fit of the log-binned cluster numbers (mean over lattices, weighted by their standard
        errors) to the exact bin average of n_s = A s^(-tau) (1 + B s^(-Omega)), and the
        percentile interval of tau over a case bootstrap of the lattices.

    References
    ----------
    Stauffer & Aharony, *Introduction to Percolation Theory*, §2.4 (corrections to scaling);
    Ziff, PRE 83, 020107 (2011), arXiv 1012.1946 (Omega = 72/91 in 2-D); Lorenz & Ziff,
    PRE 57, 230 (1998) (Omega = 0.64 in 3-D).

    Examples
    --------
    Synthetic cluster sizes drawn from a pure power law s^(-2.2) (no correction term):

    >>> rng = np.random.default_rng(0)
    >>> sizes = [rng.zipf(2.2, 50000) for _ in range(4)]
    >>> est = estimate_tau_fss(sizes, 50000, omega=0.64, s_lo=2, s_hi=200, n_boot=10, rng=0)
    >>> round(est.tau, 1), est.n_lattices
    (2.2, 4)
    """
    from nsl.theory.checks import check_int, check_real, check_sizes
    from nsl.theory.checks import check_seed

    rng = check_seed(rng)  # a Generator: the same draws as the seed would give
    if not isinstance(sizes_per_lattice, (list, tuple)) or len(sizes_per_lattice) < 2:
        raise ValueError("sizes_per_lattice must be a list of at least 2 arrays of cluster sizes")
    lats = [check_sizes(s, f"sizes_per_lattice[{i}]") for i, s in enumerate(sizes_per_lattice)]
    n_sites = check_int(n_sites, "n_sites", lo=1)
    if omega is None:
        if d is None or check_int(d, "d", lo=1) not in CORRECTION_OMEGA:
            raise ValueError(f"omega must be given, or d must be one of {sorted(CORRECTION_OMEGA)}; got d={d!r}")
        omega = CORRECTION_OMEGA[int(d)]
    omega = check_real(omega, "omega", lo=0, lo_open=True)
    s_lo = check_real(s_lo, "s_lo", lo=1, hi=1e15)
    s_hi = _check_window(s_lo, s_hi)
    bins_per_decade = check_int(bins_per_decade, "bins_per_decade", lo=1, hi=100)
    n_boot = check_int(n_boot, "n_boot", lo=10, hi=100_000)
    ci = check_real(ci, "ci", lo=0, hi=1, lo_open=True, hi_open=True)
    edges = _bin_edges(s_lo, s_hi, bins_per_decade)
    if edges.size < 5:
        raise ValueError(f"the window [s_lo, s_hi] = [{s_lo:g}, {s_hi:g}] gives fewer than 4 bins")
    Y = np.array([np.histogram(s, bins=edges)[0] / (np.diff(edges) * float(n_sites)) for s in lats])
    keep = np.all(Y > 0, axis=0) if len(lats) < 4 else (Y.mean(0) > 0)
    if keep.sum() < 4:
        raise ValueError("sizes_per_lattice fills fewer than 4 size bins: use more or larger lattices, or a smaller "
                         "s_hi")
    ls = [np.arange(a, b, dtype=float) for a, b, k in zip(edges[:-1], edges[1:], keep) if k]
    Yk = Y[:, keep]

    def fit(Ys: np.ndarray, correct: bool = True) -> np.ndarray:
        y = Ys.mean(0)
        se = Ys.std(0, ddof=1) / np.sqrt(Ys.shape[0])
        rel = np.where(y > 0, se / np.where(y > 0, y, 1.0), np.inf)
        w = 1.0 / np.maximum(rel, 1e-3)
        return _tau_fit(np.maximum(y, 1e-300), w, ls, omega, correct)

    th = fit(Yk)
    th0 = fit(Yk, correct=False)
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    R = Yk.shape[0]
    boot = []
    for _ in range(n_boot):
        Yb = Yk[gen.integers(0, R, R)]
        if np.all(Yb.mean(0) > 0):
            boot.append(fit(Yb)[1])
    boot_arr = np.asarray(boot)
    q = (1 - ci) / 2
    ci_t = (float(np.quantile(boot_arr, q)), float(np.quantile(boot_arr, 1 - q))) if boot_arr.size else (np.nan, np.nan)
    return TauFSS(float(th[1]), ci_t, float(th[2]), float(omega), float(s_lo), float(s_hi), float(th0[1]), R,
                  boot_arr)
