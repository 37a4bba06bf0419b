"""Support for tests/test_fuzz_api.py: the public functions, a valid call of each, the bad values,
and a call under a time and memory limit.  Not a test module (no ``test_`` prefix)."""
from __future__ import annotations

import contextlib
import dataclasses
import importlib
import inspect
import math
import pkgutil
import re
import signal
import sys
from collections.abc import Callable
from typing import Any
from pathlib import Path

import numpy as np

PACKAGES = ("nsl.theory", "nsl.sims")

# sims/: the public entry points a user calls; the other public names there are building blocks
# of those entry points (their arguments come from them, already checked)
SIMS_ENTRY_POINTS = {
    "nsl.sims.random_features": {"simulate_random_features", "simulate_krr"},
    "nsl.sims.online_sgd": {"simulate_online_sgd"},
    "nsl.sims.percolation_data": {"make_percolation_dataset", "check_size_window"},
    "nsl.sims.spin_textures": {"moire_period", "twist_angle"},
    "nsl.sims.networks": {"build_model", "model_ladder", "check_arch"},
    "nsl.sims.train": {"lr_at", "standardise", "input_scaler"},
    "nsl.sims.teacher_student": {"empirical_kernels"},
}


def _rng():
    return np.random.default_rng(0)


def _spectrum():
    from nsl.theory.spectra import power_law_spectrum

    return power_law_spectrum(8, 1.0, N=64)


def _op():
    from nsl.theory.two_layer.order_params import random_initial_conditions

    return random_initial_conditions(_spectrum(), 2, 2, rng=_rng())


def _ev(n=200, a=1.5):
    return np.arange(1, n + 1, dtype=float) ** -a


def _cluster():
    from nsl.theory.percolation.bethe import bethe_pc, grow_bethe_cluster

    return grow_bethe_cluster(bethe_pc(3), 3, np.random.default_rng(3), s_max=2000)


def _powerlaw_xy():
    x = np.geomspace(1, 1e3, 20)
    return x, 2.0 * x ** -0.7 + 0.01 * np.sin(np.arange(20))


def _sizes():
    return np.random.default_rng(0).zipf(2.2, 2000).astype(np.int64)


