"""Brill's percolation toy dataset (arXiv 2412.07942; the author's ``percolation.ipynb``).

- Lattice: Bethe lattice with z = 2d (d = 100 in the paper: z = 200), p = p_c = 1/(z - 1)
  by default.
- A cluster is grown breadth first from an occupied root (root Binomial(z, p) children,
  others Binomial(z - 1, p)): the cluster of a random site, so sizes follow the size-biased
  law P(s) ∝ s n_s ∝ s^(1 - tau).
- Only clusters with s_min <= s <= s_max are kept (a cluster growing past s_max is rejected),
  until ``n_clusters`` are kept: by default int(expected_n_large (s_max/s_min)^(tau - 2)) = 316
  for s_min = 300, s_max = 3e7, tau = 5/2.
- Target on a cluster: root 0, child = parent + N(0, 1) (a Gaussian random walk down the
  tree), standardised per cluster to mean 0 and standard deviation 1.

Clusters are returned ranked by size (k = 1 the largest), each with its BFS-ordered parent
array (see :class:`nsl.theory.percolation.BetheCluster`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nsl.theory.percolation.bethe import BetheCluster, check_coordination, grow_bethe_cluster
from nsl.theory.checks import CapReached, check_int, check_real, check_rng
from nsl.theory.percolation.brill import n_clusters_kept
from nsl.theory.percolation.lattice import check_probability

MAX_S_MAX = 50_000_000  # largest kept cluster: about 1.2 GB of tree arrays while it grows

__all__ = ["PercolationDataset", "random_walk_target", "make_percolation_dataset", "check_size_window"]


def check_size_window(s_min, s_max) -> tuple[int, int]:
    """(s_min, s_max) as ints with 1 <= s_min <= s_max <= MAX_S_MAX (5e7), else ``ValueError`` naming them."""
    s_min = check_int(s_min, "s_min", lo=1)
    s_max = check_int(s_max, "s_max", lo=1, hi=MAX_S_MAX)
    if s_min > s_max:
        raise ValueError(f"s_min must be <= s_max, got s_min={s_min} > s_max={s_max}")
    return s_min, s_max


def random_walk_target(cluster: BetheCluster, rng: np.random.Generator, *, standardise: bool = True) -> np.ndarray:
    """Gaussian random walk down the tree (root 0, child = parent + N(0, 1)), standardised per cluster.

    Vectorised one generation at a time (generations are contiguous in BFS order).
    """
    if not isinstance(cluster, BetheCluster):
        raise TypeError(f"cluster must be a BetheCluster, got {type(cluster).__name__}")
    check_rng(rng)
    if not isinstance(standardise, (bool, np.bool_)):
        raise TypeError(f"standardise must be a bool, got {standardise!r}")
    n = cluster.size
    y = np.zeros(n)
    steps = rng.standard_normal(n)
    ls = cluster.level_starts
    par = cluster.parent
    for g in range(1, ls.size - 1):
        a, b = ls[g], ls[g + 1]
        y[a:b] = y[par[a:b]] + steps[a:b]
    if standardise:
        sd = y.std()
        y = (y - y.mean()) / sd if sd > 0 else np.zeros(n)
    return y


@dataclass
class PercolationDataset:
    """Kept clusters (ranked by size, largest first), their targets and the rejection counts."""

    clusters: list
    targets: list
    n_rejected_small: int
    n_rejected_large: int
    z: int
    p: float
    s_min: int
    s_max: int
    meta: dict = field(default_factory=dict)

    @property
    def sizes(self) -> np.ndarray:
        return np.array([c.size for c in self.clusters], dtype=np.int64)

    @property
    def n_sites(self) -> int:
        return int(self.sizes.sum())


def _infinite_fraction(p: float, z: int) -> float:
    """Probability that the cluster of an occupied root is infinite on the Bethe lattice: 1 - Q with
    q = (1 - p + p q)^(z-1) the extinction probability of a branch (smallest root) and
    Q = (1 - p + p q)^z (Fisher & Essam 1961)."""
    if p * (z - 1) <= 1.0:
        return 0.0
    q = 0.0
    for _ in range(10_000):  # monotone fixed-point iteration from 0 converges to the smallest root
        q_new = (1.0 - p + p * q) ** (z - 1)
        if abs(q_new - q) < 1e-15:
            break
        q = q_new
    return 1.0 - (1.0 - p + p * q) ** z


def make_percolation_dataset(rng: np.random.Generator, *, d: int = 100, p: float | None = None, s_min: int = 300,
                             s_max: int = 30_000_000, n_clusters: int | None = None, tau: float = 2.5,
                             expected_n_large: float = 1.0, max_tries: int | None = None,
                             max_large: int = 50) -> PercolationDataset:
    """The toy dataset of Brill's §5 with the author's protocol (module docstring).

    Parameters
    ----------
    rng : numpy.random.Generator
        Randomness.
    d : int
        Sets z = 2d (2..10**5; the paper's d = 100).
    p : float, optional
        Occupation probability; defaults to p_c = 1/(z - 1).
    s_min, s_max : int
        Size window of the kept clusters (1 <= s_min <= s_max < 5e7).
    n_clusters : int, optional
        Clusters to keep (1..10**6); defaults to ``n_clusters_kept(tau, s_min, s_max, expected_n_large)``.
    tau, expected_n_large : float
        For the default ``n_clusters``.
    max_tries : int, optional
        Cap on clusters grown (default 1000 n_clusters + 10**4; about 20 per kept cluster at p_c
        with the paper's window): reaching it raises ``CapReached`` (a ``RuntimeError`` and a
        ``ValueError``) naming it (p far below p_c).
    max_large : int
        Cap on clusters rejected for passing ``s_max`` (each costs s_max sites of growth; about 1
        is expected at p_c with the paper's settings): reaching it raises ``CapReached`` naming it.  Above
        p_c a fraction P_inf of clusters is infinite: when n_clusters P_inf / (1 - P_inf) alone
        exceeds ``max_large`` the call is refused up front with ``ValueError`` naming p.

    Returns
    -------
    PercolationDataset
        Kept clusters ranked by size, their random-walk targets and the rejection counts.

    References
    ----------
    Brill 2024, arXiv 2412.07942 §5; the author's ``percolation.ipynb`` (cells 1-3).

    Examples
    --------
    >>> ds = make_percolation_dataset(np.random.default_rng(0), s_min=30, s_max=3000)  # doctest: +SKIP
    """
    check_rng(rng)
    d = check_int(d, "d", lo=2, hi=10**5)
    z = check_coordination(2 * d)
    p = 1.0 / (z - 1) if p is None else check_probability(p)
    s_min, s_max = check_size_window(s_min, s_max)
    tau = check_real(tau, "tau", lo=2.0, hi=3.0, lo_open=True, hi_open=True)
    expected_n_large = check_real(expected_n_large, "expected_n_large", lo=0.0, lo_open=True)
    if n_clusters is None:
        n_clusters = n_clusters_kept(tau, s_min, s_max, expected_n_large)
    n_clusters = check_int(n_clusters, "n_clusters", lo=1, hi=10**6)
    max_tries = 1000 * n_clusters + 10_000 if max_tries is None else check_int(max_tries, "max_tries", lo=1)
    max_large = check_int(max_large, "max_large", lo=0)
    if p == 0.0 and s_min > 1:
        raise ValueError(f"p must be > 0 when s_min > 1: at p = 0 every cluster has size 1, got s_min={s_min}")
    p_inf = _infinite_fraction(p, z)
    if p_inf >= 1.0 or n_clusters * p_inf / (1.0 - p_inf) > max_large:
        raise ValueError(f"p={p:g} is too far above p_c={1 / (z - 1):g}: a fraction {p_inf:.3g} of the clusters is "
                         f"infinite, so keeping {n_clusters} clusters would reject more than max_large={max_large} "
                         f"clusters of s_max={s_max} sites each; lower p or n_clusters, or raise max_large")
    kept: list[BetheCluster] = []
    small = large = 0
    tries = 0
    while len(kept) < n_clusters:
        tries += 1
        if tries > max_tries:
            raise CapReached(f"kept only {len(kept)} of {n_clusters} clusters after max_tries={max_tries} clusters "
                               f"grown; is p={p:g} far below p_c={1 / (z - 1):g}, or s_min={s_min} too large?")
        c = grow_bethe_cluster(p, z, rng, s_max, max_size=s_max + 1)
        if not c.complete:
            large += 1
            if large > max_large:
                raise CapReached(f"more than max_large={max_large} clusters passed s_max={s_max} (p={p:g}, "
                                 f"p_c={1 / (z - 1):g}, n_clusters={n_clusters}); lower p or n_clusters, or raise "
                                 "s_max or max_large")
        elif c.size < s_min:
            small += 1
        else:
            kept.append(c)
    kept.sort(key=lambda c: -c.size)
    targets = [random_walk_target(c, rng) for c in kept]
    return PercolationDataset(kept, targets, small, large, z, p, s_min, s_max,
                              {"d": int(d), "tau": float(tau), "expected_n_large": float(expected_n_large)})
