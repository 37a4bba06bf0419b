"""The four regimes: exponents, the random-feature deterministic equivalent, duality, classification."""
import math

import numpy as np
import pytest

from nsl.theory.learning_curves import learning_curve
from nsl.theory.regimes import (c_alpha, classify_regime, finite_size_factor, manifold_exponent, predict_regimes,
                                rf_kappa, rf_limit_loss, rf_loss, variance_limited_exponent)


def test_predicted_exponents():
    p = predict_regimes(alpha_K=0.7).to_dict()
    assert p["resolution-limited (data)"] == p["resolution-limited (model)"] == 0.7
    assert p["variance-limited (data)"] == p["variance-limited (model)"] == 1.0
    q = predict_regimes(d=8, model="deep").to_dict()
    assert q["resolution-limited (data)"] == 0.5 and q["variance-limited (model)"] == 0.5
    assert manifold_exponent(4) == 1.0 and variance_limited_exponent("width", "deep") == 1.0
    with pytest.raises(ValueError, match="exactly one"):
        predict_regimes(alpha_K=1.0, d=3)
    with pytest.raises(ValueError, match="alpha_K"):
        predict_regimes(alpha_K=-1.0)


def test_kappa_n_definition_and_kernel_identity():
    lam = np.arange(1, 3001.0) ** -2
    n = np.array([10.0, 100.0, 500.0])
    k = rf_kappa(lam, n)
    np.testing.assert_allclose((lam[None] / (lam[None] + k[:, None])).sum(1), n, rtol=1e-10)
    # ℒ_∞(n) = n κ_n equals the ridgeless spectral learning curve at D = n with v = λ (exact identity)
    np.testing.assert_allclose(rf_limit_loss(lam, n), learning_curve(lam, lam, n, merge_rtol=0).error, rtol=1e-9)


@pytest.mark.parametrize("alpha,c", [(0.5, 3.761), (1.0, math.pi ** 2 / 4), (2.0, 1.768)])
def test_c_alpha_constants(alpha, c):
    # reference V11: c_α values, and n^α ℒ_∞(n) → c_α (99 % at n = 100 for α = 1)
    assert abs(c_alpha(alpha) - c) < 1e-3
    lam = np.arange(1, 10 ** 6 + 1.0) ** -(1 + alpha)
    n = 300.0  # the 10^6-mode truncation costs ~4 % at n = 2000 for α = 0.5
    assert abs(rf_limit_loss(lam, n)[0] * n ** alpha / c_alpha(alpha) - 1) < 0.02


def test_duality_and_peak():
    lam = np.arange(1, 3001.0) ** -2
    a, b = np.array([20, 50, 100]), np.array([200, 400, 30])
    np.testing.assert_allclose(rf_loss(lam, a, b), rf_loss(lam, b, a), rtol=1e-12)
    assert np.isinf(rf_loss(lam, 100, 100)) and np.isinf(rf_loss(lam, 100, 101))
    assert finite_size_factor(1000, 10) == pytest.approx(999 / 989)
    assert finite_size_factor(1000, 10, exact=False) == pytest.approx(1000 / 990)


def test_rf_loss_matches_simulation():
    from nsl.sims.random_features import simulate_random_features

    lam = np.arange(1, 1501.0) ** -2
    P, D = [20, 300], [40, 300]
    sim = simulate_random_features(lam, P, D, n_seeds=16, seed=11)
    th = rf_loss(lam, np.array(P)[:, None], np.array(D)[None, :])
    mean = sim["loss"].mean(0)
    for i, j in [(0, 1), (1, 0)]:  # away from the peak: max/min >= 7.5; note §2.1.2 says 3–8 %
        assert abs(mean[i, j] / th[i, j] - 1) < 0.12, (mean, th)
    # the exact factors relative to the per-seed limits (E ℒ = E ℒ_lim · factor; reference: within 1.2 % over 300 seeds)
    r_ker = mean[0, 1] / sim["loss_proj"].mean(0)[0]
    assert abs(r_ker / finite_size_factor(20, 300) - 1) < 0.05


def test_classify():
    out = classify_regime(np.array([1000, 1000, 10]), np.array([10, 500, 1000]), vary="D")
    assert out.tolist() == ["resolution-limited (data)", "crossover", "variance-limited (data)"]
    assert classify_regime(10, 1000, vary="P").item() == "resolution-limited (model)"
    assert classify_regime(1000, 900, vary="P", S=2000).item() == "saturated"
    with pytest.raises(ValueError, match="vary"):
        classify_regime(1, 2, vary="x")


def test_bad_input():
    lam = np.arange(1, 101.0) ** -2
    with pytest.raises(ValueError, match="P must be <= S"):
        rf_loss(lam, 200, 10)
    with pytest.raises(ValueError, match="n must be in"):
        rf_kappa(lam, 100)