# valid values by parameter name (factories: each call gets fresh objects)
BY_NAME: dict[str, Callable[[], Any]] = {
    "rng": _rng, "spectrum": _spectrum, "op": _op, "init": _op,
    "eigenvalues": _ev, "target_power": lambda: _ev(200, 1.2), "D": lambda: np.array([10.0, 100.0]),
    "p": lambda: 0.3, "z": lambda: 3, "d": lambda: 2, "tau": lambda: 2.5, "c": lambda: 1.0,
    "alpha": lambda: 1.0, "c_over_D": lambda: 0.5, "N": lambda: np.array([10.0, 100.0]), "Dset": lambda: np.array([10.0, 100.0]),
    "n_clusters": lambda: 5, "s_min": lambda: 10, "s_max": lambda: 1000, "b": lambda: 2.0, "a": lambda: 1.5,
    "noise": lambda: 0.1, "ridge_per_sample": lambda: 0.1, "alpha_K": lambda: 0.5, "n": lambda: np.array([10.0, 100.0]),
    "P": lambda: np.array([10.0, 20.0]), "loss_PD": lambda: np.array([1.0, 2.0]), "loss_DP": lambda: np.array([1.1, 2.1]),
    "K": lambda: 2, "M": lambda: 2, "L": lambda: 8, "beta": lambda: 1.0, "eta": lambda: 0.5,
    "x": lambda: _powerlaw_xy()[0], "y": lambda: _powerlaw_xy()[1], "samples": _sizes, "sizes": _sizes,
    "n_sites": lambda: 10_000, "s_lo": lambda: 2.0, "s_hi": lambda: 100.0, "xmin": lambda: 2.0,
    "shape": lambda: (16, 16), "occupied": lambda: np.random.default_rng(0).random((16, 16)) < 0.6,
    "labels": lambda: np.arange(16).reshape(4, 4), "q_n": lambda: np.linspace(0, 1, 101),
    "activation": lambda: "erf", "theta_deg": lambda: 2.0, "period": lambda: 20.0,
    "X": lambda: np.random.default_rng(0).standard_normal((20, 5)), "X1": lambda: np.random.default_rng(0).standard_normal((6, 3)),
    "arch": lambda: "fcn", "alpha_max": lambda: 10.0, "n_trainable": lambda: np.array([2, 4, 8]),
    "eg": lambda: 0.3 * np.exp(-np.geomspace(1e-2, 1e2, 50)) + 0.01, "height": lambda: 0.2,
    "values": lambda: np.array([1.0, 2.0, 4.0, 8.0]), "times": lambda: np.array([10.0, 20.0, 40.0, 80.0]),
    "step": lambda: 10, "total": lambda: 100, "lr": lambda: 0.1, "warmup_frac": lambda: 0.1,
    "mean": lambda: [0.0], "std": lambda: [1.0], "x_train": lambda: np.random.default_rng(0).standard_normal((10, 1, 4, 4)),
    "n_seeds": lambda: 1, "seed": lambda: 0, "D_values": lambda: np.array([8, 16]), "P_values": lambda: np.array([8, 16]),
    "depth": lambda: 1, "width": lambda: 8, "cluster": _cluster, "window": lambda: (1, 50),
    "first_span": lambda: {8: np.array([0.5, 0.6, 0.55, 0.58]), 16: np.array([0.57, 0.59, 0.6, 0.58])},
    "target": lambda: 0.5,
    # covariances of the two-layer integrals (a positive-definite 4x4 matrix) and small changes of them
    **{k: (lambda v=v: v) for k, v in {"c11": 1.0, "c22": 1.0, "c33": 1.0, "c44": 1.0, "c12": 0.5, "c13": 0.3,
                                      "c14": 0.1, "c23": 0.2, "c24": 0.1, "c34": 0.2, "caa": 1.0, "cac": 0.5,
                                      "ccc": 1.0, "cab": 0.4, "cbb": 1.0, "dcaa": 0.01, "dcab": 0.01,
                                      "dcac": 0.01, "dccc": 0.01, "d13": 0.01, "d23": 0.01, "d33": 0.01,
                                      "d34": 0.01, "dx": 0.01}.items()},
}

