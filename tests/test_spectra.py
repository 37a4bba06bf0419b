"""Empirical spectra, target power and the α_K fit (theory/spectra.py additions)."""
import numpy as np
import pytest

from nsl.theory.spectra import (NoPowerLawWindow, covariance_spectrum, fit_spectrum_exponent, gram_spectrum,
                                power_law_spectrum, spectrum_from_eigenvalues, target_power)


def test_core_api_unchanged():
    s = power_law_spectrum(10, 0.5, N=100)
    assert s.N == 100 and s.L == 10 and abs(s.trace - 100) < 1e-9
    assert spectrum_from_eigenvalues([2.0, 1.0, 1.0]).multiplicities.tolist() == [1, 2]


@pytest.mark.parametrize("alpha", [0.5, 1.0, 2.0])
def test_exact_power_law_fit(alpha):
    ev = np.arange(1, 3001.0) ** (-(1 + alpha))
    f = fit_spectrum_exponent(ev, n_boot=20, rng=0)
    assert abs(f.alpha - alpha) < 1e-6
    assert f.window[0] == 6 and f.window[1] == 3000  # skips the first 5 modes, keeps the clean tail


def test_covariance_spectrum_recovers_alpha():
    # sample covariance of Gaussian data with λ_i = i^-1.5 (α_K = 0.5): middle of the spectrum
    rng = np.random.default_rng(0)
    d, n = 600, 4000
    lam = np.arange(1, d + 1.0) ** -1.5
    X = rng.standard_normal((n, d)) * np.sqrt(lam)
    s = covariance_spectrum(X)
    f = fit_spectrum_exponent(s.values, n_samples=n, n_boot=50, rng=1)
    assert abs(f.alpha - 0.5) < 0.05, f.to_dict()
    assert f.alpha_ci[0] < f.alpha < f.alpha_ci[1]


def test_gram_and_covariance_agree_and_target_power():
    # linear kernel K = X Xᵀ: eigenvalues of K/n equal those of XᵀX/n; target power of y = X w
    rng = np.random.default_rng(1)
    n, d = 300, 40
    lam = np.arange(1, d + 1.0) ** -2
    X = rng.standard_normal((n, d)) * np.sqrt(lam)
    g = gram_spectrum(X @ X.T)
    c = covariance_spectrum(X, center=False)
    np.testing.assert_allclose(g.values[:d], c.values, rtol=1e-8)
    w = rng.standard_normal(d)
    y = X @ w
    v = target_power(g, y)
    assert abs(v.sum() - y @ y / n) < 1e-8 * (y @ y)  # Parseval
    # projecting onto the eigenvectors: v_k = η_k (w̄_k)² with w̄ the weights in the empirical eigenbasis
    Uc = c.vectors if c.vectors is not None else covariance_spectrum(X, center=False, vectors=True).vectors
    wbar = Uc.T @ w
    np.testing.assert_allclose(v[:d], c.values * wbar ** 2, rtol=1e-6, atol=1e-12)


def test_no_power_law_window_is_reported():
    with pytest.raises(NoPowerLawWindow):
        fit_spectrum_exponent(np.exp(-0.01 * np.arange(1, 3000)), n_boot=0)


@pytest.mark.parametrize("bad", [[1.0, -1.0, 0.5], [1.0, np.nan], [1.0, 0.0], [np.inf, 1.0]])
def test_bad_eigenvalues(bad):
    with pytest.raises(ValueError, match="eigenvalues"):
        fit_spectrum_exponent(np.array(bad * 20), n_boot=0)


def test_too_short_and_bad_window():
    with pytest.raises(ValueError, match="too short"):
        fit_spectrum_exponent(np.arange(1, 30.0) ** -2, n_boot=0)
    with pytest.raises(ValueError, match="window"):
        fit_spectrum_exponent(np.arange(1, 30.0) ** -2, window=(5, 100), n_boot=0)
