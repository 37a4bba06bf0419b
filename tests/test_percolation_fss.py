"""Fisher exponent with a correction to scaling: recovers tau from sizes drawn from a known law."""
import numpy as np
import pytest

from nsl.theory.percolation import estimate_tau_fss


def _draw(tau, B, omega, n, rng, s_max=10**5):
    s = np.arange(1, s_max + 1, dtype=float)
    pmf = s**-tau * (1 + B * s**-omega)
    cdf = np.cumsum(pmf / pmf.sum())
    return np.searchsorted(cdf, rng.random(n)).astype(np.int64) + 1


@pytest.mark.parametrize("tau,B,omega", [(187 / 91, -0.8, 72 / 91), (2.189, -1.0, 0.64)])
def test_recovers_tau_with_strong_correction(tau, B, omega):
    rng = np.random.default_rng(0)
    lattices = [_draw(tau, B, omega, 400_000, rng) for _ in range(6)]
    est = estimate_tau_fss(lattices, 10**6, omega=omega, s_lo=4, s_hi=2000, n_boot=100, rng=1)
    assert est.ci[0] - 0.005 <= tau <= est.ci[1] + 0.005
    assert abs(est.tau - tau) < 0.02
    assert est.B == pytest.approx(B, abs=0.4)
    # the plain power law over the same window is biased low, which the correction removes
    assert est.tau_uncorrected < tau - 0.02


def test_bad_input():
    s = [np.array([1, 2, 3]), np.array([1, 1, 2])]
    with pytest.raises(ValueError, match="sizes_per_lattice"):
        estimate_tau_fss([np.arange(1, 10)], 100, d=2)
    with pytest.raises(ValueError, match="omega"):
        estimate_tau_fss(s, 100, d=5)
    with pytest.raises(ValueError, match="n_sites"):
        estimate_tau_fss(s, float("nan"), d=2)
    with pytest.raises(ValueError, match="s_hi"):
        estimate_tau_fss(s, 100, d=2, s_lo=10, s_hi=5)
    with pytest.raises(ValueError, match="sizes_per_lattice\\[0\\]"):
        estimate_tau_fss([np.array([1.0, np.nan]), np.array([1, 2])], 100, d=2)
