"""Learners for Brill's percolation toy (arXiv 2412.07942 §5 and App. H; the author's notebook).

1-nearest-neighbour regression on tree distance with Bayesian shrinkage:
ŷ(x) = y(x_nn) / (1 + r/√s), r the tree distance from x to its nearest training site, s the
cluster size.  After standardisation each random-walk step has variance ≈ 1/√s (the raw walk
spreads over depth ~ √s), so y(x) - y(x_nn) has variance ≈ r/√s against a prior variance 1, and
the factor 1/(1 + r/√s) is the resulting shrinkage.  Ties go to the training site with the smallest BFS index.
The nearest training site of every site is found exactly with two vectorised passes over the
generations of the tree (subtree minimum bottom-up, then top-down), batched over several
training sets at once; no per-site Python loop.

Protocol (the author's): per cluster n_test = round(p_valid s) test sites, n_train ~
Binomial(s - n_test, p_train/(1 - p_valid)) training sites among the others, p_train capped at
0.95; a cluster without training sites predicts 0.  The aggregate loss is the test-site-weighted
mean of the per-cluster MSE.  Calibration: per cluster, L(n) = max(n/sf, 1)^(-c/D) fitted in log
space against the expected training sizes (Huber loss, sf >= 1; the author's clamp: no scaling
below one degree of freedom), sf converting training examples into degrees of freedom.  Model scaling
gives cluster k the training fraction n_k(N) sf_k / s_k (n_k from Brill Eq. 26); data scaling
gives every cluster 𝒟 sf_k / (total sites).

Second learner: a small torch MLP on a branching-random-walk embedding of a cluster (each
child = parent + a Gaussian step in R^m), with a smooth target of the embedding, so the
piecewise-linear case (c = 4) can be compared with 1-NN (c = 2) on the same data.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from nsl.theory.percolation.bethe import BetheCluster
from nsl.theory.percolation.brill import dof_allocation
from nsl.theory.checks import check_int, check_int_array, check_real, check_real_array, check_rng

__all__ = ["TreeLevels", "nearest_train", "nn_shrinkage_predict", "split_test", "draw_train_masks",
           "cluster_losses", "fit_dof_scale", "calibrate_dof", "aggregate_loss", "model_scaling_curve", "data_scaling_curve",
           "single_cluster_curve", "brw_embedding", "smooth_target", "mlp_fit_mse", "knn_fit_mse"]

_INF = np.int64(1) << np.int64(61)
_CHUNK_ELEMS = 16_000_000


def _check_cluster(cluster, name: str = "cluster") -> BetheCluster:
    if not isinstance(cluster, BetheCluster):
        raise TypeError(f"{name} must be a BetheCluster, got {type(cluster).__name__}")
    return cluster


def _check_target(y, s: int, name: str = "y") -> np.ndarray:
    y = check_real_array(y, name, ndim=1)
    if y.size != s:
        raise ValueError(f"{name} must have one value per site ({s}), got {y.size}")
    return y


def _check_clusters(clusters, targets) -> tuple[list, list]:
    if not isinstance(clusters, (list, tuple)) or not isinstance(targets, (list, tuple)) or not clusters:
        raise TypeError("clusters and targets must be non-empty lists (of BetheCluster and of arrays)")
    if len(clusters) != len(targets):
        raise ValueError(f"clusters and targets must have one length, got {len(clusters)} and {len(targets)}")
    cl = [_check_cluster(c, f"clusters[{k}]") for k, c in enumerate(clusters)]
    ys = [_check_target(y, c.size, f"targets[{k}]") for k, (c, y) in enumerate(zip(cl, targets))]
    return cl, ys


def _check_levels(levels, cluster: BetheCluster, name: str = "levels"):
    if levels is None:
        return None
    if not isinstance(levels, TreeLevels) or int(levels.starts[-1]) != cluster.size:
        raise TypeError(f"{name} must be TreeLevels.of(cluster) for this cluster")
    return levels


@dataclass(frozen=True)
class TreeLevels:
    """Per-generation segment tables of a BFS-ordered tree, reused across training sets."""

    starts: np.ndarray
    parent: np.ndarray
    seg: list  # per generation g >= 1: (segment starts relative to the block, the parents of the segments)

    @classmethod
    def of(cls, cluster: BetheCluster) -> TreeLevels:
        _check_cluster(cluster)
        ls = cluster.level_starts
        par = cluster.parent
        seg = [None]
        for g in range(1, ls.size - 1):
            pb = par[ls[g]:ls[g + 1]]
            st = np.concatenate([[0], np.flatnonzero(np.diff(pb)) + 1])
            seg.append((st, pb[st]))
        return cls(ls, par, seg)


def nearest_train(levels: TreeLevels, train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tree distance to, and index of, the nearest training site for every site.

    ``train``: bool (m, s) (m training sets) or (s,).  Returns int64 ``dist`` (``-1`` where a
    training set is empty) and ``src`` of the same shape.  Exact (two passes, see module doc).
    """
    if not isinstance(levels, TreeLevels):
        raise TypeError(f"levels must be TreeLevels, got {type(levels).__name__}")
    tr_in = np.asarray(train)
    if tr_in.dtype != np.bool_ or tr_in.ndim not in (1, 2):
        raise TypeError(f"train must be a 1-D or 2-D boolean array, got dtype {tr_in.dtype}, ndim {tr_in.ndim}")
    tr = np.atleast_2d(tr_in)
    m, s = tr.shape
    ls, par = levels.starts, levels.parent
    if ls[-1] != s:
        raise ValueError(f"train must have {ls[-1]} columns (the cluster size), got {s}")
    S = np.int64(s)
    idx = np.arange(s, dtype=np.int64)
    key = np.where(tr, idx[None, :], _INF)  # dist * S + src
    G = ls.size - 1
    for g in range(G - 1, 0, -1):  # bottom-up: best in subtree
        a, b = ls[g], ls[g + 1]
        st, up = levels.seg[g]
        cand = np.minimum.reduceat(key[:, a:b], st, axis=1) + S
        key[:, up] = np.minimum(key[:, up], cand)
    for g in range(1, G):  # top-down: via the parent
        a, b = ls[g], ls[g + 1]
        np.minimum(key[:, a:b], key[:, par[a:b]] + S, out=key[:, a:b])
    empty = key >= _INF
    dist = np.where(empty, -1, key // S)
    src = np.where(empty, -1, key % S)
    if np.ndim(train) == 1:
        return dist[0], src[0]
    return dist, src


def nn_shrinkage_predict(y: np.ndarray, dist: np.ndarray, src: np.ndarray) -> np.ndarray:
    """ŷ = y[src]/(1 + dist/√s) (Brill App. H); 0 where there is no training site."""
    y = check_real_array(y, "y", ndim=1, min_size=1)
    dist = check_int_array(dist, "dist", lo=-1)
    src = check_int_array(src, "src", lo=-1)
    if dist.shape != src.shape:
        raise ValueError(f"dist and src must have one shape, got {dist.shape} and {src.shape}")
    if src.size and src.max() >= y.size:
        raise ValueError(f"src must index y (values < {y.size}), got max {src.max()}")
    s = y.size
    pred = np.where(dist >= 0, y[np.maximum(src, 0)] / (1.0 + np.maximum(dist, 0) / np.sqrt(s)), 0.0)
    return pred


def split_test(s: int, p_valid: float, rng: np.random.Generator) -> np.ndarray:
    """Test-site indices: round(p_valid s) sites without replacement."""
    s = check_int(s, "s", lo=1, hi=10**9)
    p_valid = check_real(p_valid, "p_valid", lo=0.0, hi=1.0)
    check_rng(rng)
    n_test = int(round(p_valid * s))
    return rng.choice(s, size=n_test, replace=False) if n_test else np.zeros(0, dtype=np.int64)


def draw_train_masks(s: int, test: np.ndarray, p_train: np.ndarray, p_valid: float, rng: np.random.Generator,
                     *, exact_counts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(m, s) training masks: n_train ~ Binomial(s - n_test, min(p_train, 0.95)/(1 - p_valid)) sites
    drawn among the non-test sites (or ``exact_counts`` sites).  Returns (masks, n_train)."""
    s = check_int(s, "s", lo=1)
    test = check_int_array(test, "test", ndim=1, lo=0)
    if test.size and test.max() >= s:
        raise ValueError(f"test must hold site indices in [0, {s - 1}], got max {test.max()}")
    p_train = check_real_array(np.atleast_1d(p_train), "p_train", ndim=1, lo=0.0)
    if p_train.size and p_train.max() > 1:
        raise ValueError(f"p_train must hold fractions in [0, 1], got max {p_train.max():g}")
    p_valid = check_real(p_valid, "p_valid", lo=0.0, hi=1.0, hi_open=True)
    check_rng(rng)
    if exact_counts is not None:
        exact_counts = check_int_array(np.atleast_1d(exact_counts), "exact_counts", ndim=1, lo=0)
        if exact_counts.size != p_train.size:
            raise ValueError(f"exact_counts must have one entry per p_train ({p_train.size}), got {exact_counts.size}")
    if p_train.size * s > 10**9:
        raise ValueError(f"p_train has too many settings for one call: {p_train.size} x {s} sites > 1e9 mask entries")
    p_train = np.minimum(p_train, 0.95)
    avail_mask = np.ones(s, dtype=bool)
    avail_mask[test] = False
    avail = np.flatnonzero(avail_mask)
    if exact_counts is None:
        q = np.clip(p_train / (1.0 - p_valid), 0.0, 1.0)
        n_train = rng.binomial(avail.size, q)
    else:
        n_train = np.minimum(np.asarray(exact_counts, dtype=np.int64), avail.size)
    masks = np.zeros((p_train.size, s), dtype=bool)
    for i, n in enumerate(n_train):
        if n:
            masks[i, rng.choice(avail, size=int(n), replace=False)] = True
    return masks, n_train


def cluster_losses(cluster: BetheCluster, y: np.ndarray, test: np.ndarray, p_train: np.ndarray,
                   p_valid: float, rng: np.random.Generator, *, levels: TreeLevels | None = None,
                   exact_counts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Test MSE of the shrinkage 1-NN for each training fraction (chunked over settings).

    Returns (mse, n_train); mse is NaN when the cluster has no test site."""
    _check_cluster(cluster)
    s = cluster.size
    y = _check_target(y, s)
    levels = _check_levels(levels, cluster)
    test = check_int_array(test, "test", ndim=1, lo=0)
    p_train = check_real_array(np.atleast_1d(p_train), "p_train", ndim=1, lo=0.0)
    if test.size == 0:
        return np.full(p_train.size, np.nan), np.zeros(p_train.size, dtype=np.int64)
    levels = levels or TreeLevels.of(cluster)
    chunk = max(1, _CHUNK_ELEMS // s)
    mse = np.empty(p_train.size)
    ntr = np.empty(p_train.size, dtype=np.int64)
    yt = y[test]
    for c0 in range(0, p_train.size, chunk):
        sl = slice(c0, c0 + chunk)
        ec = None if exact_counts is None else np.asarray(exact_counts)[sl]
        masks, n_train = draw_train_masks(s, test, p_train[sl], p_valid, rng, exact_counts=ec)
        dist, src = nearest_train(levels, masks)
        pred = nn_shrinkage_predict(y, dist[:, test], src[:, test])
        mse[sl] = ((pred - yt[None, :]) ** 2).mean(axis=1)
        ntr[sl] = n_train
    return mse, ntr


def _real_array_allow_nan(x, name: str) -> np.ndarray:
    """A float array (NaN allowed: such points are dropped), else ``TypeError`` naming it."""
    a = np.asarray(x) if not isinstance(x, (str, bytes)) else np.asarray([x])
    if a.dtype == np.bool_ or a.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}")
    return a.astype(float)


def fit_dof_scale(n_train: np.ndarray, mse: np.ndarray, *, c_over_D: float = 0.5,
                  clamp: bool = True) -> tuple[float, float]:
    """Scale factor sf (training examples per degree of freedom) of one cluster's learning curve.

    Parameters
    ----------
    n_train : array of float
        Training-set sizes (the author uses the expected sizes p_train * s), all > 0.
    mse : array of float
        Test MSE at each size; non-positive or non-finite entries are dropped.
    c_over_D : float
        Exponent of the per-cluster law in (0, 100] (c/D = 2/4 for the toy's 1-NN on the Bethe lattice).
    clamp : bool
        ``True`` (the author's protocol, the default): fit ln L = -(c/D) ln max(n/sf, 1) with
        ``scipy.optimize.curve_fit`` (start sf = 5, bounds sf in [1, inf), Huber loss with
        scale 1), so the "small data" region n < sf is flat at L = 1 and sf marks where
        scaling starts.  ``False`` (this package's earlier variant, not the author's): fit
        ln L = -(c/D) ln(n/sf) in ln sf (start ln 5, sf >= 1, Huber scale 0.5) without the
        clamp; it gives sf about 20 % smaller and losses 3-40 % higher at a given N or D.

    Returns
    -------
    (sf, sf_err) : tuple of float
        The fitted scale factor and its standard error (curve_fit's covariance for the
        clamped fit; Gauss-Newton curvature with the residual scale for the unclamped one).
        ``(1.0, nan)`` when fewer than 2 usable points remain.

    References
    ----------
    Brill 2024, arXiv 2412.07942, §5 (DOF calibration of the toy); the author's
    ``percolation.ipynb`` (github.com/aribrill/scaling-laws-paper), cells 11 and 13.

    Examples
    --------
    >>> n = np.geomspace(1, 1e4, 30)
    >>> sf, _ = fit_dof_scale(n, np.maximum(n / 7.0, 1) ** -0.5)
    >>> round(sf, 6)
    7.0
    """
    x = _real_array_allow_nan(n_train, "n_train")
    y = _real_array_allow_nan(mse, "mse")
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"n_train and mse must be 1-D arrays of one length, got shapes {x.shape} and {y.shape}")
    m = check_real(c_over_D, "c_over_D", lo=0.0, hi=100.0, lo_open=True)
    if not isinstance(clamp, (bool, np.bool_)):
        raise TypeError(f"clamp must be a bool, got {clamp!r}")
    ok = np.isfinite(x) & (x > 0) & np.isfinite(y) & (y > 0)
    if ok.sum() < 2:
        return 1.0, float("nan")
    x, ln_L = x[ok], np.log(y[ok])
    if clamp:
        import warnings

        def model(n, sf):
            return -m * np.log(np.maximum(n / sf, 1.0))

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optimize.OptimizeWarning)
            try:
                popt, pcov = optimize.curve_fit(model, x, ln_L, p0=[5.0], bounds=(1.0, np.inf), loss="huber")
            except RuntimeError:
                return 1.0, float("nan")
        return float(popt[0]), float(np.sqrt(pcov[0, 0]))
    ln_n = np.log(x)

    def resid(theta):
        return ln_L + m * (ln_n - theta[0])

    res = optimize.least_squares(resid, x0=[np.log(5.0)], bounds=([0.0], [np.inf]), loss="huber", f_scale=0.5)
    r = resid(res.x)
    dof = max(1, r.size - 1)
    se_ln = np.sqrt(np.sum(r**2) / dof) / (m * np.sqrt(r.size))
    sf = float(np.exp(res.x[0]))
    return sf, sf * float(se_ln)