# per function: arguments that differ from (or are missing in) BY_NAME
OVERRIDES: dict[str, Callable[[], dict]] = {
    "nsl.theory.percolation.brill.brill_exponents": lambda: {"D": 2.0},
    "nsl.theory.percolation.brill.dof_allocation": lambda: {"N": 1000.0},
    "nsl.theory.percolation.brill.brill_supercritical_exponents": lambda: {"d": 3},
    "nsl.theory.regimes.rf_loss": lambda: {"P": np.array([10.0, 20.0]), "D": np.array([50.0, 60.0])},
    "nsl.theory.regimes.finite_size_factor": lambda: {"P": np.array([10.0, 20.0]), "D": np.array([50.0, 60.0])},
    "nsl.theory.regimes.classify_regime": lambda: {"P": np.array([10.0, 200.0]), "D": np.array([100.0, 100.0])},
    "nsl.theory.regimes.manifold_exponent": lambda: {"d": 2.0},
    "nsl.theory.percolation.exponents.estimate_fractal_dimension": lambda: {
        "L": np.array([8, 16, 32, 64]), "largest": np.array([40, 150, 560, 2100]), "n_boot": 50},
    "nsl.theory.percolation.exponents.estimate_tau_binned": lambda: {
        "sizes_per_lattice": [_sizes(), _sizes()], "n_boot": 50},
    "nsl.theory.percolation.exponents.estimate_pc": lambda: {
        "first_span": {16: np.round(np.random.default_rng(0).normal(0.59, 0.03, 100) * 256).astype(int),
                       32: np.round(np.random.default_rng(1).normal(0.593, 0.02, 100) * 1024).astype(int)},
        "n_sites": {16: 256, 32: 1024}, "n_boot": 20},
    "nsl.theory.percolation.lattice.graph_clusters": lambda: {
        "graph": __import__("scipy.sparse", fromlist=["csr_matrix"]).csr_matrix(np.eye(5, k=1) + np.eye(5, k=-1))},
    "nsl.theory.spectra.power_law_spectrum": lambda: {"N": 64},
    "nsl.theory.spectra.gram_spectrum": lambda: {"K": np.cov(np.random.default_rng(0).standard_normal((6, 30)))},
    "nsl.theory.spectra.fit_target_exponent": lambda: {"target_power": _ev(300, 1.3), "window": (2, 200), "n_boot": 50},
    "nsl.theory.spectra.fit_spectrum_exponent": lambda: {"eigenvalues": _ev(300, 1.3)},
    "nsl.theory.fitting.fit_power_law": lambda: {"n_boot": 50},
    "nsl.theory.fitting_bnsl.select_n_breaks": lambda: {"max_breaks": 1, "origins": 1},
    "nsl.theory.fitting_bnsl.broken_power_law_intervals": lambda: {"n_boot": 5},
    "nsl.theory.fitting.select_fit_window": lambda: {"x": _powerlaw_xy()[0][::2], "y": _powerlaw_xy()[1][::2]},
    "nsl.theory.percolation.exponents.estimate_tau_fss": lambda: {"sizes_per_lattice": [_sizes(), _sizes()], "n_boot": 20,
                                                                   "d": 2},
    "nsl.theory.fitting.fit_tail_exponent": lambda: {"samples": _sizes()},
    "nsl.theory.checks.check_boot": lambda: {"n_boot": 100, "ci": 0.95},
    "nsl.theory.checks.check_choice": lambda: {"x": "a", "name": "x", "options": ("a", "b")},
    "nsl.theory.two_layer.checks.check_finite_result": lambda: {"x": np.ones(3), "names": "x"},
    "nsl.theory.two_layer.checks.check_scale": lambda: {"x": 1.0, "name": "x", "positive": True},
    "nsl.theory.two_layer.checks.check_second_layer": lambda: {"v": np.ones(3), "n": 3, "name": "v"},
    "nsl.theory.two_layer.checks.check_trainable": lambda: {"trainable": 2, "L": 4},
    "nsl.theory.two_layer.checks.check_units": lambda: {"x": 4, "name": "x"},
    "nsl.theory.two_layer.checks.check_weight_counts": lambda: {"N": 100, "max_weights": 10**6, "K": 2},
    "nsl.theory.fitting.sample_power_law": lambda: {"n": 500, "alpha": 2.5, "rng": 0},
    "nsl.theory.two_layer.linear.linear_asymptote": lambda: {"alpha": np.array([1.0, 10.0]), "N": 64},
    "nsl.theory.two_layer.linear.trainable_law_curve": lambda: {"N": 64},
    "nsl.theory.two_layer.linear.linear_eg_infinity_truncated": lambda: {"d0": np.full(8, 0.1), "n_trainable": 4},
    "nsl.theory.two_layer.linear.linear_eg_exact": lambda: {"alpha": np.array([1.0, 10.0]), "d0": np.full(8, 0.1)},
    "nsl.theory.two_layer.linear.linear_eg_expm": lambda: {"alpha": np.array([1.0, 10.0]), "d0": np.full(8, 0.1)},
    "nsl.theory.two_layer.linear.linear_eg_gradient_flow": lambda: {"alpha": np.array([1.0, 10.0]), "d0": np.full(8, 0.1)},
    "nsl.theory.two_layer.ode.solve_ode": lambda: {"alpha_max": 2.0, "n_alpha": 10},
    "nsl.theory.two_layer.ode.log_alpha_grid": lambda: {"alpha_max": 10.0},
    "nsl.theory.two_layer.ode.eg_from_covariances": lambda: {"Q": np.eye(2), "R": 0.5 * np.eye(2), "T": np.eye(2)},
    "nsl.theory.two_layer.order_params.order_parameters_from_weights": lambda: {
        "J": np.random.default_rng(0).standard_normal((2, 64)) * 0.1, "B": np.random.default_rng(1).standard_normal((2, 64))},
    "nsl.theory.two_layer.plateaus.escape_time": lambda: {"alpha": np.geomspace(1e-2, 1e2, 50)},
    "nsl.theory.two_layer.plateaus.detect_plateau": lambda: {"alpha": np.geomspace(1e-2, 1e2, 50)},
    "nsl.theory.two_layer.plateaus.specialised_phase_exponent": lambda: {
        "alpha": np.geomspace(1e-2, 1e4, 200), "eg": 0.3 * np.geomspace(1e-2, 1e4, 200) ** -0.5, "plateau_height": 0.2,
        "spectrum": __import__("nsl.theory.spectra", fromlist=["x"]).power_law_spectrum(64, 1.0, N=64), "eta": 0.01,
        "n_boot": 50},
    "nsl.theory.learning_curves.asymptotic_exponent": lambda: {"b": 2.0, "a": 1.5},
    "nsl.sims.random_features.simulate_random_features": lambda: {"eigenvalues": _ev(16)},
    "nsl.sims.random_features.simulate_krr": lambda: {"eigenvalues": _ev(16), "target_power": _ev(16, 1.2),
                                                      "D_values": np.array([4, 8])},
    "nsl.theory.learning_curves.learning_curve_exponent": lambda: {"D": np.geomspace(10, 150, 8), "n_boot": 20},
    "nsl.theory.percolation.bethe.bethe_cluster_numbers": lambda: {"s": np.array([1, 2, 5, 10])},
    "nsl.theory.percolation.bethe.sample_bethe_cluster_sizes": lambda: {"n": 50, "s_max": 1000},
    "nsl.theory.regimes.predict_regimes": lambda: {"alpha_K": 0.5},
    "nsl.theory.spectra.target_power": lambda: {
        "spectrum": __import__("nsl.theory.spectra", fromlist=["gram_spectrum"]).gram_spectrum(
            np.cov(np.random.default_rng(0).standard_normal((6, 30))), vectors=True),
        "y": np.arange(6.0)},
    "nsl.theory.two_layer.integrals.arcsin_difference": lambda: {"s": 0.3, "s_new": 0.31, "ds": 0.01},
    "nsl.theory.two_layer.integrals.inv_sqrt_difference": lambda: {"x": 2.0},
    "nsl.theory.two_layer.ode.second_layer_weights": lambda: {"v": 1.0, "n": 3, "name": "v"},
    "nsl.theory.two_layer.ode.trainable_mask": lambda: {"trainable": 4, "L": 8},
    "nsl.theory.two_layer.plateaus.teacher_fixed_point": lambda: {"t": _op().t, "K": 2},
    "nsl.theory.fitting_tails.compare_tail": lambda: _tail(),
    "nsl.theory.checks.check_int": lambda: {"x": 3},
    "nsl.theory.checks.check_real": lambda: {"x": 1.5},
    "nsl.theory.checks.check_int_array": lambda: {"x": np.array([1, 2, 3])},
    "nsl.theory.fitting_joint.fit_joint_power_law": lambda: _joint(),
    "nsl.sims.online_sgd.simulate_online_sgd": lambda: {"alpha_max": 1.0},
    "nsl.sims.percolation_data.make_percolation_dataset": lambda: {"d": 3, "s_min": 10, "s_max": 100, "n_clusters": 2},
    "nsl.sims.networks.build_model": lambda: {"in_channels": 1, "image_size": 8, "n_out": 1, "width": 4},
    "nsl.sims.networks.model_ladder": lambda: {"in_channels": 1, "image_size": 8, "n_out": 1},
    "nsl.sims.train.standardise": lambda: {"y": np.ones((3, 1))},
    "nsl.sims.teacher_student.empirical_kernels": lambda: {"X": np.random.default_rng(0).standard_normal((6, 3)),
                                                           "width": 16},
}

