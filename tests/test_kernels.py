"""NNGP / NTK recursion (theory/kernels.py) against Monte Carlo expectations and empirical wide networks."""
import numpy as np
import pytest

from nsl.theory.kernels import fc_kernels


@pytest.mark.parametrize("activation", ["relu", "erf"])
def test_layer_expectation_against_monte_carlo(activation):
    # one hidden layer: NNGP = σ_w² E[φ(u)φ(v)] + σ_b² with (u, v) Gaussian of covariance K^1
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 6))
    sw2, sb2 = 1.7, 0.2
    k = fc_kernels(X, depth=1, activation=activation, sigma_w2=sw2, sigma_b2=sb2)
    K1 = sw2 * X @ X.T / 6 + sb2
    L = np.linalg.cholesky(K1 + 1e-12 * np.eye(3))
    u = rng.standard_normal((400000, 3)) @ L.T
    from scipy.special import erf
    phi = np.maximum(u, 0) if activation == "relu" else erf(u)
    mc = sw2 * phi.T @ phi / u.shape[0] + sb2
    np.testing.assert_allclose(k.nngp, mc, rtol=0.01, atol=0.01 * np.abs(mc).max())


def test_relu_depth1_closed_form():
    # depth 1, ReLU: K̇(x, x) = σ_w²/2, so Θ(x, x) = K²(x, x) + (σ_w²/2) K¹(x, x) with K² = σ_w² K¹/2 + σ_b²
    X = np.random.default_rng(1).standard_normal((4, 5))
    k = fc_kernels(X, depth=1, sigma_w2=2.0, sigma_b2=0.1)
    K1 = 2.0 * np.sum(X * X, 1) / 5 + 0.1
    np.testing.assert_allclose(np.diag(k.nngp), K1 + 0.1, rtol=1e-12)
    np.testing.assert_allclose(np.diag(k.ntk), 2 * K1 + 0.1, rtol=1e-12)


@pytest.mark.parametrize("activation,sw2", [("relu", 2.0), ("erf", 1.5)])
def test_ntk_against_empirical_wide_network(activation, sw2):
    from nsl.sims.teacher_student import empirical_kernels

    X = np.random.default_rng(2).standard_normal((3, 10))
    k = fc_kernels(X, depth=2, activation=activation, sigma_w2=sw2, sigma_b2=0.1)
    emp = [empirical_kernels(X, depth=2, width=2048, activation=activation, sigma_w2=sw2, sigma_b2=0.1, seed=s)
           for s in range(4)]
    for j, th in ((0, k.nngp), (1, k.ntk)):
        E = np.array([e[j] for e in emp])
        scale = np.sqrt(np.outer(np.diag(th), np.diag(th)))
        err = np.abs(E.mean(0) - th) / scale
        se = E.std(0, ddof=1) / np.sqrt(len(emp)) / scale
        # the finite-width mean agrees within 4 standard errors and 6 % of the diagonal scale
        assert np.all(err <= np.maximum(4 * se, 0.01)), (err, se)
        assert err.max() < 0.06


def test_bad_input():
    X = np.ones((2, 3))
    with pytest.raises(ValueError, match="depth"):
        fc_kernels(X, depth=0)
    with pytest.raises(ValueError, match="activation"):
        fc_kernels(X, activation="tanh")
    with pytest.raises(ValueError, match="sigma_w2"):
        fc_kernels(X, sigma_w2=0.0)