def calibrate_dof(cluster: BetheCluster, y: np.ndarray, rng: np.random.Generator, *, c_over_D: float = 0.5,
                  n_points: int = 50, n_test: int = 40, levels: TreeLevels | None = None,
                  clamp: bool = True) -> dict:
    """DOF calibration of one cluster, as the author computes it (Brill 2024, arXiv 2412.07942 §5).

    Parameters
    ----------
    cluster, y : BetheCluster, array
        The cluster and its target.
    rng : numpy.random.Generator
        Draws the test and training sites.
    c_over_D : float
        Per-cluster exponent (1/2 for the toy).
    n_points : int
        Training fractions, log-spaced from 1/s to min(1e4/s, 0.1) (the notebook's cell 12;
        the notebook uses 50).
    n_test : int
        Test sites per fraction (the notebook's p_valid = 40/s).
    levels : TreeLevels, optional
        Precomputed generation tables of ``cluster``.
    clamp : bool
        ``True`` (default): the author's fit, L = max(n/sf, 1)^(-c/D) against the expected
        training sizes n = p_train s (notebook cells 11 and 13); ``False``: this package's
        earlier unclamped fit against the drawn sizes (see :func:`fit_dof_scale`).

    Returns
    -------
    dict
        ``sf``, ``sf_err``, ``n_train`` (drawn sizes), ``n_expected`` (p_train s), ``mse``.

    References
    ----------
    Brill 2024, arXiv 2412.07942, §5; the author's ``percolation.ipynb``, cells 11-13.

    Examples
    --------
    >>> from nsl.theory.percolation import grow_bethe_cluster  # doctest: +SKIP
    >>> calibrate_dof(cluster, y, np.random.default_rng(0))["sf"]  # doctest: +SKIP
    """
    _check_cluster(cluster)
    y = _check_target(y, cluster.size)
    levels = _check_levels(levels, cluster)
    check_rng(rng)
    n_points = check_int(n_points, "n_points", lo=2, hi=10_000)
    n_test = check_int(n_test, "n_test", lo=1)
    check_real(c_over_D, "c_over_D", lo=0.0, hi=100.0, lo_open=True)
    if not isinstance(clamp, (bool, np.bool_)):
        raise TypeError(f"clamp must be a bool, got {clamp!r}")
    s = cluster.size
    p_valid = min(n_test / s, 0.5)
    test = split_test(s, p_valid, rng)
    p_train = np.minimum(np.geomspace(1.0 / s, min(1e4 / s, 0.1), int(n_points)), 0.95)
    mse, ntr = cluster_losses(cluster, y, test, p_train, p_valid, rng, levels=levels)
    n_exp = p_train * s
    if clamp:
        sf, sf_err = fit_dof_scale(n_exp, mse, c_over_D=c_over_D, clamp=True)
    else:
        use = ntr > 0
        sf, sf_err = fit_dof_scale(ntr[use].astype(float), mse[use], c_over_D=c_over_D, clamp=False)
    return {"sf": sf, "sf_err": sf_err, "n_train": ntr, "n_expected": n_exp, "mse": mse}