def _tail():
    from nsl.theory.fitting import fit_tail_exponent

    x = _sizes()
    return {"samples": x, "fit": fit_tail_exponent(x, xmin=2.0), "alternative": "exponential"}


def _joint():
    g = np.random.default_rng(0)
    N, D = np.meshgrid(np.geomspace(1e3, 1e6, 5), np.geomspace(1e4, 1e7, 5))
    N, D = N.ravel(), D.ravel()
    loss = 1.7 + 400 * N ** -0.34 + 410 * D ** -0.28
    return {"N": N, "D": D, "loss": loss * np.exp(0.005 * g.standard_normal(N.size)), "n_boot": 5,
            "n_polish": 1}


# parameters that are not numbers or arrays a user types (callbacks, names for messages)
NOT_FUZZED = {"name"}


def public_functions() -> list[tuple[str, Callable]]:
    """``(qualified name, function)`` for every public function of theory/ and the sims entry points."""
    out = []
    for pkg_name in PACKAGES:
        pkg = importlib.import_module(pkg_name)
        mods = [pkg_name] + [i.name for i in pkgutil.walk_packages(pkg.__path__, prefix=pkg_name + ".")]
        for mod_name in mods:
            if any(part.startswith("_") for part in mod_name.split(".")):
                continue
            mod = importlib.import_module(mod_name)
            for name in getattr(mod, "__all__", []):
                obj = getattr(mod, name, None)
                if not inspect.isfunction(obj) or obj.__module__ != mod_name:
                    continue  # classes, constants and re-exports (counted where defined)
                if pkg_name == "nsl.sims" and name not in SIMS_ENTRY_POINTS.get(mod_name, ()):
                    continue
                out.append((f"{mod_name}.{name}", obj))
    return sorted(out)


