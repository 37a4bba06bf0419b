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

from nsl.theory.checks import CapReached, check_int, check_int_array, check_rng
from nsl.theory.percolation.lattice import check_probability

__all__ = ["BetheCluster", "sample_bethe_cluster_sizes", "bethe_pc", "bethe_cluster_numbers", "bethe_mean_cluster_size",
           "grow_bethe_cluster", "check_coordination", "MAX_CLUSTER_SIZE"]


def check_coordination(z) -> int:
    """``z`` as an int in [3, 10**6], else ``ValueError``/``TypeError`` naming z and the range.

    Parameters
    ----------
    z : coordination number of the Bethe lattice.

    Returns
    -------
    int
        ``z`` as a Python int.

    References
    ----------
    None: argument checking only (z >= 3 is the smallest tree with a percolation threshold below
    1).

    Examples
    --------
    >>> check_coordination(200)
    200
    """
    return check_int(z, "z", lo=3, hi=10**6)


def bethe_pc(z: int) -> float:
    """Percolation threshold of the Bethe lattice, p_c = 1/(z - 1).

    Parameters
    ----------
    z : coordination number, integer in [3, 10**6].

    Returns
    -------
    float
        p_c = 1/(z − 1).

    References
    ----------
    Fisher & Essam 1961, J. Math. Phys. 2, 609 (no arXiv); Stauffer & Aharony 1994,
    *Introduction to Percolation Theory*, 2nd ed. (no arXiv), §2.3 (the Bethe lattice); Brill
    2024, "Neural Scaling Laws Rooted in the Data Distribution", arXiv 2412.07942, whose toy
    data use z = 200.

    Examples
    --------
    >>> bethe_pc(3), round(bethe_pc(200), 7)
    (0.5, 0.0050251)
    """
    return 1.0 / (check_coordination(z) - 1)


def bethe_cluster_numbers(s: np.ndarray, p: float, z: int) -> np.ndarray:
    """Exact n_s per site (Fisher–Essam), ``s`` >= 1 (array), computed in log space.

    Parameters
    ----------
    s : cluster sizes, integers >= 1 (array).
    p : occupation probability in [0, 1].
    z : coordination number, integer in [3, 10**6].

    Returns
    -------
    numpy.ndarray
        n_s per site, of the shape of ``s``.

    References
    ----------
    Fisher & Essam 1961, J. Math. Phys. 2, 609 (no arXiv); Stauffer & Aharony 1994,
    *Introduction to Percolation Theory*, 2nd ed. (no arXiv), §2.3 and Eq. 2.19 (z = 3),
    generalised to z.

    Examples
    --------
    For z = 3: n_1 = p (1 − p)³ and n_2 = (3/2) p² (1 − p)⁴.

    >>> np.round(bethe_cluster_numbers(np.array([1, 2]), 0.3, 3), 6).tolist()
    [0.1029, 0.032413]
    """
    z = check_coordination(z)
    p = check_probability(p)
    s = check_int_array(s, "s", lo=1).astype(float)
    log_g = (np.log(z) + special.gammaln((z - 1) * s + 1) - special.gammaln(s + 1)
             - special.gammaln((z - 2) * s + 3))
    with np.errstate(divide="ignore"):
        log_n = log_g + s * np.log(p) + ((z - 2) * s + 2) * np.log1p(-p)
    return np.exp(log_n)


def bethe_mean_cluster_size(p: float, z: int, *, s_max: int = 10**6) -> float:
    """Mean size of the (finite) cluster containing a random occupied site.

    p < p_c: the closed form S = (1 + p)/(1 - (z - 1) p); p = p_c: inf; p_c < p < 1: sum_s s^2 n_s /
    sum_s s n_s over finite clusters, summed up to ``s_max`` (an int in [1, 10**7]; the terms
    decay exponentially).  p = 1 has no finite cluster: ``ValueError``.
    (Fisher & Essam 1961; Stauffer & Aharony §2.3.)

    Parameters
    ----------
    p : occupation probability in [0, 1).
    z : coordination number, integer in [3, 10**6].
    s_max : largest size summed above p_c, integer in [1, 10**7].

    Returns
    -------
    float
        S (inf at p = p_c).

    References
    ----------
    Fisher & Essam 1961, J. Math. Phys. 2, 609 (no arXiv); Stauffer & Aharony 1994,
    *Introduction to Percolation Theory*, 2nd ed. (no arXiv), §2.3 (S = (1 + p)/(1 − (z − 1)p)
    below p_c, γ = 1).

    Examples
    --------
    >>> bethe_mean_cluster_size(0.25, 3), bethe_mean_cluster_size(0.5, 3)
    (2.5, inf)
    """
    z = check_coordination(z)
    p = check_probability(p)
    s_max = check_int(s_max, "s_max", lo=1, hi=10**7)
    if p == 1.0:
        raise ValueError("p must be < 1: at p = 1 every site is in the infinite cluster and no finite "
                         "cluster exists, so the finite-cluster mean size is undefined")
    pc = 1.0 / (z - 1)
    if p < pc:
        return (1.0 + p) / (1.0 - (z - 1) * p)
    if p == pc:
        return float("inf")
    s = np.arange(1, s_max + 1, dtype=float)
    # in logs: far above p_c the finite clusters are so rare that n_s underflows
    log_n = (np.log(z) + special.gammaln((z - 1) * s + 1) - special.gammaln(s + 1)
             - special.gammaln((z - 2) * s + 3) + s * np.log(p) + ((z - 2) * s + 2) * np.log1p(-p))
    ln_s = np.log(s)
    return float(np.exp(special.logsumexp(log_n + 2 * ln_s) - special.logsumexp(log_n + ln_s)))


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