def aggregate_loss(clusters: list, targets: list, p_train_per_cluster: np.ndarray, p_valid: float,
                   rng: np.random.Generator, *, levels: list | None = None) -> np.ndarray:
    """Test-weighted mean MSE over clusters for each column of ``p_train_per_cluster`` (K, m)."""
    clusters, targets = _check_clusters(clusters, targets)
    P = check_real_array(p_train_per_cluster, "p_train_per_cluster", ndim=2, lo=0.0)
    if P.shape[0] != len(clusters) or P.shape[1] < 1:
        raise ValueError(f"p_train_per_cluster must have shape (len(clusters), m >= 1) = ({len(clusters)}, m), "
                         f"got {P.shape}")
    if P.size and P.max() > 1:
        raise ValueError(f"p_train_per_cluster must hold fractions in [0, 1], got max {P.max():g}")
    p_valid = check_real(p_valid, "p_valid", lo=0.0, hi=1.0, hi_open=True)
    check_rng(rng)
    if levels is not None and (not isinstance(levels, (list, tuple)) or len(levels) != len(clusters)):
        raise TypeError("levels must be a list with one TreeLevels per cluster")
    num = np.zeros(P.shape[1])
    den = 0
    for k, (c, y) in enumerate(zip(clusters, targets)):
        test = split_test(c.size, p_valid, rng)
        if test.size == 0:
            continue
        lv = None if levels is None else levels[k]
        mse, _ = cluster_losses(c, y, test, P[k], p_valid, rng, levels=lv)
        num += test.size * mse
        den += test.size
    if den == 0:
        raise ValueError("no cluster has a test site: raise p_valid or the cluster sizes")
    return num / den


