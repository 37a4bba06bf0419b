"""Bethe lattice, exponents and Brill's theory against closed forms and the reference's tables."""
import numpy as np
import pytest

from nsl.theory.percolation import (
    bethe_cluster_numbers,
    bethe_mean_cluster_size,
    bethe_pc,
    brill_data_loss,
    brill_exponents,
    brill_model_loss,
    brill_supercritical_exponents,
    critical_exponents,
    dof_allocation,
    dof_exponent_b,
    estimate_tau,
    grow_bethe_cluster,
    hypercubic_threshold,
    k_break,
    label_clusters,
    n_clusters_kept,
    sample_bethe_cluster_sizes,
)


# ------------------------------------------------------------------ Bethe lattice
def test_bethe_threshold_and_numbers():
    assert bethe_pc(3) == 0.5 and np.isclose(bethe_pc(200), 1 / 199)
    # s = 1: g_1 = 1, n_1 = p (1-p)^z ; s = 2: g_2 = z(z-1)/2 ... (dimers: z/2 bonds per site)
    p, z = 0.3, 5
    assert np.isclose(bethe_cluster_numbers(np.array([1]), p, z)[0], p * (1 - p) ** z)
    assert np.isclose(bethe_cluster_numbers(np.array([2]), p, z)[0], z / 2 * p**2 * (1 - p) ** (2 * z - 2))
    # below p_c: sum_s s n_s = p (every occupied site is in a finite cluster); S from the sum
    s = np.arange(1, 20000, dtype=float)
    ns = bethe_cluster_numbers(s, 0.2, 4)
    assert np.isclose((s * ns).sum(), 0.2, rtol=1e-8)
    assert np.isclose((s * s * ns).sum() / 0.2, bethe_mean_cluster_size(0.2, 4), rtol=1e-6)
    # at p_c the ratio n_s s^(5/2) tends to a constant
    r = bethe_cluster_numbers(np.array([1e4, 1e5]), bethe_pc(4), 4) * np.array([1e4, 1e5]) ** 2.5
    assert abs(r[1] / r[0] - 1) < 2e-3


def test_bethe_sampled_mean_size():
    """Reference case 3: z = 4, p = 0.25 -> S = 5.000 (3 sigma over 1e5 clusters)."""
    s = sample_bethe_cluster_sizes(0.25, 4, np.random.default_rng(1), 100_000)
    assert abs(s.mean() - 5.0) < 3 * s.std() / np.sqrt(s.size)


def test_grown_cluster_law_matches_exact():
    rng = np.random.default_rng(2)
    sizes = np.array([grow_bethe_cluster(0.3, 4, rng).size for _ in range(4000)])
    ss = np.arange(1, 6)
    pred = ss * bethe_cluster_numbers(ss, 0.3, 4) / 0.3  # size-biased law of the root's cluster
    obs = np.bincount(sizes, minlength=7)[1:6] / sizes.size
    assert np.all(np.abs(obs - pred) < 4 * np.sqrt(pred * (1 - pred) / sizes.size))
    c = grow_bethe_cluster(0.3, 4, rng)
    a = c.adjacency()
    assert a.nnz == 2 * (c.size - 1) and np.all(np.diff(c.depth) >= 0)
    assert np.all(c.depth[1:] == c.depth[c.parent[1:]] + 1)
    big = grow_bethe_cluster(0.5, 4, rng, s_max=1000)
    assert not big.complete and big.size > 1000


def test_sampled_sizes_tail_at_pc():
    """Size-biased law at p_c: P(S >= s) ~ s^(2 - tau) = s^(-1/2); the MLE on the sampled sizes
    (which follow s^(1 - tau)) gives tau - 1 = 3/2."""
    s = sample_bethe_cluster_sizes(1 / 199, 200, np.random.default_rng(3), 200_000, s_max=10**6)
    s = s[s <= 10**6]
    fit = estimate_tau(s, xmin=30, xmax=10**5)
    assert abs(fit.alpha - 1.5) < 4 * fit.sigma + 0.01