def baseline_kwargs(qualname: str, fn: Callable) -> dict:
    """A valid call of ``fn`` as keyword arguments (``KeyError`` naming a parameter we cannot fill)."""
    over = OVERRIDES.get(qualname, dict)()
    kw = {}
    for pname, prm in inspect.signature(fn).parameters.items():
        if prm.kind in (prm.VAR_POSITIONAL, prm.VAR_KEYWORD):
            continue
        if pname in over:
            kw[pname] = over[pname]
        elif prm.default is not inspect.Parameter.empty:
            continue
        elif pname == "name":  # a checker's message name: call it after its first parameter
            kw[pname] = next(iter(inspect.signature(fn).parameters))
        elif pname in BY_NAME:
            kw[pname] = BY_NAME[pname]()
        else:
            raise KeyError(pname)
    for pname in set(over) - set(kw):
        kw[pname] = over[pname]
    return kw


def fuzzed_params(fn: Callable) -> list[str]:
    """Every parameter a caller passes (positional or keyword), except message names and on/off
    flags (a ``bool`` default: Python's truthiness makes any value a valid flag).

    In the argument checkers (modules ``*.checks``) only the value checked (the first parameter) is a
    user's input; the rest (bounds, choices, sizes, names) are written by the calling code, whose own
    public arguments are fuzzed where that code is public."""
    params = [p for p, prm in inspect.signature(fn).parameters.items()
              if prm.kind not in (prm.VAR_POSITIONAL, prm.VAR_KEYWORD) and p not in NOT_FUZZED
              and not isinstance(prm.default, bool)]
    if fn.__module__.endswith(".checks"):
        return params[:1]
    return params


def bad_values_for(fn: Callable, param: str) -> list[str]:
    """The labels of :data:`BAD_VALUES` that are bad for ``param`` (``None`` is valid where it is the default)."""
    default = inspect.signature(fn).parameters[param].default
    return [label for label in BAD_VALUES if not (label == "None" and default is None)]


# bad values: label -> factory.  Each is tried on each parameter in turn, the others valid.
BAD_VALUES: dict[str, Callable[[], Any]] = {
    "nan": lambda: float("nan"),
    "+inf": lambda: float("inf"),
    "-inf": lambda: float("-inf"),
    "-1": lambda: -1,
    "-0.5": lambda: -0.5,
    "0": lambda: 0,
    "huge 1e300": lambda: 1e300,
    "huge int 10**12": lambda: 10**12,
    "fraction 8.7": lambda: 8.7,
    "str": lambda: "x",
    "None": lambda: None,
    "bool True": lambda: True,
    "array [nan]": lambda: np.array([1.0, float("nan"), 2.0]),
    "array [inf]": lambda: np.array([1.0, float("inf"), 2.0]),
    "array negative": lambda: np.array([-1.0, -2.0, -3.0]),
    "empty array": lambda: np.array([]),
    "3-D array": lambda: np.ones((2, 2, 2)),
    "ragged list": lambda: [[1, 2], [3]],
}


class Timeout(BaseException):
    """Raised inside a call that ran past its time limit (BaseException: code under test cannot catch it)."""


def _on_alarm(signum, frame):
    raise Timeout


