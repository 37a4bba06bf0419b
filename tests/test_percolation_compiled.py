"""Compiled back ends against the pure-Python / scipy ones: identical results, and the fallbacks."""
import numpy as np
import pytest

import nsl.theory.percolation.lattice as lattice_mod
import nsl.theory.percolation.newman_ziff as nz_mod
from nsl.theory.percolation import label_clusters, newman_ziff_sweep, wrapping_clusters

SHAPES = [((16, 16), False), ((16, 16), True), ((8, 9, 7), False), ((8, 9, 7), True), ((4, 33), False),
          ((1, 7), False), ((7, 1, 3), False), ((2, 2), False), ((5,), False), ((5,), True),
          ((3, 3, 3, 3), True), ((3, 4, 3, 2), False), ((50, 40), True), ((50, 40), False)]


@pytest.mark.parametrize("shape,periodic", SHAPES)
def test_numba_sweep_bit_identical_to_python(shape, periodic):
    pytest.importorskip("numba")
    for seed in range(3):
        a = newman_ziff_sweep(shape, np.random.default_rng(seed), periodic=periodic, backend="numba")
        b = newman_ziff_sweep(shape, np.random.default_rng(seed), periodic=periodic, backend="python")
        for f in ("order", "largest", "n_clusters", "sum_s2", "first_span"):
            x, y = getattr(a, f), getattr(b, f)
            assert x.dtype == y.dtype and np.array_equal(x, y), f


def test_sweep_pinned_values():
    """Pinned observables of one 64^2 sweep (seed 7), identical under both back ends."""
    for backend in ("auto", "python"):
        sw = newman_ziff_sweep((64, 64), np.random.default_rng(7), backend=backend)
        swp = newman_ziff_sweep((64, 64), np.random.default_rng(7), periodic=True, backend=backend)
        n = sw.n_sites
        # independent check at three occupations: labelling of the same configuration
        for k in (n // 4, int(0.5927 * n), 3 * n // 4):
            occ = np.zeros(n, bool)
            occ[sw.order[:k]] = True
            cl = label_clusters(occ.reshape(64, 64))
            assert sw.largest[k] == cl.largest and sw.n_clusters[k] == cl.n_clusters
            clp, w = wrapping_clusters(occ.reshape(64, 64))
            assert swp.largest[k] == clp.largest and swp.n_clusters[k] == clp.n_clusters
            assert np.array_equal(w.any(0), k >= swp.first_span)


def test_numba_missing_falls_back_with_warning(monkeypatch):
    monkeypatch.setattr(nz_mod, "_numba_kernel", lambda: None)
    monkeypatch.setattr(nz_mod, "_WARNED_FALLBACK", False)
    with pytest.warns(RuntimeWarning, match="numba is not installed"):
        a = newman_ziff_sweep((10, 10), np.random.default_rng(0), periodic=True)
    b = newman_ziff_sweep((10, 10), np.random.default_rng(0), periodic=True, backend="python")
    assert np.array_equal(a.largest, b.largest) and np.array_equal(a.first_span, b.first_span)
    with pytest.raises(ValueError, match="backend='numba' needs numba"):
        newman_ziff_sweep((10, 10), np.random.default_rng(0), backend="numba")
    with pytest.raises(ValueError, match="backend must be"):
        newman_ziff_sweep((10, 10), np.random.default_rng(0), backend="gpu")


@pytest.mark.parametrize("shape", [(17, 23), (9, 11, 7), (1, 5), (2, 7), (5, 1, 4), (2, 2, 2), (40, 30)])
@pytest.mark.parametrize("periodic", [False, True, "mixed"])
def test_cc3d_labels_identical_to_scipy_path(shape, periodic, monkeypatch):
    pytest.importorskip("cc3d")
    rng = np.random.default_rng(3)
    per = (True,) + (False,) * (len(shape) - 1) if periodic == "mixed" else periodic
    occs = [rng.random(shape) < p for p in (0.3, 0.6, 0.9)]
    occs.append(np.asfortranarray(occs[1]))  # numbering stays C-order for Fortran-ordered input
    fast = [label_clusters(o, periodic=per) for o in occs]
    wr_fast = [wrapping_clusters(o) for o in occs]
    monkeypatch.setattr(lattice_mod, "_cc3d", lambda: None)
    for o, f, (wc, ww) in zip(occs, fast, wr_fast):
        s = label_clusters(o, periodic=per)
        assert f.labels.dtype == s.labels.dtype == np.int32
        assert np.array_equal(f.labels, s.labels) and f.n_clusters == s.n_clusters
        sc, sw = wrapping_clusters(o)
        assert np.array_equal(wc.labels, sc.labels) and np.array_equal(ww, sw)


def test_compiled_label_counts_identical_to_bincount():
    """Sizes of a lattice above the compiled-count threshold equal np.bincount's, and a label
    outside [0, n] (a hand-made ClusterLabels) falls back to np.bincount instead of writing out of bounds."""
    pytest.importorskip("numba")
    L = 1 << 10  # 2^20 sites: the threshold
    occ = np.random.default_rng(8).random((L, L)) < 0.5927
    for per in (False, True):
        c = label_clusters(occ, periodic=per)
        expect = np.bincount(c.labels.ravel(), minlength=c.n_clusters + 1)[1:]
        assert c.sizes.dtype == np.int64 and np.array_equal(c.sizes, expect)
        cw, _ = wrapping_clusters(occ) if per else (c, None)
        assert np.array_equal(cw.sizes, expect)
    bad = np.zeros((L, L), np.int32)
    bad[0, 0], bad[5, 5] = 3, 1
    hand = lattice_mod.ClusterLabels(bad, 1)  # n_clusters understated: label 3 lies outside [0, 1]
    assert hand.sizes.tolist() == [1, 0, 1]
    neg = lattice_mod.ClusterLabels(-bad, 3)
    with pytest.raises(ValueError):  # np.bincount's own refusal of negative labels, as before
        _ = neg.sizes


def test_label_counts_without_numba_use_bincount(monkeypatch):
    occ = np.random.default_rng(9).random((1 << 10, 1 << 10)) < 0.5927
    fast = label_clusters(occ, periodic=True).sizes
    monkeypatch.setattr(lattice_mod, "_COUNT_KERNEL", [None])  # as when numba is not installed
    assert np.array_equal(label_clusters(occ, periodic=True).sizes, fast)
