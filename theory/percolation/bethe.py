"""Site percolation on the Bethe lattice (infinite regular tree of coordination z).

- Threshold p_c = 1/(z - 1).
- Exact cluster numbers per site (Fisher & Essam, J. Math. Phys. 2, 609 (1961); Stauffer &
  Aharony eq. 2.19 generalised to z):  n_s = g_s p^s (1 - p)^((z-2)s + 2) with
  g_s = z ((z-1)s)! / (s! ((z-2)s + 2)!).
- Mean size of the cluster of an occupied site below p_c: S = (1 + p)/(1 - (z - 1)p)
  (gamma = 1); above p_c the finite-cluster mean is summed from n_s.
- Growth of the cluster of a random occupied site, breadth first (Brill 2024 toy data, the
  author's notebook): the root has Binomial(z, p) occupied neighbours, every other site
  Binomial(z - 1, p) children.  Sites are numbered in breadth-first order, so a parent always
  precedes its children and each generation is a contiguous block; the growth is
  vectorised one generation at a time.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy import special

from nsl.theory.percolation.lattice import check_probability

__all__ = ["BetheCluster", "sample_bethe_cluster_sizes", "bethe_pc", "bethe_cluster_numbers", "bethe_mean_cluster_size", "grow_bethe_cluster",
           "check_coordination"]


def check_coordination(z) -> int:
    """``z`` as an int >= 3, else ``ValueError`` naming z and the range."""
    try:
        zi = int(z)
    except (TypeError, ValueError):
        raise ValueError(f"z must be an integer >= 3, got {z!r}") from None
    if zi != z or zi < 3:
        raise ValueError(f"z must be an integer >= 3, got {z!r}")
    return zi


def bethe_pc(z: int) -> float:
    """Percolation threshold of the Bethe lattice, p_c = 1/(z - 1)."""
    return 1.0 / (check_coordination(z) - 1)


def bethe_cluster_numbers(s: np.ndarray, p: float, z: int) -> np.ndarray:
    """Exact n_s per site (Fisher–Essam), ``s`` >= 1 (array), computed in log space."""
    z = check_coordination(z)
    p = check_probability(p)
    s = np.asarray(s, dtype=float)
    if np.any(s < 1) or np.any(s != np.floor(s)):
        raise ValueError("s must hold integers >= 1")
    log_g = (np.log(z) + special.gammaln((z - 1) * s + 1) - special.gammaln(s + 1)
             - special.gammaln((z - 2) * s + 3))
    with np.errstate(divide="ignore"):
        log_n = log_g + s * np.log(p) + ((z - 2) * s + 2) * np.log1p(-p)
    return np.exp(log_n)


def bethe_mean_cluster_size(p: float, z: int, *, s_max: int = 10**6) -> float:
    """Mean size of the (finite) cluster containing a random occupied site.

    p < p_c: the closed form S = (1 + p)/(1 - (z - 1) p); p = p_c: inf; p > p_c: sum_s s^2 n_s /
    sum_s s n_s over finite clusters, summed up to ``s_max`` (the terms decay exponentially).
    """
    z = check_coordination(z)
    p = check_probability(p)
    pc = 1.0 / (z - 1)
    if p < pc:
        return (1.0 + p) / (1.0 - (z - 1) * p)
    if p == pc:
        return float("inf")
    s = np.arange(1, int(s_max) + 1, dtype=float)
    ns = bethe_cluster_numbers(s, p, z)
    return float((s * s * ns).sum() / (s * ns).sum())


@dataclass(frozen=True)
class BetheCluster:
    """A grown cluster: ``parent[i]`` (-1 for the root 0), ``depth[i]``, breadth-first numbering.

    ``level_starts[g]`` is the index of the first site of generation g (``level_starts[-1] ==
    size``).  ``complete`` is False when growth stopped because the size passed ``s_max``.
    """

    parent: np.ndarray
    depth: np.ndarray
    level_starts: np.ndarray
    complete: bool

    @property
    def size(self) -> int:
        return int(self.parent.size)

    def adjacency(self) -> sp.csr_matrix:
        """Symmetric sparse adjacency (CSR, int8) of the tree."""
        n = self.size
        child = np.arange(1, n)
        par = self.parent[1:]
        a = sp.coo_matrix((np.ones(2 * (n - 1), dtype=np.int8),
                           (np.concatenate([child, par]), np.concatenate([par, child]))), shape=(n, n))
        return a.tocsr()


def grow_bethe_cluster(p: float, z: int, rng: np.random.Generator, s_max: int | None = None) -> BetheCluster:
    """Grow the cluster of an occupied root on the Bethe lattice, one generation at a time.

    The root draws Binomial(z, p) children, every other site Binomial(z - 1, p).  Growth stops
    (``complete=False``) as soon as the size exceeds ``s_max`` (the generation that crosses it is
    kept whole).  ``s_max=None`` grows to extinction (only safe for p <= p_c).
    """
    z = check_coordination(z)
    p = check_probability(p)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if s_max is not None and int(s_max) < 1:
        raise ValueError(f"s_max must be >= 1, got {s_max}")
    limit = np.inf if s_max is None else int(s_max)
    parents = [np.array([-1], dtype=np.int64)]
    starts = [0, 1]
    size = 1
    frontier = np.array([0], dtype=np.int64)
    first = True
    complete = True
    while frontier.size:
        k = rng.binomial(z if first else z - 1, p, size=frontier.size)
        first = False
        n_new = int(k.sum())
        if n_new == 0:
            break
        par = np.repeat(frontier, k)
        parents.append(par)
        frontier = np.arange(size, size + n_new, dtype=np.int64)
        size += n_new
        starts.append(size)
        if size > limit:
            complete = False
            break
    parent = np.concatenate(parents)
    level_starts = np.asarray(starts, dtype=np.int64)
    depth = np.repeat(np.arange(level_starts.size - 1), np.diff(level_starts))
    return BetheCluster(parent, depth, level_starts, complete)


def sample_bethe_cluster_sizes(p: float, z: int, rng: np.random.Generator, n: int, *,
                               s_max: int | None = None) -> np.ndarray:
    """Sizes of ``n`` independent clusters of an occupied root, vectorised over clusters.

    Generation sizes only: the root has Binomial(z, p) children and a generation of f sites
    has Binomial(f (z - 1), p) children in total (a sum of independent binomials), which is
    exactly the size law of :func:`grow_bethe_cluster`.  A cluster still growing past
    ``s_max`` is returned as ``s_max + 1`` (censored); ``s_max=None`` requires p <= p_c.
    """
    z = check_coordination(z)
    p = check_probability(p)
    n = int(n)
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    if s_max is None and p > 1.0 / (z - 1):
        raise ValueError("s_max is required for p > p_c = 1/(z - 1) (clusters may be infinite)")
    limit = np.iinfo(np.int64).max // 4 if s_max is None else int(s_max)
    size = np.ones(n, dtype=np.int64)
    front = rng.binomial(z, p, size=n).astype(np.int64)
    alive = np.arange(n)
    while alive.size:
        size[alive] += front
        keep = (front > 0) & (size[alive] <= limit)
        alive, front = alive[keep], front[keep]
        if not alive.size:
            break
        front = rng.binomial(front * (z - 1), p).astype(np.int64)
    if s_max is not None:
        size = np.minimum(size, limit + 1)
    return size
