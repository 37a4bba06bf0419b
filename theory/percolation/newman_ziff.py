"""The Newman–Ziff algorithm: one O(N) union–find sweep over the occupation number n.

Newman & Ziff, PRL 85, 4104 (2000) and PRE 64, 016706 (2001): occupy the N sites of a
lattice one at a time in a random order, merging clusters with weighted union–find and
path compression (here path halving), and record microcanonical observables Q_n for every
n = 0..N.  The canonical value at occupation probability p is the binomial convolution
(PRE 64, eq. 2)

    Q(p) = sum_n C(N, n) p^n (1 - p)^(N - n) Q_n.

Observables recorded per n: the largest cluster, the number of clusters, the sum of squared
cluster sizes (so the mean cluster size and its variants follow), and for each axis the
first n at which a cluster spans the open lattice (per-root boundary flags, never a virtual
node glued to a face, which would merge unrelated clusters) or, with periodic boundaries,
winds around the torus (Machta et al. PRE 54, 1332 (1996): displacement to the root stored
with each site; a bond closing a loop with non-zero net displacement wraps).  Spanning and
wrapping are monotone in n, so the first n fully describes them: the canonical probability
is then a binomial tail.

The union–find loop is sequential, so numpy cannot vectorise it.  Two back ends give the
same observables (tests pin them against each other and against labelling at every n):

- ``"numba"`` (default when numba is installed): the site-oriented loop of Newman & Ziff 2001
  (arXiv cond-mat/0101295, §II) compiled by numba (:mod:`nsl.theory.percolation._compiled`),
  about 0.1 s and 50 MB for 1024^2 sites;
- ``"python"`` (the fallback, with a warning, when numba is missing): tight pure Python over
  lists.  It runs over the bonds rather than the sites: each bond (u, v) is processed once,
  when the later of its two sites is occupied (bonds sorted by that time with numpy); merge
  events are recorded as they happen and the per-n observables rebuilt with cumulative sums.
  About 30-50x slower (4 s and 400 MB for 1024^2).
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from nsl.theory.checks import check_int, check_real, check_real_array
from nsl.theory.percolation.lattice import check_probability, lattice_edges

__all__ = ["NewmanZiffSweep", "newman_ziff_sweep", "binomial_convolution", "binomial_weights"]


@dataclass(frozen=True)
class NewmanZiffSweep:
    """Microcanonical observables of one sweep (index n = number of occupied sites, 0..N).

    ``order``: the occupation order (flat C-order site indices); ``largest[n]``,
    ``n_clusters[n]``, ``sum_s2[n]`` (sum over clusters of s^2); ``first_span[a]``: the
    smallest n at which a cluster spans axis ``a`` (open lattice) or wraps around it
    (periodic), ``N + 1`` if never.  ``periodic`` says which of the two it is.
    """

    shape: tuple[int, ...]
    periodic: bool
    order: np.ndarray
    largest: np.ndarray
    n_clusters: np.ndarray
    sum_s2: np.ndarray
    first_span: np.ndarray

    @property
    def n_sites(self) -> int:
        return int(np.prod(self.shape))

    def _first(self, axis: int | None, how: str) -> int:
        if axis is not None:
            d = len(self.shape)
            return int(self.first_span[check_int(axis, "axis", lo=-d, hi=d - 1)])
        if how == "any":
            return int(self.first_span.min())
        if how == "all":
            return int(self.first_span.max())
        raise ValueError(f"how must be 'any' or 'all', got {how!r}")

    def spans(self, axis: int | None = None, *, how: str = "any") -> np.ndarray:
        """Bool array over n: spanning (or wrapping) along ``axis``; ``axis=None`` combines axes
        with ``how='any'`` (some axis) or ``how='all'`` (every axis)."""
        return np.arange(self.n_sites + 1) >= self._first(axis, how)

    def span_probability(self, p: float | np.ndarray, axis: int | None = None, *, how: str = "any") -> np.ndarray:
        """Canonical probability that a spanning (wrapping) cluster exists at p: a binomial tail
        P(Binomial(N, p) >= n_first), the exact convolution of the step function
        (Newman & Ziff 2001, arXiv cond-mat/0101295, eq. 2).  ``p``: finite numbers in [0, 1]."""
        first = self._first(axis, how)
        p = _check_p_array(p)
        return stats.binom.sf(first - 1, self.n_sites, p)

    def mean_cluster_size(self) -> np.ndarray:
        """Per n: sum s^2 / n (size of the cluster of a random occupied site; 0 at n = 0)."""
        n = np.arange(self.n_sites + 1, dtype=float)
        out = np.zeros_like(n)
        out[1:] = self.sum_s2[1:] / n[1:]
        return out

    def at(self, p: float | np.ndarray, observable: str | np.ndarray) -> np.ndarray:
        """Canonical value of an observable (a field name: 'largest', 'n_clusters', 'sum_s2', or an
        array over n = 0..N) at probability p."""
        if isinstance(observable, str):
            if observable not in _OBSERVABLES:
                raise ValueError(f"observable must be one of {_OBSERVABLES} or an array over n, got {observable!r}")
            q = getattr(self, observable)
        else:
            q = check_real_array(observable, "observable")
            if q.ndim < 1 or q.shape[0] != self.n_sites + 1:
                raise ValueError(f"observable must have length N + 1 = {self.n_sites + 1} along its first axis, "
                                 f"got shape {q.shape}")
        return binomial_convolution(q, p)


_OBSERVABLES = ("largest", "n_clusters", "sum_s2")


def _check_p_array(p) -> np.ndarray:
    """``p`` (scalar or array) as floats, every entry finite and in [0, 1]."""
    if isinstance(p, (bool, np.bool_)):
        raise TypeError(f"p must be a number or an array of numbers in [0, 1], got {p!r}")
    try:
        arr = np.asarray(p, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"p must be a number or an array of numbers in [0, 1], got {type(p).__name__}") from None
    if not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
        raise ValueError("p must be in [0, 1] (finite numbers)")
    return arr


def binomial_weights(n_sites: int, p: float, *, eps: float = 1e-15) -> tuple[int, np.ndarray]:
    """(n_lo, w): Binomial(N, p) probabilities w[k] of n = n_lo + k over the window where they
    exceed ``eps`` relative to the mode (the rest sum below ~N*eps).

    Parameters
    ----------
    n_sites : N, integer >= 1.
    p : probability in [0, 1].
    eps : relative cut-off of the window, > 0.

    Returns
    -------
    tuple
        ``(n_lo, w)``: the first n of the window and the probabilities over it.

    References
    ----------
    Newman & Ziff 2001, PRE 64, 016706, arXiv cond-mat/0101295, Eq. 2 (the binomial weights of
    the convolution) and §II.

    Examples
    --------
    >>> n_lo, w = binomial_weights(10, 0.5)
    >>> n_lo, w.size, round(float(w.sum()), 12)
    (0, 11, 1.0)
    """
    p = check_probability(p)
    n = check_int(n_sites, "n_sites", lo=1, hi=10**10)
    eps = check_real(eps, "eps", lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    if p in (0.0, 1.0):
        return (0 if p == 0.0 else n), np.ones(1)
    sd = np.sqrt(n * p * (1 - p))
    half = int(np.ceil(10 * sd + 10))
    lo = max(0, int(np.floor(n * p)) - half)
    hi = min(n, int(np.ceil(n * p)) + half)
    k = np.arange(lo, hi + 1)
    w = np.exp(stats.binom.logpmf(k, n, p))
    keep = w > eps * w.max()
    k, w = k[keep], w[keep]
    return int(k[0]), w / w.sum()


def binomial_convolution(q_n: np.ndarray, p: float | np.ndarray) -> np.ndarray:
    """Q(p) = sum_n C(N,n) p^n (1-p)^(N-n) Q_n for Q_n over n = 0..N (Newman & Ziff 2001, eq. 2).

    ``q_n`` may have extra trailing axes (observables side by side); ``p`` a scalar or 1-D array.

    Parameters
    ----------
    q_n : (N + 1, ...) microcanonical observables for n = 0..N.
    p : occupation probability in [0, 1], scalar or 1-D array.

    Returns
    -------
    numpy.ndarray
        Q(p): the trailing axes of ``q_n``, with a leading axis over ``p`` when it is an array.

    References
    ----------
    Newman & Ziff 2001, PRE 64, 016706, arXiv cond-mat/0101295, Eq. 2.

    Examples
    --------
    With Q_n = n the convolution is the binomial mean N p:

    >>> q = np.arange(11.0)
    >>> round(float(binomial_convolution(q, 0.3)), 10)
    3.0
    >>> np.round(binomial_convolution(q, np.array([0.1, 0.5])), 10).tolist()
    [1.0, 5.0]
    """
    q = check_real_array(q_n, "q_n")
    if q.ndim < 1 or q.shape[0] < 2:
        raise ValueError("q_n must have length N + 1 >= 2 along its first axis")
    n_sites = q.shape[0] - 1
    ps = np.atleast_1d(_check_p_array(p))
    if ps.ndim != 1:
        raise ValueError(f"p must be a scalar or a 1-D array, got shape {ps.shape}")
    out = []
    for pi in ps:
        lo, w = binomial_weights(n_sites, float(pi))
        out.append(np.tensordot(w, q[lo:lo + w.size], axes=(0, 0)))
    res = np.array(out)
    return res[0] if np.ndim(p) == 0 else res


def _face_flags(shape: tuple[int, ...]) -> np.ndarray:
    """Per site: bit 2a set on face 0 of axis a, bit 2a+1 on face L_a - 1."""
    grids = np.indices(shape)
    f = np.zeros(shape, dtype=np.int64)
    for a in range(len(shape)):
        f |= (grids[a] == 0).astype(np.int64) << (2 * a)
        f |= (grids[a] == shape[a] - 1).astype(np.int64) << (2 * a + 1)
    return f.ravel()


def _loop_open(eu: list, ev: list, n_sites: int, flag: list, span_tbl: list, n_axes: int):
    """Union–find over the bonds in activation order; returns the merge events and the bond
    index at which each axis is first spanned (-1: never through a bond)."""
    parent = list(range(n_sites))
    size = [1] * n_sites
    m_edge: list = []
    m_prod: list = []
    m_new: list = []
    first = [-1] * n_axes
    done = 0
    all_done = (1 << n_axes) - 1
    k = -1
    for u, v in zip(eu, ev):
        k += 1
        pu = parent[u]
        while pu != u:  # path halving
            gp = parent[pu]
            parent[u] = gp
            u = gp
            pu = parent[u]
        pv = parent[v]
        while pv != v:
            gp = parent[pv]
            parent[v] = gp
            v = gp
            pv = parent[v]
        if u == v:
            continue
        su = size[u]
        sv = size[v]
        if su < sv:
            u, v = v, u
        parent[v] = u
        s = su + sv
        size[u] = s
        f = flag[u] | flag[v]
        flag[u] = f
        m_edge.append(k)
        m_prod.append(su * sv)
        m_new.append(s)
        if done != all_done:
            new = span_tbl[f] & ~done
            if new:
                for a in range(n_axes):
                    if new >> a & 1:
                        first[a] = k
                done |= new
    return m_edge, m_prod, m_new, first


def _loop_periodic(eu: list, ev: list, ed: list, n_sites: int, radix: int, n_axes: int):
    """As :func:`_loop_open` with displacements to the parent (Machta et al.), packed in one
    int per site; ``ed`` is the lattice step from u to v of each bond.  Returns the bond index
    at which a loop first winds along each axis (-1: never)."""
    parent = list(range(n_sites))
    disp = [0] * n_sites  # position(parent[x]) - position(x)
    size = [1] * n_sites
    m_edge: list = []
    m_prod: list = []
    m_new: list = []
    first = [-1] * n_axes
    wrapped = [False] * n_axes
    n_wrapped = 0
    k = -1
    for u, v, dl in zip(eu, ev, ed):
        k += 1
        du = 0
        pu = parent[u]
        while pu != u:
            disp[u] += disp[pu]
            parent[u] = parent[pu]
            du += disp[u]
            u = parent[u]
            pu = parent[u]
        dv = 0
        pv = parent[v]
        while pv != v:
            disp[v] += disp[pv]
            parent[v] = parent[pv]
            dv += disp[v]
            v = parent[v]
            pv = parent[v]
        # du = pos(root_u) - pos(u); dv = pos(root_v) - pos(v); pos(v) = pos(u) + dl
        if u == v:
            if n_wrapped < n_axes:
                w = dl + dv - du
                if w:
                    _mark_wrap(w, radix, n_axes, wrapped, first, k)
                    n_wrapped = sum(wrapped)
            continue
        su = size[u]
        sv = size[v]
        if su < sv:
            parent[u] = v
            disp[u] = dl + dv - du
        else:
            parent[v] = u
            disp[v] = du - dl - dv
        s = su + sv
        size[u if su >= sv else v] = s
        m_edge.append(k)
        m_prod.append(su * sv)
        m_new.append(s)
    return m_edge, m_prod, m_new, first


def _unpack(w: int, radix: int, n_axes: int) -> list[int]:
    comps = []
    for _ in range(n_axes):
        c = (w + radix // 2) % radix - radix // 2
        comps.append(c)
        w = (w - c) // radix
    return comps[::-1]


def _mark_wrap(w: int, radix: int, n_axes: int, wrapped: list, first: list, n: int) -> None:
    for a, c in enumerate(_unpack(w, radix, n_axes)):
        if c and not wrapped[a]:
            wrapped[a] = True
            first[a] = n


def _numba_kernel():
    """The compiled kernel, or None when numba is not installed."""
    try:
        from nsl.theory.percolation._compiled import nz_sweep_kernel
    except ImportError:
        return None
    return nz_sweep_kernel


_WARNED_FALLBACK = False
MAX_SWEEP_SITES = 100_000_000  # about 4 GB of per-n observables and work arrays at the cap


def _resolve_backend(backend: str):
    global _WARNED_FALLBACK
    if not isinstance(backend, str) or backend not in ("auto", "numba", "python"):
        raise ValueError(f"backend must be 'auto', 'numba' or 'python', got {backend!r}")
    if backend == "python":
        return None
    kern = _numba_kernel()
    if kern is None:
        if backend == "numba":
            raise ValueError("backend='numba' needs numba installed (pip install numba); "
                             "backend='auto' falls back to pure Python")
        if not _WARNED_FALLBACK:
            warnings.warn("numba is not installed: newman_ziff_sweep uses its pure-Python union-find "
                          "(same results, about 30-50x slower)", RuntimeWarning, stacklevel=3)
            _WARNED_FALLBACK = True
    return kern


def newman_ziff_sweep(shape: Sequence[int], rng: np.random.Generator | None, *, periodic: bool = False,
                      order: np.ndarray | None = None, backend: str = "auto") -> NewmanZiffSweep:
    """One Newman–Ziff sweep of site percolation on a hypercubic lattice of ``shape``.

    Parameters
    ----------
    shape : sequence of int
        Lattice sides, each >= 1 (>= 3 when ``periodic``); at most ``MAX_SWEEP_SITES`` (1e8) sites.
    rng : numpy.random.Generator or None
        Draws the occupation order; may be None when ``order`` is given.
    periodic : bool
        Open boundaries record spanning per axis (per-root face flags); periodic boundaries
        record wrapping per axis (Machta's displacements).
    order : array of int, optional
        A permutation of the N flat (C-order) site indices, used instead of ``rng``.
    backend : {'auto', 'numba', 'python'}
        ``'auto'``: the compiled kernel when numba is installed, else pure Python (with a
        warning).  Both give identical observables.

    Returns
    -------
    NewmanZiffSweep
        ``largest[n]``, ``n_clusters[n]``, ``sum_s2[n]`` for n = 0..N and ``first_span``.

    References
    ----------
    Newman & Ziff, PRE 64, 016706 (2001), arXiv cond-mat/0101295, §II (algorithm), eq. (2)
    (convolution); Machta et al., PRE 54, 1332 (1996) (wrapping).  O(N alpha(N)) time.

    Examples
    --------
    >>> sw = newman_ziff_sweep((16, 16), np.random.default_rng(0), backend="python")
    >>> int(sw.largest[-1]), int(sw.n_clusters[0]), float(sw.span_probability(1.0, axis=0))
    (256, 0, 1.0)
    """
    if isinstance(periodic, (bool, np.bool_)):
        periodic = bool(periodic)
    else:
        raise TypeError(f"periodic must be a bool, got {type(periodic).__name__}")
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
        raise TypeError(f"shape must be a sequence of integer sides >= 1, got {shape!r}")
    shp = tuple(check_int(s, "shape", lo=1) for s in shape)
    if not shp:
        raise ValueError(f"shape must be a sequence of sides >= 1, got {shape!r}")
    if periodic and min(shp) < 3:
        raise ValueError(f"periodic sweeps need every side >= 3, got shape {shp}")
    n_sites = int(np.prod(shp, dtype=object))
    if n_sites > MAX_SWEEP_SITES:
        raise ValueError(f"shape must have at most {MAX_SWEEP_SITES} sites, got {n_sites}")
    if order is None:
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator (or pass order), got {type(rng).__name__}")
        order_arr = rng.permutation(n_sites)
    else:
        try:
            order_arr = np.asarray(order)
        except (ValueError, TypeError):  # ragged nested sequences
            raise TypeError(f"order must be a permutation of range({n_sites}) (integers), "
                            f"got {type(order).__name__}") from None
        if order_arr.dtype.kind not in "iu":
            raise ValueError(f"order must be a permutation of range({n_sites}) (integers)")
        order_arr = order_arr.astype(np.int64, copy=False)
        if order_arr.shape != (n_sites,) or not np.array_equal(np.sort(order_arr), np.arange(n_sites)):
            raise ValueError(f"order must be a permutation of range({n_sites})")
    kern = _resolve_backend(backend)
    if kern is not None:
        largest = np.empty(n_sites + 1, dtype=np.int64)
        n_clusters = np.empty(n_sites + 1, dtype=np.int64)
        sum_s2 = np.empty(n_sites + 1, dtype=np.float64)
        first = np.full(len(shp), n_sites + 1, dtype=np.int64)
        kern(np.ascontiguousarray(order_arr, dtype=np.int64), np.asarray(shp, dtype=np.int64), periodic,
             largest, n_clusters, sum_s2, first)
        return NewmanZiffSweep(shp, periodic, order_arr, largest, n_clusters, sum_s2, first)
    return _sweep_python(shp, periodic, order_arr)


def _sweep_python(shp: tuple[int, ...], periodic: bool, order_arr: np.ndarray) -> NewmanZiffSweep:
    """The pure-Python back end (see the module docstring)."""
    n_sites = int(np.prod(shp))
    d = len(shp)
    # bonds in activation order: bond (u, v) becomes active when its later site is occupied
    t = np.empty(n_sites, dtype=np.int64)
    t[order_arr] = np.arange(1, n_sites + 1)
    u, v = lattice_edges(shp, periodic=periodic)
    per_axis = [int(np.prod(shp[:a] + shp[a + 1:])) * (shp[a] if periodic else shp[a] - 1) for a in range(d)]
    axis = np.repeat(np.arange(d), per_axis)
    ta = np.maximum(t[u], t[v])
    srt = np.argsort(ta, kind="stable")
    u, v, axis, ta = u[srt], v[srt], axis[srt], ta[srt]
    if periodic:
        radix = 4 * n_sites + 1
        units = np.array([radix ** (d - 1 - a) for a in range(d)], dtype=object)
        m_edge, m_prod, m_new, first_edge = _loop_periodic(u.tolist(), v.tolist(), units[axis].tolist(),
                                                           n_sites, radix, d)
        first = [n_sites + 1 if k < 0 else int(ta[k]) for k in first_edge]
    else:
        flags = _face_flags(shp)
        span_tbl = [sum(1 << a for a in range(d) if (f >> (2 * a)) & 3 == 3) for f in range(1 << (2 * d))]
        m_edge, m_prod, m_new, first_edge = _loop_open(u.tolist(), v.tolist(), n_sites, flags.tolist(), span_tbl, d)
        first = [n_sites + 1 if k < 0 else int(ta[k]) for k in first_edge]
        # a single site spans an axis of length 1
        self_span = np.array(span_tbl)[flags]
        for a in range(d):
            hit = (self_span >> a) & 1 == 1
            if hit.any():
                first[a] = min(first[a], int(t[hit].min()))
    tm = ta[np.asarray(m_edge, dtype=np.int64)]
    n = np.arange(n_sites + 1)
    merges = np.cumsum(np.bincount(tm, minlength=n_sites + 1))
    sum_s2 = n + 2.0 * np.cumsum(np.bincount(tm, weights=np.asarray(m_prod, dtype=float), minlength=n_sites + 1))
    big = np.zeros(n_sites + 1, dtype=np.int64)
    big[1:] = 1
    if tm.size:
        np.maximum.at(big, tm, np.asarray(m_new, dtype=np.int64))
    largest = np.maximum.accumulate(big)
    return NewmanZiffSweep(shp, bool(periodic), order_arr, largest, n - merges, sum_s2,
                           np.asarray(first, dtype=np.int64))