# ------------------------------------------------------------------ exponents
def test_critical_exponents_relations():
    e2 = critical_exponents(2)
    assert np.isclose(e2.tau, 187 / 91) and np.isclose(e2.D, 91 / 48)
    for d in (2, 3, 4, 5):
        e = critical_exponents(d)
        assert np.isclose(e.tau, 1 + d / e.D, rtol=1e-9)  # hyperscaling
        assert np.isclose(e.sigma, 1 / (e.beta + e.gamma), rtol=0.02)
        assert np.isclose(e.tau, 2 + e.beta / (e.beta + e.gamma), rtol=0.01)
    for d in (6, 7, 10):
        e = critical_exponents(d)
        assert (e.tau, e.sigma, e.D, e.nu, e.beta, e.gamma) == (2.5, 0.5, 4.0, 0.5, 1.0, 1.0)
    assert np.isclose(critical_exponents(3).D, 2.523, atol=2e-3)
    assert hypercubic_threshold(2, "bond") == 0.5
    with pytest.raises(ValueError, match="d must be an integer >= 1"):
        critical_exponents(0)


def test_square_site_threshold_consistent_with_sampling():
    """Crossing on an open 256^2 square lattice: well below p_c rarely, well above nearly always."""
    rng = np.random.default_rng(4)
    pc = hypercubic_threshold(2)

    def spans(p):
        cl = label_clusters(rng.random((256, 256)) < p)
        return np.intersect1d(cl.labels[0][cl.labels[0] > 0], cl.labels[-1]).size > 0

    assert sum(spans(pc - 0.04) for _ in range(10)) <= 1
    assert sum(spans(pc + 0.04) for _ in range(10)) >= 9


# ------------------------------------------------------------------ Brill
def test_brill_toy_exponents():
    e = brill_exponents(2.5, 2, 4)
    assert e.alpha == 1.0 and e.c_over_D == 0.5 and e.alpha_N == 0.5 and e.alpha_D == 0.5
    assert np.isclose(e.b, -1 / 3) and e.regime_D == "marginal" and e.regime_N == "manifold-limited"
    assert n_clusters_kept(2.5, 300, 3e7) == 316
    # reference: tau(d=2) = 187/91 -> alpha = 17.2; d >= 6, c = 4: alpha_N = 1, alpha_D = 0.5
    assert np.isclose(brill_exponents(187 / 91, 2, 91 / 48).alpha, 17.2, atol=0.05)
    e4 = brill_exponents(2.5, 4, 4)
    assert e4.alpha_N == 1.0 and e4.alpha_D == 0.5
    e2 = brill_exponents(187 / 91, 2, 91 / 48)
    assert np.isclose(e2.alpha_N, 1.055, atol=1e-3) and e2.regime_N == "manifold-limited"
    sc = brill_supercritical_exponents(2, 3)
    assert np.isclose(sc.alpha_N, 2 / 3) and sc.regime.startswith("supercritical")


def test_brill_loss_tables():
    """Reference case 1 (1 % relative)."""
    N = np.array([10, 100, 1e3, 1e4, 3e4])
    np.testing.assert_allclose(brill_model_loss(N, 1, 0.5), [0.6846, 0.3341, 0.1333, 0.0478, 0.0287], rtol=0.01)
    np.testing.assert_allclose(k_break(N, 1, 0.5), [4.8, 19.6, 94.0, 485.8, 1079.9], rtol=0.01)
    np.testing.assert_allclose(brill_data_loss(N, 1, 0.5), [0.6803, 0.3303, 0.1408, 0.0561, 0.0355], rtol=0.01)
    # degenerate case equals its closed form and is the limit of the general one
    np.testing.assert_allclose(brill_data_loss(N, 1, 0.5), (1 + 0.5 * np.log(N)) / np.sqrt(N), rtol=1e-12)
    np.testing.assert_allclose(brill_data_loss(N, 1, 0.5 * (1 + 1e-5)), brill_data_loss(N, 1, 0.5), rtol=1e-4)
    assert brill_model_loss(0.5, 1, 0.5) == 1.0 and brill_data_loss(1.0, 1, 0.5) == 1.0


