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
from nsl.theory.percolation.brill import n_clusters_kept
from nsl.theory.percolation.lattice import check_probability

__all__ = ["PercolationDataset", "random_walk_target", "make_percolation_dataset", "check_size_window"]


def check_size_window(s_min, s_max) -> tuple[int, int]:
    """(s_min, s_max) as ints with 1 <= s_min <= s_max, else ``ValueError`` naming them."""
    s_min, s_max = int(s_min), int(s_max)
    if s_min < 1:
        raise ValueError(f"s_min must be >= 1, got {s_min}")
    if s_min > s_max:
        raise ValueError(f"s_min must be <= s_max, got s_min={s_min} > s_max={s_max}")
    return s_min, s_max


def random_walk_target(cluster: BetheCluster, rng: np.random.Generator, *, standardise: bool = True) -> np.ndarray:
    """Gaussian random walk down the tree (root 0, child = parent + N(0, 1)), standardised per cluster.

    Vectorised one generation at a time (generations are contiguous in BFS order).
    """
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


def make_percolation_dataset(rng: np.random.Generator, *, d: int = 100, p: float | None = None, s_min: int = 300,
                             s_max: int = 30_000_000, n_clusters: int | None = None, tau: float = 2.5,
                             expected_n_large: float = 1.0) -> PercolationDataset:
    """The toy dataset of Brill's §5 with the author's protocol (module docstring).

    ``d`` sets z = 2d; ``p`` defaults to p_c = 1/(z - 1); ``n_clusters`` defaults to
    ``n_clusters_kept(tau, s_min, s_max, expected_n_large)``.
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if int(d) != d or d < 2:
        raise ValueError(f"d must be an integer >= 2 (z = 2d >= 4), got {d!r}")
    z = check_coordination(2 * int(d))
    p = 1.0 / (z - 1) if p is None else check_probability(p)
    s_min, s_max = check_size_window(s_min, s_max)
    if n_clusters is None:
        n_clusters = n_clusters_kept(tau, s_min, s_max, expected_n_large)
    n_clusters = int(n_clusters)
    if n_clusters < 1:
        raise ValueError(f"n_clusters must be >= 1, got {n_clusters}")
    kept: list[BetheCluster] = []
    small = large = 0
    max_tries = 10_000 * n_clusters
    tries = 0
    while len(kept) < n_clusters:
        tries += 1
        if tries > max_tries:
            raise RuntimeError(f"kept only {len(kept)} of {n_clusters} clusters after {max_tries} tries; "
                               f"is p={p} far below p_c={1 / (z - 1)}?")
        c = grow_bethe_cluster(p, z, rng, s_max)
        if not c.complete:
            large += 1
        elif c.size < s_min:
            small += 1
        else:
            kept.append(c)
    kept.sort(key=lambda c: -c.size)
    targets = [random_walk_target(c, rng) for c in kept]
    return PercolationDataset(kept, targets, small, large, z, p, s_min, s_max,
                              {"d": int(d), "tau": float(tau), "expected_n_large": float(expected_n_large)})
