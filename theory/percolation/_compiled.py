"""Compiled (numba) kernel of the Newman–Ziff sweep; imported only when numba is installed.

Why numba: the union–find of Newman & Ziff (PRE 64, 016706 (2001), arXiv cond-mat/0101295,
§II) is inherently sequential, so numpy cannot vectorise it; numba ships wheels for Linux,
macOS and Windows and compiles this one loop (cached on disk after the first call).  Without
numba, :mod:`nsl.theory.percolation.newman_ziff` falls back to its pure-Python loop with a
warning; both give the same observables (tests pin it).

The kernel is the site-oriented form of the paper's algorithm (§II and its appendix program):
occupy the sites in ``order``; each new site is a cluster of one and is merged with every
occupied nearest neighbour by weighted union–find with path halving.  Observables are
recorded after each site, so ``largest[n]``, ``n_clusters[n]`` and ``sum_s2[n]`` are those
of the configuration with the first n sites occupied.  Spanning (open boundaries) keeps
per-root face bits; wrapping (periodic boundaries) keeps, per site, the displacement to its
parent (Machta et al., PRE 54, 1332 (1996); Newman & Ziff 2001, §II): a bond whose two ends
already share a root closes a loop, which winds when the displacements around it do not add
up to zero.
"""
from __future__ import annotations

import numpy as np
from numba import njit

_EMPTY = np.int32(-(2**31) + 1)


@njit(cache=True, nogil=True)
def _root(ptr, i):
    """Root of i with path halving; ``ptr[x] < 0`` marks a root of size ``-ptr[x]`` (Newman & Ziff's
    one-array representation, §II), otherwise ``ptr[x]`` is the parent."""
    p = ptr[i]
    while p >= 0:
        gp = ptr[p]
        if gp < 0:
            return p
        ptr[i] = gp
        i = gp
        p = ptr[i]
    return i


@njit(cache=True, nogil=True)
def _root_disp(node, i, acc):
    """As :func:`_root` on ``node[:, 0]`` with displacements ``node[:, 1:]`` (pos(parent) - pos(x));
    ``acc`` receives pos(root) - pos(i)."""
    d = acc.size
    for a in range(d):
        acc[a] = 0
    p = node[i, 0]
    while p >= 0:
        gp = node[p, 0]
        if gp < 0:
            for a in range(d):
                acc[a] += node[i, 1 + a]
            return p
        for a in range(d):
            node[i, 1 + a] += node[p, 1 + a]  # now relative to gp
            acc[a] += node[i, 1 + a]
        node[i, 0] = gp
        i = gp
        p = node[i, 0]
    return i


@njit(cache=True, nogil=True)
def nz_sweep_kernel(order, shape, periodic, largest, n_clusters, sum_s2, first):
    """Fill ``largest``, ``n_clusters``, ``sum_s2`` (length N + 1) and ``first`` (length d, preset to N + 1)."""
    n_sites = order.size
    d = shape.size
    strides = np.empty(d, np.int64)
    st = 1
    for a in range(d - 1, -1, -1):
        strides[a] = st
        st *= shape[a]
    # node[:, 0]: parent (>= 0), -size at a root, _EMPTY for an empty site; node[:, 1:]: displacements
    node = np.zeros((n_sites if periodic else 1, 1 + d), np.int32)
    node[:, 0] = _EMPTY
    ptr = np.full(1 if periodic else n_sites, _EMPTY, np.int32)  # open boundaries: the same, 1-D
    flag = np.zeros(1 if periodic else n_sites, np.int32)
    du = np.zeros(d, np.int64)
    dv = np.zeros(d, np.int64)
    coord = np.zeros(d, np.int64)
    done = np.zeros(d, np.bool_)
    n_done = 0
    n_cl = 0
    big = 0
    s2 = np.int64(0)
    largest[0] = 0
    n_clusters[0] = 0
    sum_s2[0] = 0.0
    for n in range(1, n_sites + 1):
        i = order[n - 1]
        if periodic:
            node[i, 0] = -1
        else:
            ptr[i] = -1
        n_cl += 1
        s2 += 1
        if big < 1:
            big = 1
        f = np.int32(0)
        for a in range(d):
            c = (i // strides[a]) % shape[a]
            coord[a] = c
            if c == 0:
                f |= np.int32(1) << (2 * a)
            if c == shape[a] - 1:
                f |= np.int32(1) << (2 * a + 1)
        if not periodic:
            flag[i] = f
        ri = i  # current root of i
        for b in range(d):
            du[b] = 0
        for a in range(d):
            c = coord[a]
            L = shape[a]
            for step in (-1, 1):
                cj = c + step
                if cj < 0 or cj >= L:
                    if not periodic:
                        continue
                    cj = cj % L
                j = i + (cj - c) * strides[a]
                if (node[j, 0] if periodic else ptr[j]) == _EMPTY:
                    continue
                if periodic:
                    # bond i -> j with pos(j) = pos(i) + step e_a; du = pos(ru) - pos(i) is kept
                    # up to date across merges (ru = ri, the current root of i)
                    ru = ri
                    rv = _root_disp(node, j, dv)
                    if ru == rv:
                        if n_done < d:
                            for b in range(d):
                                w = dv[b] - du[b] + (step if b == a else 0)
                                if w != 0 and not done[b]:
                                    done[b] = True
                                    first[b] = n
                                    n_done += 1
                        continue
                    si = -node[ru, 0]
                    sj = -node[rv, 0]
                    if si >= sj:  # rv under ru: disp = pos(ru) - pos(rv) = du - step e_a - dv
                        node[ru, 0] = -(si + sj)
                        node[rv, 0] = ru
                        for b in range(d):
                            node[rv, 1 + b] = du[b] - dv[b] - (step if b == a else 0)
                    else:  # ru under rv: disp = pos(rv) - pos(ru) = step e_a + dv - du
                        node[rv, 0] = -(si + sj)
                        node[ru, 0] = rv
                        for b in range(d):
                            node[ru, 1 + b] = dv[b] - du[b] + (step if b == a else 0)
                            du[b] += node[ru, 1 + b]
                        ri = rv
                else:
                    rj = _root(ptr, j)
                    if ri == rj:
                        continue
                    si = -ptr[ri]
                    sj = -ptr[rj]
                    if si >= sj:
                        ptr[ri] = -(si + sj)
                        ptr[rj] = ri
                        flag[ri] |= flag[rj]
                    else:
                        ptr[rj] = -(si + sj)
                        ptr[ri] = rj
                        flag[rj] |= flag[ri]
                        ri = rj
                n_cl -= 1
                s2 += 2 * np.int64(si) * np.int64(sj)
                if si + sj > big:
                    big = si + sj
        if not periodic and n_done < d:
            fr = flag[ri]
            for b in range(d):
                if not done[b] and ((fr >> (2 * b)) & 3) == 3:
                    done[b] = True
                    first[b] = n
                    n_done += 1
        largest[n] = big
        n_clusters[n] = n_cl
        sum_s2[n] = s2


@njit(cache=True, nogil=True)
def count_labels(labels, n):
    """``(counts, ok)``: ``counts[k]`` = number of entries of the 1-D ``labels`` equal to k, for k in
    0..n, as ``np.bincount`` gives it but without numpy's int64 copy of an int32 array (about 3x
    faster on a 2048^2 lattice).  ``ok`` is False (and the counts partial) when a label lies
    outside [0, n]; the caller then falls back to ``np.bincount``."""
    out = np.zeros(n + 1, dtype=np.int64)
    for i in range(labels.size):
        x = labels[i]
        if x < 0 or x > n:
            return out, False
        out[x] += 1
    return out, True