def _check_sf(sf, K: int) -> np.ndarray:
    sf = check_real_array(sf, "sf", ndim=1, lo=0.0, lo_open=True)
    if sf.size != K:
        raise ValueError(f"sf must have one scale factor per cluster ({K}), got {sf.size}")
    return sf


def model_scaling_curve(clusters: list, targets: list, sf: np.ndarray, N_grid: np.ndarray, rng: np.random.Generator,
                        *, alpha: float = 1.0, c_over_D: float = 0.5, p_valid: float = 0.001,
                        levels: list | None = None) -> np.ndarray:
    """Aggregate loss vs total DOF N: cluster k (ranked) gets p_train = n_k(N) sf_k / s_k (Brill Eq. 26)."""
    clusters, targets = _check_clusters(clusters, targets)
    sizes = np.array([c.size for c in clusters], dtype=float)
    K = sizes.size
    sf = _check_sf(sf, K)
    N_grid = check_real_array(N_grid, "N_grid", ndim=1, lo=0.0, min_size=1)
    P = np.zeros((K, len(N_grid)))
    for j, N in enumerate(N_grid):
        P[:, j] = dof_allocation(float(N), alpha, c_over_D, K) * np.asarray(sf) / sizes
    return aggregate_loss(clusters, targets, np.minimum(P, 0.95), p_valid, rng, levels=levels)