@pytest.mark.parametrize("alpha,m,aN,aD", [(1, 2, 1.0, 0.5), (1, 0.1, 0.1, 0.1), (0.5, 2, 0.5, 1 / 3)])
def test_brill_asymptotic_exponents(alpha, m, aN, aD):
    """Reference case 2: local slopes over [1e8, 1e10] -> alpha_N, alpha_D (+-0.02)."""
    x = np.array([1e8, 1e10])
    sN = -np.diff(np.log(brill_model_loss(x, alpha, m)))[0] / np.log(100)
    sD = -np.diff(np.log(brill_data_loss(x, alpha, m)))[0] / np.log(100)
    assert abs(sN - aN) < 0.02 and abs(sD - aD) < 0.02


def test_k_break_and_allocation():
    b = dof_exponent_b(1, 0.5)
    k = k_break(np.array([5.0, 500.0]), 1, 0.5)
    np.testing.assert_allclose(k * (1 - k ** (-b)) / b, [5.0, 500.0], rtol=1e-9)
    assert np.isclose(k_break(500, 1, 0.5), 58.0, atol=0.5)  # reference: k_br(500) ~ 58
    kb0 = k_break(1000.0, 1, 1)  # b = 0: N = k ln k
    assert np.isclose(kb0 * np.log(kb0), 1000.0)
    n = dof_allocation(500, 1, 0.5, 316)
    assert (n > 0).sum() == 58 and np.all(np.diff(n[:58]) < 0)
    # the continuum normalisation of Eq. 26: integral of n_k over [1, k_br] equals N
    kk = np.linspace(1, float(k_break(500, 1, 0.5)), 200001)
    nk = b * 500 * kk ** (b - 1) / (k_break(500, 1, 0.5) ** b - 1)
    assert np.isclose(np.trapezoid(nk, kk), 500, rtol=1e-6)


def test_brill_bad_input():
    with pytest.raises(ValueError, match=r"tau must be in \(2, 3\)"):
        brill_exponents(3.2, 2, 4)
    with pytest.raises(ValueError, match="c must be a finite number > 0"):
        brill_exponents(2.5, 0, 4)
    with pytest.raises(ValueError, match=r"z must be an integer in \[3, 1000000\]"):
        bethe_pc(2)
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\]"):
        grow_bethe_cluster(-0.1, 4, np.random.default_rng(0))


# ------------------------------------------------------------------ FSS estimators
def test_estimate_pc_from_wrapping():
    from nsl.theory.percolation import estimate_pc, newman_ziff_sweep

    rng = np.random.default_rng(8)
    first = {L: np.array([newman_ziff_sweep((L, L), rng, periodic=True).first_span[1] for _ in range(40)])
             for L in (32, 64)}
    est = estimate_pc(first, {L: L * L for L in first}, 0.521058290, n_boot=100, rng=0)
    assert est.ci[0] - 0.003 <= hypercubic_threshold(2) <= est.ci[1] + 0.003
    assert est.ci[1] - est.ci[0] < 0.03


def test_estimate_fractal_dimension_and_binned_tau():
    from nsl.theory.percolation import estimate_fractal_dimension, estimate_tau_binned

    rng = np.random.default_rng(9)
    pc = hypercubic_threshold(2)
    Ls = np.array([32, 64, 128, 256])
    M = np.array([[label_clusters(rng.random((L, L)) < pc, periodic=True).largest for L in Ls] for _ in range(8)])
    fit = estimate_fractal_dimension(Ls, M, n_boot=300, rng=0)
    assert fit.alpha_ci[0] - 0.1 <= 91 / 48 <= fit.alpha_ci[1] + 0.1
    sizes = [label_clusters(rng.random((512, 512)) < pc, periodic=True).sizes for _ in range(4)]
    tb = estimate_tau_binned(sizes, 512**2, s_lo=16, s_hi=2048, n_boot=300, rng=0)
    assert 1.95 < tb.alpha < 2.12
