"""Symmetric plateau of the erf committee machine: fixed point, detection, escape (Saad & Solla 1995;
Worschech & Rosenow 2024 Sec. 5)."""
import numpy as np
import pytest

from nsl.theory.spectra import power_law_spectrum
from nsl.theory.two_layer.ode import solve_ode
from nsl.theory.two_layer.order_params import OrderParameters, random_initial_conditions
from nsl.theory.two_layer.plateaus import (detect_plateau, escape_rate, plateau_height_gradient_flow,
                                           symmetric_fixed_point)


@pytest.mark.parametrize("K,eta,noise,expected,tol", [
    (2, 0.1, False, 0.0116108, 1e-6), (2, 0.1, True, 0.012086, 1e-5), (2, 0.5, True, 0.014677, 1e-5),
    (3, 0.1, False, 0.0203, 1e-4)])
def test_symmetric_fixed_point_matches_reference_numbers(K, eta, noise, expected, tol):
    fp = symmetric_fixed_point(K, eta, sgd_noise=noise)
    assert abs(fp.eg - expected) < tol
    assert fp.residual < 1e-12
    if not noise:
        assert abs(fp.q_diag - 1 / (2 * K - 1)) < 1e-10 and abs(fp.r - 1 / np.sqrt(K * (2 * K - 1))) < 1e-10
        assert abs(fp.eg - plateau_height_gradient_flow(K)) < 1e-12


def _ideal_teacher_init(sp, K, seed):
    """Sampled student overlaps with the idealised teacher t^l = (m_l/N) I (so T = I exactly)."""
    op = random_initial_conditions(sp, K, K, sigma_J=0.01, rng=np.random.default_rng(seed))
    p = sp.multiplicities / sp.N
    return OrderParameters(op.q, op.r, p[:, None, None] * np.eye(K)[None])


def test_ode_plateau_height_equals_fixed_point_and_escape_shortens_with_L():
    heights, escapes, rates = [], [], []
    fp = symmetric_fixed_point(2, 0.1)
    for L in (1, 4):
        sp = power_law_spectrum(L, 1.0, N=1024)
        c = solve_ode(_ideal_teacher_init(sp, 2, 0), sp, eta=0.1, alpha_max=5000, n_alpha=300, alpha_min=1.0)
        info = detect_plateau(c.alpha, c.eg)
        assert info is not None
        heights.append(info.height)
        escapes.append(info.escape)
        rates.append(escape_rate(sp, 2, 0.1))
    assert abs(heights[0] / fp.eg - 1) < 0.01  # L = 1: the plateau sits at the fixed point
    assert abs(heights[1] / fp.eg - 1) < 0.10  # L = 4: close to it (slow eigenspaces lag)
    assert escapes[1] < escapes[0] and rates[1] > rates[0]


def test_detect_plateau_on_synthetic_curve_and_no_plateau():
    a = np.logspace(-1, 4, 400)
    eg = 0.3 * np.exp(-a / 2) + 0.01 / (1 + np.exp((a - 500) / 30)) + 1e-6
    info = detect_plateau(a, eg)
    assert info is not None and abs(info.height - 0.01) < 1e-3
    assert 480 < info.escape < 540
    assert detect_plateau(a, a ** -0.5) is None
    with pytest.raises(ValueError, match="alpha"):
        detect_plateau(a[::-1], eg)


def test_bad_input_plateaus():
    with pytest.raises(ValueError, match="K must"):
        symmetric_fixed_point(1, 0.1)
    with pytest.raises(ValueError, match="eta"):
        symmetric_fixed_point(2, -0.1)
    with pytest.raises(ValueError, match="prefactor"):
        symmetric_fixed_point(2, 0.1, prefactor="cube")


def test_specialised_phase_exponent_beta2():
    """erf, K = M = 2, L = N = 256, β = 2, η = 0.1: the tail after the escape decays as α^-β/(1+β) (0.05)."""
    from nsl.theory.two_layer.plateaus import specialised_phase_exponent

    sp = power_law_spectrum(256, 2.0, N=256)
    a = np.logspace(-1, 6, 160)
    c = solve_ode(random_initial_conditions(sp, 2, 2, rng=np.random.default_rng(0)), sp, eta=0.1, alpha=a)
    fp = symmetric_fixed_point(2, 0.1, spectrum=sp).eg
    fit = specialised_phase_exponent(a, c.eg, sp, eta=0.1, plateau_height=fp, n_boot=200, rng=1)
    assert fit.alpha_ci[0] - 0.05 <= 2 / 3 <= fit.alpha_ci[1] + 0.05
    with pytest.raises(ValueError, match="window"):
        specialised_phase_exponent(a[:60], c.eg[:60], sp, eta=0.1, plateau_height=fp)


def test_curve_rounding_below_zero_is_accepted_but_not_more():
    """An ODE on the ordinary overlaps at rtol 1e-8 ends at eg ~ -3e-10 (the two-layer suite's escape cells):
    accepted as 0; a clearly negative curve is refused naming eg."""
    from nsl.theory.two_layer.plateaus import escape_time

    alpha = np.logspace(-2, 4, 200)
    eg = 0.05 * np.exp(-alpha / 50.0) + 0.01 / (1 + (alpha / 300.0) ** 8)
    eg[-5:] = [1e-10, -1e-10, -2.8e-10, 0.0, -1e-12]
    tau = escape_time(alpha, eg, 0.01)
    assert 250 < tau < 400
    bad = eg.copy()
    bad[-1] = -1e-3
    with pytest.raises(ValueError, match="eg must hold numbers >= 0"):
        escape_time(alpha, bad, 0.01)
