"""Arguments of the two-layer ODE, its Gaussian integrals and the plateau tools, checked at the door
(issue 14): bad values raise ValueError/TypeError naming the argument, a runaway integration stops
with an error instead of hanging, and the unchecked path the ODE uses gives the same numbers as the
checked public functions (Saad & Solla 1995; Worschech & Rosenow 2024, arXiv:2410.09005, Sec. 3)."""
import numpy as np
import pytest

from nsl.theory.spectra import Spectrum, power_law_spectrum
from nsl.theory.two_layer import integrals as it
from nsl.theory.two_layer.ode import IntegrationError, eg_from_covariances, log_alpha_grid, solve_ode
from nsl.theory.two_layer.order_params import random_initial_conditions
from nsl.theory.two_layer.plateaus import escape_time, specialised_phase_exponent, symmetric_fixed_point


def _psd4(rng):
    A = rng.standard_normal((4, 4))
    return A @ A.T / 4 + 0.2 * np.eye(4)


def test_checked_and_unchecked_integrals_agree_on_valid_covariances():
    rng = np.random.default_rng(0)
    C = np.stack([_psd4(rng) for _ in range(20)])
    args = [C[:, i, j] for i, j in ((0, 0), (0, 1), (0, 2), (0, 3), (1, 1), (1, 2), (1, 3), (2, 2), (2, 3), (3, 3))]
    np.testing.assert_array_equal(it.i4_erf(*args), it.unchecked(it.i4_erf)(*args))
    np.testing.assert_array_equal(it.i2_erf(C[:, 0, 0], C[:, 0, 1], C[:, 1, 1]),
                                  it.i2_erf(C[:, 0, 0], C[:, 0, 1], C[:, 1, 1], check=False))
    np.testing.assert_array_equal(it.psi_erf(C[:, 0, 0], C[:, 0, 1], C[:, 1, 1]),
                                  it.unchecked(it.psi_erf)(C[:, 0, 0], C[:, 0, 1], C[:, 1, 1]))
    assert it.unchecked(lambda x: x) is not None  # a function without ``check`` is returned as is


@pytest.mark.parametrize("kw,name", [
    (dict(c11=-1.0), "c11"), (dict(c11=np.nan), "c11"), (dict(c22=np.inf), "c22"), (dict(c12=2.0), "c12"),
    (dict(c12="x"), "c12"), (dict(c12=[[1, 2], [3]]), "c12"),
])
def test_i2_refuses_what_is_not_a_covariance(kw, name):
    args = {**dict(c11=1.0, c12=0.5, c22=1.0), **kw}
    with pytest.raises((ValueError, TypeError), match=name):
        it.i2_erf(**args)


def test_i4_on_a_non_positive_semidefinite_covariance_raises_naming_the_entries():
    # pairwise Cauchy-Schwarz holds, the 4x4 matrix does not: u3 = -u1 but Cov(u2, u3) = +Cov(u1, u2)
    c = dict(c11=1.0, c12=0.9, c13=-1.0, c14=0.0, c22=1.0, c23=0.9, c24=0.0, c33=1.0, c34=0.0, c44=1.0)
    with pytest.raises(ValueError, match="c13"):
        it.i4_erf(**c)
    assert np.isfinite(it.i4_erf(**c, check=False))  # the unchecked formula returns a number all the same


def test_difference_functions_check_the_changed_covariance():
    with pytest.raises(ValueError, match="dcab"):
        it.i2_erf_difference(1.0, 0.0, 1.0, 0.5, 1.0)  # Cov + change exceeds Cauchy-Schwarz
    with pytest.raises(ValueError, match="ds"):
        it.arcsin_difference(0.3, 0.31, 0.5)  # ds is not s_new - s
    with pytest.raises(ValueError, match="dx"):
        it.inv_sqrt_difference(1.0, -2.0)


def test_eg_from_covariances_checks_shapes_and_covariances():
    with pytest.raises(ValueError, match="Q"):
        eg_from_covariances(np.ones(3), np.eye(2), np.eye(2))
    with pytest.raises(ValueError, match="R"):
        eg_from_covariances(np.eye(2), 3 * np.eye(2), np.eye(2))
    with pytest.raises(TypeError, match="activation"):
        eg_from_covariances(np.eye(2), 0.5 * np.eye(2), np.eye(2), activation=[1])
    assert eg_from_covariances(np.eye(2), np.eye(2), np.eye(2)) == pytest.approx(0.0, abs=1e-15)


def _small():
    sp = power_law_spectrum(8, 1.0, N=64)
    return sp, random_initial_conditions(sp, 2, 2, rng=np.random.default_rng(0))


@pytest.mark.parametrize("kw,name", [
    (dict(alpha_max=1e300), "alpha_max"), (dict(alpha_max=10**12), "alpha_max"), (dict(n_alpha=10**12), "n_alpha"),
    (dict(eta=1e12), "eta"), (dict(v_student=10**12), "v_student"), (dict(v_teacher=10**12), "v_teacher"),
    (dict(v_student=1e300), "v_student"), (dict(method=[1]), "method"), (dict(rtol=np.array([1.0, 2.0])), "rtol"),
    (dict(alpha=np.array([1.0, np.nan, 2.0]), alpha_max=None), "alpha"), (dict(residual_below=None), "residual_below"),
])
def test_solve_ode_refuses_at_the_door(kw, name):
    sp, init = _small()
    args = dict(eta=0.5, alpha_max=2.0, n_alpha=10)
    args.update(kw)
    with pytest.raises((ValueError, TypeError), match=name):
        solve_ode(init, sp, **args)


def test_runaway_overlaps_stop_with_an_error_naming_eta():
    """Linear network far above its stability bound (allowed explicitly): the overlaps grow
    exponentially; the integration stops at max_overlap instead of running to overflow."""
    sp = Spectrum(np.array([1.0]), np.array([100]))
    init = random_initial_conditions(sp, 1, 1, sigma_J=0.5, rng=np.random.default_rng(1))
    with pytest.raises(IntegrationError, match="eta") as exc:
        solve_ode(init, sp, activation="linear", eta=5.0, alpha_max=200.0, n_alpha=5, allow_unstable=True,
                  max_overlap=1e6)
    assert isinstance(exc.value, ValueError)


def test_log_alpha_grid_and_plateau_tools_name_their_arguments():
    with pytest.raises(ValueError, match="n_alpha"):
        log_alpha_grid(10.0, 10**12)
    with pytest.raises(TypeError, match="alpha_min"):
        log_alpha_grid(10.0, 10, alpha_min=np.ones(3))
    a = np.geomspace(1e-2, 1e2, 50)
    with pytest.raises(ValueError, match="alpha"):
        escape_time(1e300, 0.3 * np.exp(-a), 0.2)
    with pytest.raises(ValueError, match="K"):
        symmetric_fixed_point(10**12, 0.1)
    with pytest.raises(ValueError, match="n_boot"):
        specialised_phase_exponent(np.geomspace(1e-2, 1e4, 200), 0.3 * np.geomspace(1e-2, 1e4, 200) ** -0.5,
                                   power_law_spectrum(64, 1.0, N=64), eta=0.01, plateau_height=0.2, n_boot=10**12)