@contextlib.contextmanager
def _memory_cap(extra_bytes: int):
    """Cap the address space at the current size plus ``extra_bytes`` (Linux), so a runaway
    allocation raises MemoryError instead of taking the shared machine down."""
    try:
        import resource

        with open("/proc/self/statm") as fh:
            vm = int(fh.read().split()[0]) * resource.getpagesize()
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = vm + extra_bytes
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def call_limited(fn: Callable, kwargs: dict, seconds: float, memory_bytes: int = 2 << 30) -> tuple[str, Any]:
    """``("ok", result)``, ``("raised", exception)`` or ``("timeout", None)``."""
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with _memory_cap(memory_bytes), np.errstate(all="ignore"):
            res = fn(**kwargs)
        return "ok", res
    except Timeout:
        return "timeout", None
    except Exception as exc:  # noqa: BLE001 - classified by the caller
        return "raised", exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def nonfinite(obj: Any, depth: int = 0) -> str | None:
    """Where ``obj`` holds a NaN or an infinity (a path like ``.alpha`` or ``[2]``), else ``None``."""
    if depth > 6:
        return None
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return None
    if isinstance(obj, (int, np.integer)):
        return None
    if isinstance(obj, (float, np.floating)):
        return "" if not math.isfinite(float(obj)) else None
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fc" and obj.size and not np.all(np.isfinite(obj)):
            return "[array]"
        return None
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            w = nonfinite(getattr(obj, f.name), depth + 1)
            if w is not None:
                return f".{f.name}{w}"
        return None
    if isinstance(obj, dict):
        for k, v in obj.items():
            w = nonfinite(v, depth + 1)
            if w is not None:
                return f"[{k!r}]{w}"
        return None
    if isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj[:1000]):
            w = nonfinite(v, depth + 1)
            if w is not None:
                return f"[{i}]{w}"
        return None
    return None


def assert_refused(fn: Callable, kwargs: dict, exc: type[BaseException] | tuple, arg: str, limit_s: float = 2.0) -> None:
    """``fn(**kwargs)`` raises ``exc`` whose message names ``arg``, within ``limit_s`` seconds (the hand-written
    bad-input tests' form of the fuzzer's rule)."""
    import time

    import pytest

    t0 = time.perf_counter()
    with pytest.raises(exc) as info:
        fn(**kwargs)
    assert names_argument(str(info.value), arg), f"{type(info.value).__name__} does not name {arg!r}: {info.value}"
    assert time.perf_counter() - t0 < limit_s, f"refused only after {time.perf_counter() - t0:.1f} s"


CHECKER_BOUNDS = ("lo", "hi", "ndim", "min_size")


def accepted_names(fn: Callable, param: str, kwargs: dict) -> tuple[str, ...]:
    """Names besides ``param`` a correct error may name.

    A checker (a function with a ``name`` parameter, e.g. ``check_int(x, name, lo=..., hi=...)``)
    first validates its own bounds; a valid bound that excludes the checked value is then a bad
    value, reported under the value's name. So for a bound parameter the value's name is accepted.
    """
    if param in CHECKER_BOUNDS and "name" in inspect.signature(fn).parameters and isinstance(kwargs.get("name"), str):
        return (kwargs["name"],)
    return ()


def names_argument(message: str, param: str) -> bool:
    """True if the error message names the parameter (as a word)."""
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(param)}(?![A-Za-z0-9_])", message) is not None


def verdict(param: str, outcome: tuple[str, Any], also: tuple[str, ...] = ()) -> str | None:
    """``None`` if the outcome is acceptable; else a short description of the finding.

    ``also``: other names the message may name instead of ``param`` (a checker's bound that
    excludes the checked value is correctly reported as that value out of range, see
    :func:`accepted_names`)."""
    kind, val = outcome
    if kind == "timeout":
        return "hang (time limit)"
    if kind == "ok":
        w = nonfinite(val)
        return None if w is None else f"returned a non-finite value at {w or 'the result'}"
    exc = val
    msg = str(exc)
    if isinstance(exc, (ValueError, TypeError)):
        if any(names_argument(msg, p) for p in (param, *also)):
            return None
        return f"{type(exc).__name__} not naming {param!r}: {msg[:120]}"
    return f"{type(exc).__name__}: {msg[:120]}"


KNOWN_DIR = Path(__file__).with_name("fuzz_known")  # one JSON file per module: <module>.json