def data_scaling_curve(clusters: list, targets: list, sf: np.ndarray, D_grid: np.ndarray, rng: np.random.Generator,
                       *, p_valid: float = 0.001, levels: list | None = None) -> np.ndarray:
    """Aggregate loss vs dataset size 𝒟 (in DOF): p_train_k = 𝒟 sf_k / (total sites)."""
    clusters, targets = _check_clusters(clusters, targets)
    sizes = np.array([c.size for c in clusters], dtype=float)
    sf = _check_sf(sf, sizes.size)
    D_grid = check_real_array(D_grid, "D_grid", ndim=1, lo=0.0, min_size=1)
    P = np.outer(np.asarray(sf), np.asarray(D_grid, dtype=float)) / sizes.sum()
    return aggregate_loss(clusters, targets, np.minimum(P, 0.95), p_valid, rng, levels=levels)


def single_cluster_curve(cluster: BetheCluster, y: np.ndarray, n_train: np.ndarray, rng: np.random.Generator, *,
                         n_test: int = 2000, repeats: int = 4) -> np.ndarray:
    """(repeats, len(n_train)) test MSE of the shrinkage 1-NN with exactly n_train training sites
    (reference case 4: one critical cluster, 2000 test sites, 4 repeats)."""
    _check_cluster(cluster)
    y = _check_target(y, cluster.size)
    check_rng(rng)
    n_train = check_int_array(n_train, "n_train", ndim=1, lo=0)
    n_test = check_int(n_test, "n_test", lo=1, hi=cluster.size)
    repeats = check_int(repeats, "repeats", lo=1, hi=10_000)
    levels = TreeLevels.of(cluster)
    out = np.empty((repeats, len(n_train)))
    s = cluster.size
    for r in range(repeats):
        test = rng.choice(s, size=n_test, replace=False)
        mse, _ = cluster_losses(cluster, y, test, np.zeros(len(n_train)), n_test / s, rng, levels=levels,
                                exact_counts=np.asarray(n_train))
        out[r] = mse
    return out


