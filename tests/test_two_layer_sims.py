"""Online SGD simulation against the order-parameter ODE and the linear closed form."""
import numpy as np
import pytest

from nsl.sims.online_sgd import DivergenceError, simulate_online_sgd
from nsl.theory.spectra import power_law_spectrum
from nsl.theory.two_layer.linear import linear_d0, linear_eg_exact
from nsl.theory.two_layer.ode import solve_ode
from nsl.theory.two_layer.order_params import random_initial_conditions


def _ode_for_seeds(sp, seeds, alpha, **kw):
    K, M = kw.pop("K"), kw.pop("M")
    sigma_J = kw.pop("sigma_J", 0.01)
    return np.stack([solve_ode(random_initial_conditions(sp, K, M, sigma_J=sigma_J, rng=np.random.default_rng(s)),
                               sp, alpha=alpha, **kw).eg for s in seeds])


def _agree(sim_eg, ode_eg, rel):
    """Mean over seeds within 3 standard errors of the seed spread plus a finite-N allowance ``rel``."""
    diff = np.abs(sim_eg.mean(0) - ode_eg.mean(0))
    sem = np.std(sim_eg - ode_eg, axis=0, ddof=1) / np.sqrt(sim_eg.shape[0])
    return diff <= 3 * sem + rel * ode_eg.mean(0)


def test_sim_starts_from_the_ode_initial_overlaps_and_is_reproducible():
    sp = power_law_spectrum(8, 1.0, N=64)
    a = simulate_online_sgd(sp, K=2, M=3, eta=0.3, alpha_max=2, seeds=[5, 7], n_alpha=5)
    b = simulate_online_sgd(sp, K=2, M=3, eta=0.3, alpha_max=2, seeds=[5, 7], n_alpha=5)
    np.testing.assert_array_equal(a.eg, b.eg)
    op = random_initial_conditions(sp, 2, 3, rng=np.random.default_rng(7))
    np.testing.assert_allclose(a.t[1], op.t, rtol=1e-12)
    assert a.eg.shape == (2, a.alpha.size) and a.q.shape == (2, a.alpha.size, 8, 2, 2)


def test_erf_sgd_tracks_ode_small_N():
    """N = 512, L = 16, K = M = 2, β = 1, η = 0.5, 6 seeds (reference note Sec. 5 case 6, smaller)."""
    sp = power_law_spectrum(16, 1.0, N=512)
    seeds = list(range(6))
    sim = simulate_online_sgd(sp, K=2, M=2, eta=0.5, alpha_max=40, seeds=seeds, n_alpha=12, alpha_min=0.5)
    ode = _ode_for_seeds(sp, seeds, sim.alpha, K=2, M=2, eta=0.5)
    ok = _agree(sim.eg, ode, rel=0.15)
    assert ok.all(), np.c_[sim.alpha, sim.eg.mean(0), ode.mean(0)]


def test_linear_sgd_matches_closed_form():
    """N = L = 256, K = M = 1, β = 1, η = 0.1 (reference note Sec. 4a: ~5% for one seed)."""
    sp = power_law_spectrum(256, 1.0, N=256)
    seeds = [0, 1, 2]
    sim = simulate_online_sgd(sp, K=1, M=1, eta=0.1, alpha_max=100, seeds=seeds, activation="linear", n_alpha=10,
                              alpha_min=0.3)
    exact = np.stack([linear_eg_exact(sim.alpha, linear_d0(random_initial_conditions(
        sp, 1, 1, rng=np.random.default_rng(s))), sp, eta=0.1) for s in seeds])
    assert _agree(sim.eg, exact, rel=0.08).all(), np.c_[sim.alpha, sim.eg.mean(0), exact.mean(0)]


def test_divergence_and_refusal_name_eta_and_bound():
    sp = power_law_spectrum(4, 1.0, N=64)
    with pytest.raises(ValueError, match="stability bound eta_c=2"):
        simulate_online_sgd(sp, K=1, M=1, eta=2.2, alpha_max=5, activation="linear")
    with pytest.raises(DivergenceError, match=r"eta=3.*eta_c=2"):
        simulate_online_sgd(sp, K=1, M=1, eta=[0.5, 3.0], alpha_max=200, activation="linear", allow_unstable=True)
    with pytest.raises(ValueError, match="eta"):
        simulate_online_sgd(sp, K=1, M=1, eta=-1.0, alpha_max=5)
    with pytest.raises(ValueError, match="device"):
        simulate_online_sgd(sp, K=1, M=1, eta=0.1, alpha_max=5, device="tpu")


@pytest.mark.slow
def test_erf_sgd_tracks_ode_N1024():
    """N = 1024, L = 16, K = M = 2, β = 1, η = 0.5, 8 seeds, α up to 200: within 3 SEM + 8%."""
    sp = power_law_spectrum(16, 1.0, N=1024)
    seeds = list(range(8))
    sim = simulate_online_sgd(sp, K=2, M=2, eta=0.5, alpha_max=200, seeds=seeds, n_alpha=20, alpha_min=0.5)
    ode = _ode_for_seeds(sp, seeds, sim.alpha, K=2, M=2, eta=0.5)
    assert _agree(sim.eg, ode, rel=0.08).all(), np.c_[sim.alpha, sim.eg.mean(0), ode.mean(0)]
