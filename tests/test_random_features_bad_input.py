"""The random-feature and kernel simulations (sims/random_features, sims/teacher_student.empirical_kernels)
on bad input (issue 14, item 4).

Representative cases per function: each bad value must raise the stated exception (``TypeError`` for the
wrong kind, ``ValueError`` for a value out of range) whose message names the argument, at the door: the
sizes that used to hang or exhaust memory (10**12 seeds, D, depth or width) fail in well under a second,
and kernels that overflow are refused instead of returned as inf.  The size caps are arguments
(``max_floats``): a call above one names what sets the size, and raising it lets the call run.
"""
from __future__ import annotations


import numpy as np
import pytest
from fuzz_api_support import assert_refused

from nsl.sims.random_features import simulate_krr, simulate_random_features
from nsl.sims.teacher_student import empirical_kernels

NAN, INF = float("nan"), float("inf")
RAGGED = [[1, 2], [3]]
EV = np.arange(1, 17, dtype=float) ** -1.5




RF = {"eigenvalues": EV, "P_values": [4, 8], "D_values": [4, 8], "n_seeds": 2, "seed": 0}
KRR = {"eigenvalues": EV, "target_power": EV ** 1.2, "D_values": [4, 8], "n_seeds": 2, "seed": 0}
KER = {"X": np.random.default_rng(0).standard_normal((6, 3)), "depth": 1, "width": 16}

# (function, valid keyword arguments, argument, bad value, exception)
CASES = [
    (simulate_random_features, RF, "n_seeds", 10**12, ValueError),  # used to hang spawning seeds
    (simulate_random_features, RF, "n_seeds", True, TypeError),
    (simulate_random_features, RF, "D_values", 10**12, ValueError),  # used to ask torch for 128 TB
    (simulate_random_features, RF, "D_values", INF, ValueError),
    (simulate_random_features, RF, "P_values", 1e300, ValueError),
    (simulate_random_features, RF, "eigenvalues", np.ones((2, 2, 2)), ValueError),
    (simulate_random_features, RF, "eigenvalues", "x", TypeError),
    (simulate_random_features, RF, "ridge", np.array([1.0, NAN]), TypeError),
    (simulate_random_features, RF, "noise", NAN, ValueError),
    (simulate_random_features, RF, "seed", -1, ValueError),
    (simulate_random_features, RF, "seed", INF, ValueError),
    (simulate_random_features, RF, "seed_chunk", 0, ValueError),
    (simulate_random_features, RF, "teacher_scale", RAGGED, TypeError),
    (simulate_random_features, RF, "device", np.ones(3), TypeError),
    (simulate_krr, KRR, "n_seeds", 10**12, ValueError),
    (simulate_krr, KRR, "target_power", "x", TypeError),
    (simulate_krr, KRR, "eigenvalues", 8.7, ValueError),  # one eigenvalue: no target power per mode
    (simulate_krr, KRR, "seed_chunk", 8.7, ValueError),
    (simulate_krr, KRR, "D_values", 1e300, ValueError),
    (empirical_kernels, KER, "depth", 10**12, ValueError),  # used to build a 10**12-layer list
    (empirical_kernels, KER, "width", 10**12, ValueError),
    (empirical_kernels, KER, "width", True, TypeError),
    (empirical_kernels, KER, "sigma_w2", INF, ValueError),  # used to return inf kernels
    (empirical_kernels, KER, "sigma_w2", 1e300, ValueError),  # overflows inside: refused, not returned
    (empirical_kernels, KER, "sigma_b2", -1, ValueError),
    (empirical_kernels, KER, "activation", np.ones(3), TypeError),
    (empirical_kernels, KER, "seed", np.ones(3), TypeError),
    (empirical_kernels, KER, "device", "x", ValueError),
    (empirical_kernels, KER, "X", RAGGED, TypeError),
]


@pytest.mark.parametrize("fn, valid, arg, bad, exc", CASES,
                         ids=[f"{c[0].__name__}-{c[2]}={c[3]!r:.12}" for c in CASES])
def test_refuses_bad_input_by_name(fn, valid, arg, bad, exc):
    assert_refused(fn, {**valid, arg: bad}, exc, arg)


def test_valid_calls_return_finite_results():
    r = simulate_random_features(**RF)
    assert all(np.all(np.isfinite(r[k])) for k in ("loss", "loss_proj", "loss_ker", "teacher_norm"))
    assert np.all(np.isfinite(simulate_krr(**KRR)))
    nngp, ntk = empirical_kernels(**KER)
    assert np.all(np.isfinite(nngp)) and np.all(np.isfinite(ntk))


def test_floats_cap_is_an_argument():
    # one seed holds (8 + 8)·16 + 8·8 + 8² = 384 floats: a cap of 300 names the sizes, 400 runs
    assert_refused(simulate_random_features, {**RF, "max_floats": 300}, ValueError, "D_values")
    assert simulate_random_features(**{**RF, "max_floats": 400})["loss"].shape == (2, 2, 2)
    # a chunk of seeds is capped as well, naming seed_chunk
    assert_refused(simulate_random_features, {**RF, "seed_chunk": 2, "max_floats": 400}, ValueError, "seed_chunk")
    # the NTK Jacobian: 6 inputs x (3·16 + 16 + 16 + 1 = 81) parameters = 486 floats
    assert_refused(empirical_kernels, {**KER, "max_floats": 400}, ValueError, "width")
    assert empirical_kernels(**KER, max_floats=500)[1].shape == (6, 6)