# ------------------------------------------------------------------ embedding + second learner

def brw_embedding(cluster: BetheCluster, dim: int, rng: np.random.Generator, *, step: float = 1.0) -> np.ndarray:
    """Branching random walk: root at 0, child = parent + step * N(0, I_dim/dim).  (s, dim) array.

    A critical tree has mass ∝ (graph radius)^2 and the walk's extent ∝ radius^(1/2), so the
    embedded cluster has mass ∝ (Euclidean radius)^4: D = 4 (for dim >= 4)."""
    _check_cluster(cluster)
    dim = check_int(dim, "dim", lo=1, hi=10_000)
    check_rng(rng)
    step = check_real(step, "step", lo=0.0, lo_open=True)
    if cluster.size * dim > 2 * 10**8:
        raise ValueError(f"dim too large for this cluster: {cluster.size} x {dim} > 2e8 coordinates")
    s = cluster.size
    x = np.zeros((s, int(dim)))
    steps = rng.standard_normal((s, int(dim))) * (step / np.sqrt(dim))
    ls, par = cluster.level_starts, cluster.parent
    for g in range(1, ls.size - 1):
        a, b = ls[g], ls[g + 1]
        x[a:b] = x[par[a:b]] + steps[a:b]
    return x


def smooth_target(x: np.ndarray, rng: np.random.Generator, *, n_modes: int = 4) -> np.ndarray:
    """A smooth random function of the embedding: sum of ``n_modes`` cosines with random directions,
    wavelength ~ the cloud's size; standardised to mean 0, sd 1."""
    x = check_real_array(x, "x", ndim=2, min_size=1)
    check_rng(rng)
    n_modes = check_int(n_modes, "n_modes", lo=1, hi=10_000)
    scale = np.sqrt(np.mean(np.sum((x - x.mean(0)) ** 2, axis=1))) + 1e-12
    w = rng.standard_normal((x.shape[1], n_modes)) / scale
    ph = rng.uniform(0, 2 * np.pi, n_modes)
    f = np.cos(x @ w + ph).sum(axis=1)
    return (f - f.mean()) / (f.std() + 1e-12)