MAX_CLUSTER_SIZE = 10_000_000  # about 0.25 GB (parent, depth) at the cap


def grow_bethe_cluster(p: float, z: int, rng: np.random.Generator, s_max: int | None = None, *,
                       max_size: int = MAX_CLUSTER_SIZE) -> BetheCluster:
    """Grow the cluster of an occupied root on the Bethe lattice, one generation at a time.

    Parameters
    ----------
    p : float
        Occupation probability in [0, 1].
    z : int
        Coordination number (3..10**6).
    rng : numpy.random.Generator
        Randomness.
    s_max : int, optional
        Truncation: growth stops (``complete=False``) as soon as the size exceeds ``s_max``;
        the cluster then holds exactly ``s_max + 1`` sites (the first ones of the crossing
        generation in breadth-first order).  ``None``: grow to extinction.
    max_size : int
        Hard cap (default 1e7 sites, about 0.25 GB): without ``s_max``, a cluster that passes it
        raises :class:`~nsl.theory.checks.CapReached` (a ``RuntimeError`` and a
        ``ValueError``) naming ``max_size``.  Above p_c a cluster is infinite with
        positive probability, so the cap is what stops it; ``s_max`` must be below ``max_size``.

    Returns
    -------
    BetheCluster
        Parents, depths, generation starts and ``complete``.

    References
    ----------
    Brill 2024, arXiv 2412.07942 §5 (the toy's clusters); Fisher & Essam 1961 (Bethe lattice).

    Examples
    --------
    >>> c = grow_bethe_cluster(1 / 199, 200, np.random.default_rng(0), s_max=10_000)
    >>> c.size >= 1
    True
    """
    z = check_coordination(z)
    p = check_probability(p)
    check_rng(rng)
    max_size = check_int(max_size, "max_size", lo=1)
    if s_max is not None:
        s_max = check_int(s_max, "s_max", lo=1)
        if s_max >= max_size:
            raise ValueError(f"s_max must be < max_size={max_size}, got {s_max}")
    limit = max_size if s_max is None else s_max
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
        over = size + n_new > limit
        if over:
            if s_max is None:
                raise CapReached(f"the cluster passed max_size={max_size} sites (p={p:g} vs p_c={1 / (z - 1):g}: "
                                   f"above p_c clusters can be infinite); pass s_max to truncate, or raise max_size")
            # keep only the first limit + 1 - size children of this generation (BFS order)
            keep = limit + 1 - size
            cum = np.cumsum(k)
            j = int(np.searchsorted(cum, keep))  # the parent holding the keep-th child
            k = k[:j + 1].copy()
            k[-1] -= int(cum[j] - keep)
            n_new = keep
        par = np.repeat(frontier[:k.size], k)
        parents.append(par)
        frontier = np.arange(size, size + n_new, dtype=np.int64)
        size += n_new
        starts.append(size)
        if over:
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
    ``s_max`` is returned as ``s_max + 1`` (censored); ``s_max=None`` requires p < p_c (and then
    censors at 1e15, a size a subcritical cluster reaches with negligible probability).

    Parameters
    ----------
    p : occupation probability in [0, 1].
    z : coordination number, integer in [3, 10**6].
    rng : numpy.random.Generator.
    n : number of clusters, integer >= 1.
    s_max : censoring size, or None (only for p < p_c).

    Returns
    -------
    numpy.ndarray
        (n,) int64 cluster sizes, censored ones as ``s_max + 1``.

    References
    ----------
    Brill 2024, "Neural Scaling Laws Rooted in the Data Distribution", arXiv 2412.07942
    (clusters of a random occupied site as subtasks); Fisher & Essam 1961, J. Math. Phys. 2, 609
    (no arXiv) (the Bethe lattice's branching structure).

    Examples
    --------
    Below p_c the mean size is S = (1 + p)/(1 − (z − 1)p) = 2.5 for p = 1/4, z = 3:

    >>> s = sample_bethe_cluster_sizes(0.25, 3, np.random.default_rng(0), 20000)
    >>> s.shape, round(float(s.mean()), 1)
    ((20000,), 2.5)
    """
    z = check_coordination(z)
    p = check_probability(p)
    check_rng(rng)
    n = check_int(n, "n", lo=1, hi=10**8)
    if s_max is None and p >= 1.0 / (z - 1):
        raise ValueError("s_max is required for p >= p_c = 1/(z - 1) (clusters may be infinite, or at p_c "
                         "have an infinite mean size)")
    if s_max is not None:
        s_max = check_int(s_max, "s_max", lo=1, hi=10**15)
    limit = 10**15 if s_max is None else s_max
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
    if s_max is None and np.any(size > limit):
        raise CapReached(f"a cluster passed 1e15 sites at p={p:g} (p_c={1 / (z - 1):g}): pass s_max")
    return np.minimum(size, limit + 1)
