"""The two-layer theory (order_params, linear) and the online-SGD simulation on bad input (issue 14, item 4).

Representative cases per function: each bad value must raise the stated exception (``TypeError`` for the
wrong kind, ``ValueError`` for a value out of range) whose message names the argument, at the door: the
sizes that used to hang or exhaust memory (α_max·N = 6e13 steps, 10**12 seeds or units) fail in well under
a second.  The caps are arguments with defaults: a call above one names it, and raising it lets the call run.
"""
from __future__ import annotations


import numpy as np
import pytest
from fuzz_api_support import assert_refused, names_argument

from nsl.sims.online_sgd import DivergenceError, simulate_online_sgd
from nsl.theory.spectra import power_law_spectrum
from nsl.theory.two_layer import linear as lin
from nsl.theory.two_layer.order_params import order_parameters_from_weights, random_initial_conditions, sample_weights

SP = power_law_spectrum(8, 1.0, N=64)
NAN, INF = float("nan"), float("inf")
RAGGED = [[1, 2], [3]]


def _rng():
    return np.random.default_rng(0)


def _op():
    return random_initial_conditions(SP, 2, 2, rng=_rng())


def _d0():
    return np.full(8, 0.1)




# (function, valid keyword arguments (factory), argument, bad value, exception)
CASES = [
    (sample_weights, lambda: {"spectrum": SP, "K": 2, "M": 2, "rng": _rng()}, "K", 10**12, ValueError),
    (sample_weights, lambda: {"spectrum": SP, "K": 2, "M": 2, "rng": _rng()}, "M", True, TypeError),
    (sample_weights, lambda: {"spectrum": SP, "K": 2, "M": 2, "rng": _rng()}, "sigma_J", np.ones(3), TypeError),
    (sample_weights, lambda: {"spectrum": SP, "K": 2, "M": 2, "rng": _rng()}, "teacher", np.ones(3), TypeError),
    (sample_weights, lambda: {"spectrum": SP, "K": 2, "M": 2, "rng": _rng()}, "rng", 0, TypeError),
    (random_initial_conditions, lambda: {"spectrum": SP, "K": 2, "M": 2, "rng": _rng()}, "spectrum", 3.0, TypeError),
    (random_initial_conditions, lambda: {"spectrum": SP, "K": 2, "M": 2, "rng": _rng()}, "sigma_B", 1e300, ValueError),
    (random_initial_conditions, lambda: {"spectrum": SP, "K": 2, "M": 2, "rng": _rng()}, "sigma_B", NAN, ValueError),
    (order_parameters_from_weights, lambda: {"J": np.ones((2, 64)), "B": np.ones((2, 64)), "spectrum": SP}, "J",
     np.ones(3), ValueError),
    (order_parameters_from_weights, lambda: {"J": np.ones((2, 64)), "B": np.ones((2, 64)), "spectrum": SP}, "B",
     "x", TypeError),
    (order_parameters_from_weights, lambda: {"J": np.ones((2, 64)), "B": np.ones((2, 64)), "spectrum": SP}, "B",
     RAGGED, TypeError),
    (lin.linear_d0, lambda: {"op": _op()}, "op", 0.5, TypeError),
    (lin.linear_d0, lambda: {"op": _op()}, "v_student", RAGGED, TypeError),
    (lin.linear_d0, lambda: {"op": _op()}, "v_teacher", 1e300, ValueError),
    (lin.expected_d0, lambda: {"spectrum": SP}, "K", 10**12, ValueError),
    (lin.expected_d0, lambda: {"spectrum": SP}, "M", 8.7, ValueError),
    (lin.expected_d0, lambda: {"spectrum": SP}, "sigma_J", INF, ValueError),
    (lin.linear_drift_matrix, lambda: {"spectrum": SP, "eta": 0.5}, "eta", np.array([0.1, NAN]), TypeError),
    (lin.linear_drift_matrix, lambda: {"spectrum": SP, "eta": 0.5}, "V", 1e300, ValueError),
    (lin.linear_drift_matrix, lambda: {"spectrum": SP, "eta": 0.5}, "trainable", RAGGED, TypeError),
    (lin.linear_drift_matrix, lambda: {"spectrum": SP, "eta": 0.5}, "trainable", 9, ValueError),
    (lin.linear_eg_exact, lambda: {"alpha": [1.0, 10.0], "d0": _d0(), "spectrum": SP, "eta": 0.5}, "eta", 8.7,
     ValueError),  # far above the stability bound: eps_g overflows
    (lin.linear_eg_exact, lambda: {"alpha": [1.0, 10.0], "d0": _d0(), "spectrum": SP, "eta": 0.5}, "alpha", NAN,
     ValueError),
    (lin.linear_eg_exact, lambda: {"alpha": [1.0, 10.0], "d0": _d0(), "spectrum": SP, "eta": 0.5}, "V", INF,
     ValueError),
    (lin.linear_eg_expm, lambda: {"alpha": [1.0, 10.0], "d0": _d0(), "spectrum": SP, "eta": 0.5}, "d0", 0.5,
     ValueError),
    (lin.linear_eg_expm, lambda: {"alpha": [1.0, 10.0], "d0": _d0(), "spectrum": SP, "eta": 0.5}, "alpha", 1e300,
     ValueError),
    (lin.linear_eg_gradient_flow, lambda: {"alpha": [1.0], "d0": _d0(), "spectrum": SP, "eta": 0.5}, "d0",
     np.array([1.0, INF]), ValueError),
    (lin.linear_eg_infinity_truncated, lambda: {"d0": _d0(), "spectrum": SP, "n_trainable": 4, "eta": 0.5},
     "n_trainable", INF, ValueError),
    (lin.linear_eg_infinity_truncated, lambda: {"d0": _d0(), "spectrum": SP, "n_trainable": 4, "eta": 0.5},
     "V", 1e300, ValueError),  # above the stability bound of the trained block
    (lin.linear_stability_bound_exact, lambda: {"spectrum": SP}, "V", 0, ValueError),
    (lin.linear_window, lambda: {"spectrum": SP, "eta": 0.5}, "spectrum", np.ones(8), TypeError),
    (lin.linear_asymptote, lambda: {"alpha": np.array([1.0, 10.0]), "beta": 1.0, "L": 8, "N": 64, "eta": 0.5},
     "alpha", 0, ValueError),
    (lin.linear_asymptote, lambda: {"alpha": np.array([1.0, 10.0]), "beta": 1.0, "L": 8, "N": 64, "eta": 0.5},
     "beta", 1e300, ValueError),
    (lin.linear_asymptote, lambda: {"alpha": np.array([1.0, 10.0]), "beta": 1.0, "L": 8, "N": 64, "eta": 0.5},
     "normalize", np.ones(3), TypeError),
    (lin.trainable_law_curve, lambda: {"n_trainable": [2, 4], "beta": 1.0, "N": 64, "eta": 0.5}, "N", 10**12,
     ValueError),
    (lin.trainable_law_curve, lambda: {"n_trainable": [2, 4], "beta": 1.0, "N": 64, "eta": 0.5}, "n_trainable",
     np.array([1.0, NAN]), ValueError),
    (lin.trainable_law_curve, lambda: {"n_trainable": [2, 4], "beta": 1.0, "N": 64, "eta": 0.5}, "Dbar", INF,
     ValueError),
]