def _check_xy_pairs(x_train, y_train, x_test, y_test):
    xtr = check_real_array(x_train, "x_train", ndim=2, min_size=1)
    ytr = check_real_array(y_train, "y_train", ndim=1)
    xte = check_real_array(x_test, "x_test", ndim=2, min_size=1)
    yte = check_real_array(y_test, "y_test", ndim=1)
    if ytr.size != xtr.shape[0]:
        raise ValueError(f"y_train must have one value per row of x_train ({xtr.shape[0]}), got {ytr.size}")
    if yte.size != xte.shape[0]:
        raise ValueError(f"y_test must have one value per row of x_test ({xte.shape[0]}), got {yte.size}")
    if xte.shape[1] != xtr.shape[1]:
        raise ValueError(f"x_test must have the columns of x_train ({xtr.shape[1]}), got {xte.shape[1]}")
    return xtr, ytr, xte, yte


def knn_fit_mse(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, y_test: np.ndarray) -> float:
    """1-NN (Euclidean, scipy cKDTree) test MSE: the piecewise-constant (c = 2) reference."""
    from scipy.spatial import cKDTree

    x_train, y_train, x_test, y_test = _check_xy_pairs(x_train, y_train, x_test, y_test)

    _, j = cKDTree(x_train).query(x_test, k=1)
    return float(np.mean((y_train[j] - y_test) ** 2))


def mlp_fit_mse(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, y_test: np.ndarray, *,
                width: int = 64, depth: int = 2, steps: int = 2000, lr: float = 3e-3, seed: int = 0,
                device: str = "cpu") -> float:
    """Train a ReLU MLP (Adam, full batch, cosine-decayed lr) on (x, y); return the test MSE.

    A ReLU network is piecewise linear: Brill's c = 4 (Sharma & Kaplan).  ``steps`` is capped at
    1e5 and ``width`` at 1e4, ``depth`` at 100."""
    import torch

    x_train, y_train, x_test, y_test = _check_xy_pairs(x_train, y_train, x_test, y_test)
    width = check_int(width, "width", lo=1, hi=10_000)
    depth = check_int(depth, "depth", lo=0, hi=100)
    steps = check_int(steps, "steps", lo=1, hi=100_000)
    lr = check_real(lr, "lr", lo=0.0, lo_open=True, hi=10.0)
    seed = check_int(seed, "seed", lo=0, hi=2**63 - 1)
    if not isinstance(device, str):
        raise TypeError(f"device must be a string such as 'cpu' or 'cuda', got {type(device).__name__}")
    try:
        torch.empty(1, device=torch.device(device))
    except (RuntimeError, AssertionError) as exc:
        raise ValueError(f"device {device!r} is not available to torch: {exc}") from None

    torch.manual_seed(int(seed))
    dev = torch.device(device)
    X = torch.as_tensor(x_train, dtype=torch.float32, device=dev)
    Y = torch.as_tensor(y_train, dtype=torch.float32, device=dev)[:, None]
    mu, sd = X.mean(0, keepdim=True), X.std(0, keepdim=True) + 1e-8
    layers: list = []
    d_in = X.shape[1]
    for _ in range(int(depth)):
        layers += [torch.nn.Linear(d_in, int(width)), torch.nn.ReLU()]
        d_in = int(width)
    layers.append(torch.nn.Linear(d_in, 1))
    net = torch.nn.Sequential(*layers).to(dev)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=int(steps))
    Xn = (X - mu) / sd
    for _ in range(int(steps)):
        opt.zero_grad(set_to_none=True)
        loss = torch.mean((net(Xn) - Y) ** 2)
        loss.backward()
        opt.step()
        sched.step()
    with torch.no_grad():
        Xt = (torch.as_tensor(x_test, dtype=torch.float32, device=dev) - mu) / sd
        pred = net(Xt)[:, 0].cpu().numpy()
    return float(np.mean((pred - y_test) ** 2))
