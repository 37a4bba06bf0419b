"""Spectral learning curve (theory/learning_curves.py) against simulated kernel ridge regression."""
import numpy as np
import pytest

from nsl.theory.fitting import fit_power_law
from nsl.theory.learning_curves import (asymptotic_exponent, learning_curve, noise_floor, per_sample_ridge_floor,
                                        solve_kappa)


def test_v7_reference_value():
    # reference note V7: η = v = k^-2, K = 4000, λ = 0, D = 100 → E_g ≈ 0.0239
    k = np.arange(1, 4001.0)
    lc = learning_curve(k ** -2, k ** -2, 100)
    assert abs(lc.error[0] - 0.0239) < 5e-4


def test_kappa_equation_holds_and_merge_is_accurate():
    k = np.arange(1, 20001.0)
    eta = k ** -1.7
    D = np.geomspace(5, 5000, 13)
    ridge = np.geomspace(1e-4, 1.0, 13)
    kap = solve_kappa(eta, D, ridge=ridge)
    resid = kap - ridge - kap * (eta[None, :] / (D[:, None] * eta[None, :] + kap[:, None])).sum(1)
    assert np.max(np.abs(resid) / kap) < 1e-10
    a = learning_curve(eta, k ** -2.5, D, ridge=ridge, noise=0.3)
    b = learning_curve(eta, k ** -2.5, D, ridge=ridge, noise=0.3, merge_rtol=0.0)
    np.testing.assert_allclose(a.error, b.error, rtol=1e-5)


def test_simulated_krr_ridgeless_and_ridge_noise():
    from nsl.sims.random_features import simulate_krr

    k = np.arange(1, 2001.0)
    eta = v = k ** -2.0
    D = [20, 40, 80, 160]
    sim = simulate_krr(eta, v, D, n_seeds=24, seed=3)
    th = learning_curve(eta, v, D).error
    ratio = sim.mean(0) / th
    se = sim.std(0, ddof=1) / np.sqrt(sim.shape[0]) / sim.mean(0)
    # theory within 10 % (reference: ±10 % per point) or 3 standard errors
    assert np.all(np.abs(ratio - 1) < np.maximum(0.10, 3 * se)), (ratio, se)
    sim = simulate_krr(eta, v, D, n_seeds=24, seed=4, ridge=1e-2, noise=0.1)
    th = learning_curve(eta, v, D, ridge=1e-2, noise=0.1).error
    ratio = sim.mean(0) / th
    se = sim.std(0, ddof=1) / np.sqrt(sim.shape[0]) / sim.mean(0)
    assert np.all(np.abs(ratio - 1) < np.maximum(0.06, 3 * se)), (ratio, se)


@pytest.mark.parametrize("b,a", [(2.0, 2.0), (1.5, 3.0), (2.0, 6.0)])
def test_exponent_min_a_minus_1_2b(b, a):
    k = np.arange(1, 100001.0)
    D = np.geomspace(25, 400, 8)
    lc = learning_curve(k ** -b, k ** -a, D)
    fit = fit_power_law(D, lc.error, offset=False, n_boot=0)
    pred = asymptotic_exponent(b, a)
    assert abs(fit.alpha - pred.exponent) < 0.1
    assert ("saturation" in pred.limited_by) == (a - 1 > 2 * b)


def test_floors():
    k = np.arange(1, 10 ** 6 + 1.0)
    eta = k ** -2.0
    lc = learning_curve(eta, eta, [1000.0, 3000.0], noise=0.5)
    # ridgeless noise: variance term → σ²(b − 1) = 0.5 (continuum, finite K corrections < 1 %)
    assert np.all(np.abs(lc.variance / noise_floor(2.0, 0.5) - 1) < 0.01)
    r = asymptotic_exponent(2.0, 2.0, noise=0.5)
    assert r.exponent is None and abs(r.floor - 0.5) < 1e-12
    # a fixed per-sample ridge λ' (ridge = D λ'): E_g → Σ v λ'²/(η+λ')²
    lp = 1e-3
    D = np.array([1e5, 3e5])
    lc = learning_curve(eta[:200000], eta[:200000], D, ridge=D * lp)
    fl = per_sample_ridge_floor(eta[:200000], eta[:200000], lp)
    assert np.all(np.abs(lc.error / fl - 1) < 0.02)


def test_bad_input():
    k = np.arange(1, 101.0)
    with pytest.raises(ValueError, match="D must be < the number of non-zero modes"):
        learning_curve(k ** -2, k ** -2, 100)
    with pytest.raises(ValueError, match="ridge"):
        learning_curve(k ** -2, k ** -2, 10, ridge=-1.0)
    with pytest.raises(ValueError, match="noise"):
        learning_curve(k ** -2, k ** -2, 10, noise=-0.1)
    with pytest.raises(ValueError, match="eigenvalues"):
        learning_curve(np.r_[k[:-1] ** -2, 0.0], k ** -2, 10)
    with pytest.raises(ValueError, match="b"):
        asymptotic_exponent(1.0, 2.0)


def test_fixed_ridge_exponent_crossover():
    # fixed λ in (K + λI): once κ → λ the exponent becomes min(a−1, 2b)/b (b = a = 2: 1 → 1/2) [derived]
    k = np.arange(1, 10 ** 6 + 1.0)
    eta = k ** -2.0
    D = np.geomspace(3e4, 3e5, 6)
    lc = learning_curve(eta, eta, D, ridge=1e-2)
    slope = -np.polyfit(np.log(D), np.log(lc.error), 1)[0]
    pred = asymptotic_exponent(2.0, 2.0, ridge=1e-2)
    assert abs(slope - pred.exponent) < 0.06 and pred.exponent == 0.5
    assert np.all(np.abs(lc.kappa / 1e-2 - 1) < 0.1)  # κ has reached the ridge


def test_series_sums_equal_direct_summation():
    """The binned Taylor-series evaluation of the mode sums (default) against plain summation over
    every mode: spectra with 7 and 40 decades, counts, unsorted input, ridge and noise."""
    rng = np.random.default_rng(11)
    cases = [np.arange(1, 30001.0) ** -2.3, rng.lognormal(0.0, 20.0, 4000)]
    for eta in cases:
        v = rng.random(eta.size) * eta
        D = np.geomspace(3, eta.size / 3, 17)
        for ridge in (0.0, np.geomspace(1e-9, 1e-2, 17)):
            a = learning_curve(eta, v, D, ridge=ridge, noise=0.2)
            b = learning_curve(eta, v, D, ridge=ridge, noise=0.2, method="direct")
            for name in ("kappa", "gamma", "bias", "variance", "error"):
                np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-11, err_msg=name)
    cnt = rng.integers(1, 5, 500).astype(float)
    eta = rng.lognormal(0.0, 3.0, 500)
    np.testing.assert_allclose(solve_kappa(eta, [10.0, 100.0], counts=cnt),
                               solve_kappa(eta, [10.0, 100.0], counts=cnt, method="direct"), rtol=1e-11)
    with pytest.raises(ValueError, match="method"):
        learning_curve(eta, eta, 10, method="fast")
