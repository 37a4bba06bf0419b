"""Newman-Ziff sweep: exact against independent labelling at every n, and the binomial convolution."""
import numpy as np
import pytest
from scipy import stats

from nsl.theory.percolation import binomial_convolution, label_clusters, newman_ziff_sweep, spanning_clusters, wrapping_clusters


@pytest.mark.parametrize("shape", [(16, 16), (8, 9, 7), (4, 33)])
@pytest.mark.parametrize("periodic", [False, True])
def test_sweep_exact_against_labelling(shape, periodic):
    sw = newman_ziff_sweep(shape, np.random.default_rng(5), periodic=periodic)
    n_sites = sw.n_sites
    for n in range(0, n_sites + 1, 3):
        occ = np.zeros(n_sites, bool)
        occ[sw.order[:n]] = True
        occ = occ.reshape(shape)
        if periodic:
            cl, w = wrapping_clusters(occ)
            flags = w.any(axis=0)
        else:
            cl = label_clusters(occ)
            flags = np.array([spanning_clusters(cl.labels, a).size > 0 for a in range(len(shape))])
        assert cl.largest == sw.largest[n]
        assert cl.n_clusters == sw.n_clusters[n]
        assert (cl.sizes.astype(float) ** 2).sum() == sw.sum_s2[n]
        assert np.array_equal(flags, n >= sw.first_span)


def test_sweep_given_order_and_bad_input():
    order = np.random.default_rng(0).permutation(64)
    a = newman_ziff_sweep((8, 8), None, order=order)
    b = newman_ziff_sweep((8, 8), np.random.default_rng(1), order=order)
    assert np.array_equal(a.largest, b.largest)
    with pytest.raises(ValueError, match="order"):
        newman_ziff_sweep((8, 8), None, order=np.arange(63))
    with pytest.raises(ValueError, match="shape"):
        newman_ziff_sweep((0, 8), np.random.default_rng(0))
    with pytest.raises(ValueError, match="p must be in"):
        a.span_probability(1.2)


def test_binomial_convolution_moments():
    N = 1000
    n = np.arange(N + 1, dtype=float)
    for p in (0.0, 0.1, 0.5927, 1.0):
        assert np.isclose(binomial_convolution(np.ones(N + 1), p), 1.0)
        assert np.isclose(binomial_convolution(n, p), N * p, rtol=1e-10, atol=1e-9)
        assert np.isclose(binomial_convolution(n**2, p), N * p * (1 - p) + (N * p) ** 2, rtol=1e-9, atol=1e-9)
    step = (n >= 600).astype(float)
    assert np.isclose(binomial_convolution(step, 0.6), stats.binom.sf(599, N, 0.6), rtol=1e-9)


def test_crossing_probability_near_cardy():
    """Reference case 7: L = 128 open square lattice, top-bottom crossing at p = 0.5927 ~ 0.53 (Cardy limit 1/2)."""
    rng = np.random.default_rng(2024)
    probs = [newman_ziff_sweep((128, 128), rng).span_probability(0.5927, axis=0) for _ in range(30)]
    # per-sweep values are near 0/1 (sd ~ 0.45): 30 sweeps give a standard error ~ 0.08
    assert 0.53 - 0.25 < np.mean(probs) < 0.53 + 0.25


def test_canonical_largest_matches_direct_sampling():
    """Q(p) from one sweep family vs labelling independent samples at p (same L, many samples)."""
    rng = np.random.default_rng(9)
    L, p = 32, 0.62
    nz = np.mean([newman_ziff_sweep((L, L), rng).at(p, "largest") for _ in range(40)])
    direct = np.mean([label_clusters(rng.random((L, L)) < p).largest for _ in range(400)])
    assert abs(nz - direct) / direct < 0.04