@pytest.mark.parametrize("fn, valid, arg, bad, exc", CASES,
                         ids=[f"{c[0].__name__}-{c[2]}={c[3]!r:.12}" for c in CASES])
def test_theory_refuses_bad_input_by_name(fn, valid, arg, bad, exc):
    kw = valid()
    fn(**kw)  # the valid call works
    kw[arg] = bad
    assert_refused(fn, kw, exc, arg)


SGD = {"spectrum": SP, "K": 2, "M": 2, "eta": 0.5, "alpha_max": 1.0}
SGD_CASES = [
    ("alpha_max", 1e12, ValueError),  # 6.4e13 steps: used to run for days
    ("alpha_max", 1e300, ValueError),
    ("alpha_max", np.ones(3), TypeError),
    ("seeds", 10**12, ValueError),  # used to build a 10**12-element seed list
    ("seeds", [[1, 2], [3]], TypeError),
    ("seeds", INF, ValueError),
    ("n_alpha", 10**12, ValueError),
    ("K", 10**12, ValueError),
    ("chunk", True, TypeError),
    ("threads", 10**12, ValueError),
    ("blowup", 0, ValueError),
    ("activation", np.ones(3), TypeError),
    ("device", np.ones(3), TypeError),
    ("alpha_min", "x", TypeError),
    ("sigma_B", 1e300, ValueError),
    ("v_student", "x", TypeError),
    ("trainable", [[1, 2], [3]], TypeError),
    ("teacher", np.ones(3), TypeError),
]


@pytest.mark.parametrize("arg, bad, exc", SGD_CASES, ids=[f"{a}={b!r:.12}" for a, b, _ in SGD_CASES])
def test_online_sgd_refuses_bad_input_by_name(arg, bad, exc):
    assert_refused(simulate_online_sgd, {**SGD, arg: bad}, exc, arg)


def test_caps_are_arguments_named_when_reached_and_raised_on_request():
    # sample_weights: K·N above max_weights names K; a larger max_weights lets the same call run
    assert_refused(sample_weights, {"spectrum": SP, "K": 20, "M": 2, "rng": _rng(), "max_weights": 1000}, ValueError, "K")
    assert sample_weights(SP, 20, 2, rng=_rng(), max_weights=2000)[0].shape == (20, 64)
    # online SGD: alpha_max·N above max_steps names alpha_max; the floats cap names what sets the size
    assert_refused(simulate_online_sgd, {**SGD, "alpha_max": 2.0, "max_steps": 100}, ValueError, "alpha_max")
    assert_refused(simulate_online_sgd, {**SGD, "seeds": 50, "max_floats": 10_000}, ValueError, "seeds")
    r = simulate_online_sgd(**{**SGD, "alpha_max": 2.0, "n_alpha": 3, "max_steps": 128})
    assert r.eg.shape == (1, 3) and np.all(np.isfinite(r.eg))


def test_divergence_is_a_value_error_naming_eta():
    with pytest.raises(ValueError) as info, np.errstate(invalid="ignore"):  # eps_g of the blown-up weights
        simulate_online_sgd(**{**SGD, "eta": 1e12})
    assert isinstance(info.value, DivergenceError) and names_argument(str(info.value), "eta")


def test_tiny_negative_d0_from_rounding_is_accepted():
    """linear_d0 subtracts overlaps; d^l of -1e-16 is rounding, not bad input."""
    d0 = _d0()
    d0[3] = -1e-16
    assert np.all(np.isfinite(lin.linear_eg_exact([1.0], d0, SP, eta=0.5)))
    with pytest.raises(ValueError, match="d0"):
        lin.linear_eg_exact([1.0], -_d0(), SP, eta=0.5)