def load_known(folder: Path = KNOWN_DIR) -> dict:
    """function -> argument -> bad value -> what happened, merged from every module's file."""
    import json

    data: dict = {}
    for f in sorted(folder.glob("*.json")):
        data.update(json.loads(f.read_text()))
    return data


def fold(jsonl: str, folder: Path = KNOWN_DIR, modules: list[str] | None = None) -> int:
    """Fold a full run's findings (JSON lines) into the per-module known-failures files; returns their count.

    With ``modules`` only those modules' files are rewritten (a run with ``-k`` over a few modules leaves the
    others alone); a module without findings loses its file.
    """
    import json

    data: dict = {}
    n = 0
    with open(jsonl) as fh:
        for line in fh:
            r = json.loads(line)
            data.setdefault(r["function"], {}).setdefault(r["argument"], {})[r["value"]] = r["what"]
            n += 1
    by_module: dict[str, dict] = {}
    for fn, args in data.items():
        by_module.setdefault(fn.rsplit(".", 1)[0], {})[fn] = args
    folder.mkdir(exist_ok=True)
    targets = set(modules) if modules is not None else set(by_module) | {f.stem for f in folder.glob("*.json")}
    for mod in sorted(targets):
        path = folder / f"{mod}.json"
        funcs = by_module.get(mod)
        if not funcs:
            path.unlink(missing_ok=True)
            continue
        with open(path, "w") as fh:
            json.dump({f: {a: dict(sorted(v.items())) for a, v in sorted(args.items())} for f, args in sorted(funcs.items())},
                      fh, indent=1, ensure_ascii=False)
            fh.write("\n")
    return n


SEVERITY = (("hang", "Hangs (ran past the time limit)"), ("memory", "MemoryError (the 2 GB cap caught a runaway allocation)"),
            ("nonfinite", "Silent NaN or infinity in the result"), ("other", "Other exceptions (not ValueError/TypeError)"),
            ("unnamed", "ValueError/TypeError whose message does not name the argument"))


def severity(what: str) -> str:
    if what.startswith("hang"):
        return "hang"
    if what.startswith("MemoryError"):
        return "memory"
    if "non-finite" in what:
        return "nonfinite"
    return "unnamed" if "not naming" in what else "other"


def digest(out: str, folder: Path = KNOWN_DIR) -> None:
    """A readable Markdown digest of the known-failures files, worst first, one line per function."""
    data = load_known(folder)
    lines = ["# Fuzzer findings (generated by `python tests/fuzz_api_support.py digest`)", ""]
    total = sum(len(v) for args in data.values() for v in args.values())
    lines += [f"{total} findings in {len(data)} functions; one line per function: argument=bad value, then one message.", ""]
    for key, title in SEVERITY:
        rows = []
        for fn, args in sorted(data.items()):
            cases = [(a, v, w) for a, vals in args.items() for v, w in vals.items() if severity(w) == key]
            if cases:
                shown = ", ".join(f"{a}={v}" for a, v, _ in cases[:12]) + (f" (+{len(cases) - 12} more)" if len(cases) > 12 else "")
                rows.append(f"- `{fn.removeprefix('nsl.')}` ({len(cases)}): {shown}. E.g. {cases[0][2][:140]}")
        lines += [f"## {title}: {sum(r.count(chr(61)) > 0 for r in rows)} functions", ""] + rows + [""]
    with open(out, "w") as fh:
        fh.write("\n".join(lines))


if __name__ == "__main__":  # pragma: no cover
    # python tests/fuzz_api_support.py fold FINDINGS.jsonl [MODULE ...]   (rewrites fuzz_known/, then fuzz_findings.md)
    # python tests/fuzz_api_support.py digest                            (rewrites fuzz_findings.md only)
    # python tests/fuzz_api_support.py                                   (lists the fuzzed functions)
    here = Path(__file__).parent
    if sys.argv[1:2] == ["fold"]:
        print(fold(sys.argv[2], modules=sys.argv[3:] or None), "findings")
        digest(str(here / "fuzz_findings.md"))
    elif sys.argv[1:2] == ["digest"]:
        digest(str(here / "fuzz_findings.md"))
    else:
        for qn, _ in public_functions():
            print(qn)
