"""Every public function of theory/percolation and sims/percolation_* on bad input (issue 14, item 4).

Each function is called with valid small arguments except one, which takes a bad value: NaN,
+-inf, negative, zero, huge, non-integral, wrong shape, wrong type.  The call must, within a
time limit, either return a finite result or raise ValueError/TypeError whose message names the
argument.  A hypothesis test then draws random bad numbers (any float, NaN and inf included)
for the numeric arguments.  The table's size is printed by ``test_table_counts``.
"""
from __future__ import annotations

import dataclasses
import math
import signal

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nsl.sims.percolation_data as pdata
import nsl.sims.percolation_learners as plearn
import nsl.theory.percolation as perc
from nsl.theory import checks as pchecks
from nsl.theory.percolation.bethe import check_coordination
from nsl.theory.percolation.exponents import check_dimension
from nsl.theory.percolation.lattice import check_occupied, check_probability

NAN, INF = float("nan"), float("inf")
TIME_LIMIT_S = 20

# bad-value pools by kind of argument
PROB = [NAN, INF, -INF, -0.1, 1.5, 1e300, "0.5", None, [0.5], True]
POS = [NAN, INF, -INF, -1.0, 0.0, "x", None, [1.0]]
REAL = [NAN, INF, -INF, "x", None, [1.0]]
COUNT = [NAN, INF, -1, 0, 8.7, 10**30, 1e300, "3", None, True]
COUNT0 = [NAN, INF, -1, 8.7, 10**30, "3", None, True]  # counts where 0 is allowed
ARR = [np.array([NAN, 1.0]), np.array([INF, 1.0]), np.array([[[1.0]]]), "abc", None, np.array(["a", "b"])]
SIZES = ARR + [np.array([-1, 2]), np.array([0, 2]), np.array([1.5, 2.0]), np.array([1e300])]
RNG = [None, 0, "rng", np.random.RandomState(0)]
BOOL = ["yes", None, 2.5]
SEED = [-1, NAN, INF, 8.7, "x", True, np.array([1.0, NAN]), np.random.RandomState(0)]  # bootstrap seeds
IBOUND = [NAN, INF, 8.7, "1", True, np.array([1, 2]), [[1, 2], [3]], 10**30]  # a checker's own integer bounds
RBOUND = [NAN, INF, -INF, "1", True, np.array([1.0, 2.0]), [[1, 2], [3]]]  # and its real bounds
NDIM = [NAN, -1, 8.7, 65, "1", True, np.array([1, 2])]


def _cluster(seed=0, s_min=40, s_max=400):
    rng = np.random.default_rng(seed)
    while True:
        c = perc.grow_bethe_cluster(1 / 3, 4, rng, s_max)
        if c.complete and c.size >= s_min:
            return c


C1 = _cluster(0)
Y1 = pdata.random_walk_target(C1, np.random.default_rng(1))
C2 = _cluster(2)
Y2 = pdata.random_walk_target(C2, np.random.default_rng(3))
OCC = np.random.default_rng(4).random((8, 8)) < 0.6
SW = perc.newman_ziff_sweep((6, 6), np.random.default_rng(5))
LAB = perc.label_clusters(OCC).labels
SIZES_OK = np.array([1, 1, 2, 3, 5, 8, 13, 40])
LAT = [np.random.default_rng(k).zipf(2.05, 5000) for k in range(3)]
XTR = np.random.default_rng(6).random((30, 2))
XTE = np.random.default_rng(7).random((10, 2))


def G():
    return np.random.default_rng(0)


# (name, function, valid kwargs factory, {argument: bad values})
TABLE = [
    ("check_probability", check_probability, lambda: dict(p=0.5), {"p": PROB}),
    ("check_occupied", check_occupied, lambda: dict(occupied=OCC), {"occupied": ARR + [np.zeros((0, 3), bool)]}),
    ("check_coordination", check_coordination, lambda: dict(z=4), {"z": COUNT + [2]}),
    ("check_dimension", check_dimension, lambda: dict(d=2), {"d": COUNT}),
    ("check_int", pchecks.check_int, lambda: dict(x=3, name="x", lo=1, hi=10),
     {"x": COUNT + [11], "lo": IBOUND, "hi": IBOUND + [0]}),
    ("check_real", pchecks.check_real, lambda: dict(x=1.5, name="x", lo=0.0, hi=2.0),
     {"x": REAL + [2.5], "lo": RBOUND, "hi": RBOUND + [-1.0]}),
    ("check_int_array", pchecks.check_int_array, lambda: dict(x=np.array([1, 2, 3]), name="x", ndim=1, lo=1),
     {"x": SIZES, "ndim": NDIM, "lo": IBOUND}),
    ("check_real_array", pchecks.check_real_array,
     lambda: dict(x=np.array([1.0, 2.0]), name="x", ndim=1, lo=0.0, min_size=1),
     {"x": ARR + [np.array([-1.0])], "ndim": NDIM, "lo": RBOUND, "min_size": COUNT0}),
    ("label_clusters", perc.label_clusters, lambda: dict(occupied=OCC, periodic=False),
     {"occupied": ARR + [np.zeros((0, 3), bool), OCC.astype(int)], "periodic": BOOL + [(True,), "ab"]}),
    ("wrapping_clusters", perc.wrapping_clusters, lambda: dict(occupied=OCC), {"occupied": ARR}),
    ("bond_clusters", perc.bond_clusters, lambda: dict(shape=(8, 8), p=0.5, rng=G(), periodic=False),
     {"shape": [(8.7, 8), (0, 8), (-1, 8), (NAN, 8), (10**6, 10**6), "88", None, ()], "p": PROB, "rng": RNG,
      "periodic": BOOL}),
    ("lattice_edges", perc.lattice_edges, lambda: dict(shape=(4, 4), periodic=False),
     {"shape": [(8.7, 8), (0, 4), (INF, 2), (10**9, 10**9), "ab", None], "periodic": BOOL}),
    ("graph_clusters", perc.graph_clusters, lambda: dict(graph=sp.eye(5, format="csr"), occupied=None),
     {"graph": ["g", None, np.eye(3), sp.csr_matrix((2, 3))], "occupied": ARR + [np.ones(4, bool)]}),
    ("cluster_size_distribution", perc.cluster_size_distribution, lambda: dict(sizes=SIZES_OK, n_sites=100),
     {"sizes": SIZES, "n_sites": COUNT + [10]}),
    ("mean_cluster_size", perc.mean_cluster_size, lambda: dict(sizes=SIZES_OK, exclude_largest=False),
     {"sizes": SIZES, "exclude_largest": BOOL}),
    ("largest_cluster", perc.largest_cluster, lambda: dict(sizes=SIZES_OK), {"sizes": SIZES}),
    ("spanning_clusters", perc.spanning_clusters, lambda: dict(labels=LAB, axis=0),
     {"labels": ARR + [np.zeros(0, int)], "axis": [NAN, 2, -3, 0.5, "0", None]}),
    ("newman_ziff_sweep", perc.newman_ziff_sweep,
     lambda: dict(shape=(6, 6), rng=G(), periodic=False, order=None, backend="auto"),
     {"shape": [(8.7, 8), (0, 6), (NAN, 6), (10**5, 10**5), "66", None, 6], "rng": RNG,
      "periodic": BOOL, "order": [np.arange(35), np.zeros(36), np.full(36, NAN), "x", [[1, 2], [3]]],
      "backend": ["gpu", None, 3, np.array(["auto", "numba"]), np.ones(3)]}),
    ("NewmanZiffSweep.span_probability", SW.span_probability, lambda: dict(p=0.5, axis=None, how="any"),
     {"p": PROB + [np.array([0.5, NAN])], "axis": [NAN, 5, 0.5, "0"], "how": ["some", None]}),
    ("NewmanZiffSweep.spans", SW.spans, lambda: dict(axis=None, how="any"),
     {"axis": [NAN, 5, -3, 0.5, "0"], "how": ["some", None]}),
    ("NewmanZiffSweep.at", SW.at, lambda: dict(p=0.5, observable="largest"),
     {"p": PROB, "observable": ["nope", np.arange(3.0), np.full(37, NAN), None]}),
    ("binomial_weights", perc.binomial_weights, lambda: dict(n_sites=100, p=0.3, eps=1e-15),
     {"n_sites": COUNT, "p": PROB, "eps": POS + [1.0, 2.0]}),
    ("binomial_convolution", perc.binomial_convolution, lambda: dict(q_n=np.arange(11.0), p=0.3),
     {"q_n": ARR + [np.ones(1)], "p": PROB + [np.ones((2, 2)) * 0.5]}),
    ("bethe_pc", perc.bethe_pc, lambda: dict(z=4), {"z": COUNT + [2, 10**9]}),
    ("bethe_cluster_numbers", perc.bethe_cluster_numbers, lambda: dict(s=np.arange(1, 10), p=0.2, z=4),
     {"s": SIZES, "p": PROB, "z": COUNT}),
    ("bethe_mean_cluster_size", perc.bethe_mean_cluster_size, lambda: dict(p=0.5, z=4, s_max=1000),
     {"p": PROB + [1.0], "z": COUNT, "s_max": COUNT + [10**12]}),
    ("grow_bethe_cluster", perc.grow_bethe_cluster, lambda: dict(p=0.3, z=4, rng=G(), s_max=None),
     {"p": PROB + [0.9, 1.0], "z": COUNT, "rng": RNG, "s_max": COUNT + [10**12]}),
    ("sample_bethe_cluster_sizes", perc.sample_bethe_cluster_sizes, lambda: dict(p=0.2, z=4, rng=G(), n=100),
     {"p": PROB + [0.9], "z": COUNT, "rng": RNG, "n": COUNT}),
    ("critical_exponents", perc.critical_exponents, lambda: dict(d=2), {"d": COUNT}),
    ("hypercubic_threshold", perc.hypercubic_threshold, lambda: dict(d=2, kind="site"),
     {"d": COUNT + [8], "kind": ["x", None, 3]}),
    ("log_binned_cluster_numbers", perc.log_binned_cluster_numbers,
     lambda: dict(sizes=SIZES_OK, n_sites=100, s_lo=1, s_hi=50, bins_per_decade=5),
     {"sizes": SIZES, "n_sites": COUNT, "s_lo": POS + [1e300], "s_hi": POS + [0.5, 1e300],
      "bins_per_decade": COUNT}),
    ("estimate_fractal_dimension", perc.estimate_fractal_dimension,
     lambda: dict(L=np.array([8, 16, 32, 64.0]), largest=np.array([40, 150, 560, 2100.0]), n_boot=20, rng=0),
     {"L": ARR + [np.array([8, 16.0])], "largest": ARR + [np.array([1.0, 2.0]), np.array([-1, 2, 3, 4.0])],
      "n_boot": COUNT + [5], "rng": SEED}),
    ("estimate_tau", perc.estimate_tau, lambda: dict(sizes=LAT[0], xmin=2, xmax=None, rng=0),
     {"sizes": SIZES, "xmin": POS + [1e300], "xmax": POS + [1.0], "rng": SEED}),
    ("estimate_tau_binned", perc.estimate_tau_binned,
     lambda: dict(sizes_per_lattice=LAT, n_sites=10**4, s_lo=1, s_hi=100, n_boot=20, rng=0),
     {"sizes_per_lattice": [LAT[:1], "x", None, [SIZES[0], LAT[1]], [[1, 2], [3]]], "n_sites": COUNT, "s_lo": POS,
      "s_hi": POS + [1e300], "n_boot": COUNT + [5], "rng": SEED}),
    ("estimate_tau_fss", perc.estimate_tau_fss,
     lambda: dict(sizes_per_lattice=LAT, n_sites=10**4, d=2, s_lo=1, s_hi=100, n_boot=10, rng=0),
     {"sizes_per_lattice": [LAT[:1], "x", None, [SIZES[0], LAT[1]], [[1, 2], [3]]], "n_sites": COUNT,
      "d": [NAN, 7, "2"], "s_lo": POS, "s_hi": POS + [1e300], "n_boot": COUNT + [5], "rng": SEED}),
    ("estimate_pc", perc.estimate_pc,
     lambda: dict(first_span={8: np.array([30, 40, 35, 38])}, n_sites={8: 64}, target=0.5, n_boot=10, rng=0),
     {"first_span": [{8: np.array([NAN, 3.0])}, {8: np.array([100, 200])}, "x", None, {9: np.array([3, 4])}],
      "n_sites": [{8: NAN}, {8: -1}, None], "target": PROB + [0.0, 1.0], "n_boot": COUNT, "rng": SEED}),
    ("brill_alpha", perc.brill_alpha, lambda: dict(tau=2.5), {"tau": REAL + [2.0, 3.0, -1.0]}),
    ("brill_exponents", perc.brill_exponents, lambda: dict(tau=2.5, c=2, D=4),
     {"tau": REAL + [3.5], "c": POS, "D": POS}),
    ("brill_supercritical_exponents", perc.brill_supercritical_exponents, lambda: dict(c=2, d=3),
     {"c": POS, "d": COUNT}),
    ("dof_exponent_b", perc.dof_exponent_b, lambda: dict(alpha=1.0, c_over_D=0.5),
     {"alpha": POS, "c_over_D": POS}),
    ("k_break", perc.k_break, lambda: dict(N=np.array([1.0, 100.0]), alpha=1.0, c_over_D=0.5),
     {"N": ARR, "alpha": POS, "c_over_D": POS}),
    ("dof_allocation", perc.dof_allocation, lambda: dict(N=100.0, alpha=1.0, c_over_D=0.5, n_clusters=50),
     {"N": POS[:-3] + ["x", None], "alpha": POS, "c_over_D": POS, "n_clusters": COUNT}),
    ("brill_model_loss", perc.brill_model_loss, lambda: dict(N=np.array([1.0, 10.0]), alpha=1.0, c_over_D=0.5),
     {"N": ARR + [np.array([-1.0])], "alpha": POS + [1e300, 1e-300], "c_over_D": POS + [1e300]}),
    ("brill_data_loss", perc.brill_data_loss, lambda: dict(Dset=np.array([1.0, 10.0]), alpha=1.0, c_over_D=0.5),
     {"Dset": ARR + [np.array([-1.0])], "alpha": POS + [1e300, 1e-300], "c_over_D": POS + [1e300]}),
    ("n_clusters_kept", perc.n_clusters_kept, lambda: dict(tau=2.5, s_min=300, s_max=3e7, expected_n_large=1.0),
     {"tau": REAL + [3.0], "s_min": POS, "s_max": POS + [1.0], "expected_n_large": POS}),
    ("check_size_window", pdata.check_size_window, lambda: dict(s_min=10, s_max=100),
     {"s_min": COUNT + [1000], "s_max": COUNT + [10**12]}),
    ("random_walk_target", pdata.random_walk_target, lambda: dict(cluster=C1, rng=G(), standardise=True),
     {"cluster": [None, "c", np.arange(3)], "rng": RNG, "standardise": BOOL}),
    ("make_percolation_dataset", pdata.make_percolation_dataset,
     lambda: dict(rng=G(), d=2, p=None, s_min=20, s_max=2000, n_clusters=3),
     {"rng": RNG, "d": COUNT + [1], "p": PROB + [0.9, 1.0, 0.0, 1e-6], "s_min": COUNT + [10**4],
      "s_max": COUNT + [10**12], "n_clusters": COUNT, "tau": REAL, "expected_n_large": POS,
      "max_tries": COUNT, "max_large": COUNT0}),
    ("TreeLevels.of", plearn.TreeLevels.of, lambda: dict(cluster=C1), {"cluster": [None, "c", 3]}),
    ("nearest_train", plearn.nearest_train,
     lambda: dict(levels=plearn.TreeLevels.of(C1), train=np.arange(C1.size) % 7 == 0),
     {"levels": [None, "x"], "train": ARR + [np.ones(3, bool), np.ones(C1.size)]}),
    ("nn_shrinkage_predict", plearn.nn_shrinkage_predict,
     lambda: dict(y=Y1, dist=np.array([0, 1, -1]), src=np.array([0, 2, -1])),
     {"y": ARR, "dist": ARR + [np.array([0, 1])], "src": ARR + [np.array([0, 10**6, 1])]}),
    ("split_test", plearn.split_test, lambda: dict(s=100, p_valid=0.1, rng=G()),
     {"s": COUNT, "p_valid": PROB, "rng": RNG}),
    ("draw_train_masks", plearn.draw_train_masks,
     lambda: dict(s=100, test=np.arange(5), p_train=np.array([0.1, 0.5]), p_valid=0.05, rng=G()),
     {"s": COUNT, "test": ARR + [np.array([-1]), np.array([1000])], "p_train": ARR + [np.array([2.0])],
      "p_valid": PROB + [1.0], "rng": RNG, "exact_counts": ARR + [np.array([1])]}),
    ("cluster_losses", plearn.cluster_losses,
     lambda: dict(cluster=C1, y=Y1, test=np.arange(5), p_train=np.array([0.1, 0.3]), p_valid=0.05, rng=G()),
     {"cluster": [None, "c"], "y": ARR + [Y1[:-1]], "test": ARR, "p_train": ARR, "p_valid": PROB, "rng": RNG,
      "levels": ["x", plearn.TreeLevels.of(C2)]}),
    ("fit_dof_scale", plearn.fit_dof_scale,
     lambda: dict(n_train=np.geomspace(1, 100, 10), mse=np.geomspace(1, 0.1, 10), c_over_D=0.5),
     {"n_train": ["x", None, np.ones(3)], "mse": ["x", None, np.ones(3)], "c_over_D": POS}),
    ("calibrate_dof", plearn.calibrate_dof, lambda: dict(cluster=C1, y=Y1, rng=G(), n_points=5, n_test=10),
     {"cluster": [None, "c"], "y": ARR, "rng": RNG, "c_over_D": POS, "n_points": COUNT + [1],
      "n_test": COUNT, "levels": ["x"], "clamp": BOOL}),
    ("aggregate_loss", plearn.aggregate_loss,
     lambda: dict(clusters=[C1, C2], targets=[Y1, Y2], p_train_per_cluster=np.full((2, 3), 0.1), p_valid=0.05,
                  rng=G()),
     {"clusters": [None, [C1], "x", [C1, None]], "targets": [None, [Y1], [Y1, np.full(C2.size, NAN)]],
      "p_train_per_cluster": ARR + [np.full((3, 3), 0.1), np.full((2, 3), 2.0)], "p_valid": PROB, "rng": RNG,
      "levels": ["x", [None]]}),
    ("model_scaling_curve", plearn.model_scaling_curve,
     lambda: dict(clusters=[C1, C2], targets=[Y1, Y2], sf=np.array([2.0, 3.0]), N_grid=np.array([1.0, 10.0]),
                  rng=G(), p_valid=0.05),
     {"sf": ARR + [np.array([1.0]), np.array([0.0, 1.0])], "N_grid": ARR + [np.array([-1.0])], "rng": RNG,
      "alpha": POS, "c_over_D": POS, "p_valid": PROB}),
    ("data_scaling_curve", plearn.data_scaling_curve,
     lambda: dict(clusters=[C1, C2], targets=[Y1, Y2], sf=np.array([2.0, 3.0]), D_grid=np.array([1.0, 10.0]),
                  rng=G(), p_valid=0.05),
     {"sf": ARR + [np.array([1.0])], "D_grid": ARR + [np.array([-1.0])], "rng": RNG, "p_valid": PROB}),
    ("single_cluster_curve", plearn.single_cluster_curve,
     lambda: dict(cluster=C1, y=Y1, n_train=np.array([2, 5]), rng=G(), n_test=10, repeats=2),
     {"cluster": [None], "y": ARR, "n_train": ARR + [np.array([-1])], "rng": RNG, "n_test": COUNT + [10**6],
      "repeats": COUNT}),
    ("brw_embedding", plearn.brw_embedding, lambda: dict(cluster=C1, dim=3, rng=G(), step=1.0),
     {"cluster": [None], "dim": COUNT, "rng": RNG, "step": POS}),
    ("smooth_target", plearn.smooth_target, lambda: dict(x=XTR, rng=G(), n_modes=3),
     {"x": ARR + [np.ones(3)], "rng": RNG, "n_modes": COUNT}),
    ("knn_fit_mse", plearn.knn_fit_mse,
     lambda: dict(x_train=XTR, y_train=XTR[:, 0], x_test=XTE, y_test=XTE[:, 0]),
     {"x_train": ARR + [np.ones((30, 3))], "y_train": ARR + [np.ones(3)], "x_test": ARR + [np.ones((10, 3))],
      "y_test": ARR + [np.ones(3)]}),
    ("mlp_fit_mse", plearn.mlp_fit_mse,
     lambda: dict(x_train=XTR, y_train=XTR[:, 0], x_test=XTE, y_test=XTE[:, 0], width=4, steps=3),
     {"x_train": ARR, "y_train": ARR, "width": COUNT, "depth": [NAN, -1, 8.7, 10**6, "2"],
      "steps": COUNT, "lr": POS + [1e300], "seed": [NAN, -1, 8.7, "0"], "device": ["nodevice", None, 3]}),
]

CASES = [(name, fn, base, arg, bad) for name, fn, base, bads in TABLE for arg, vals in bads.items()
         for bad in vals]


# fields whose non-finite value is documented: the Zipf alpha above p_c is infinite (no power-law
# subtasks; Brill 2024 §4), and a tail fit with a fixed xmin has no xmin uncertainty (NaN, "not estimated")
ALLOWED_NONFINITE = {("BrillExponents", "alpha"), ("TailFit", "xmin_sigma")}


def _finite(obj, depth=0) -> bool:
    if depth > 4:
        return True
    if isinstance(obj, (bool, np.bool_, str)) or obj is None:
        return True
    if isinstance(obj, (int, np.integer)):
        return True
    if isinstance(obj, (float, np.floating)):
        return math.isfinite(obj)
    if isinstance(obj, np.ndarray):
        return obj.dtype.kind not in "fc" or bool(np.all(np.isfinite(obj)))
    if isinstance(obj, dict):
        return all(_finite(v, depth + 1) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return all(_finite(v, depth + 1) for v in obj)
    if dataclasses.is_dataclass(obj):
        return all(_finite(getattr(obj, f.name), depth + 1) for f in dataclasses.fields(obj)
                   if (type(obj).__name__, f.name) not in ALLOWED_NONFINITE)
    return True


class _Timeout(Exception):
    pass


def _call_with_limit(fn, kwargs):
    def handler(signum, frame):
        raise _Timeout

    old = signal.signal(signal.SIGALRM, handler)
    signal.alarm(TIME_LIMIT_S)
    try:
        return fn(**kwargs)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _check_call(name, fn, kwargs, arg):
    try:
        out = _call_with_limit(fn, kwargs)
    except (ValueError, TypeError) as exc:
        assert arg in str(exc), f"{name}({arg}={kwargs[arg]!r}): message does not name {arg!r}: {exc}"
        return "refused"
    except RuntimeError as exc:  # a size/time cap was reached: the message must name the cap
        assert "max_" in str(exc), f"{name}({arg}={kwargs[arg]!r}): RuntimeError without a named cap: {exc}"
        return "capped"
    except _Timeout:
        pytest.fail(f"{name}({arg}={kwargs[arg]!r}) ran past {TIME_LIMIT_S} s")
    except Exception as exc:  # any other exception type is a failure
        pytest.fail(f"{name}({arg}={kwargs[arg]!r}) raised {type(exc).__name__}: {exc}")
    assert _finite(out), f"{name}({arg}={kwargs[arg]!r}) returned a non-finite result"
    return "finite"


@pytest.mark.parametrize("name,fn,base,arg,bad", CASES,
                         ids=[f"{c[0]}-{c[3]}-{i}" for i, c in enumerate(CASES)])
def test_bad_value(name, fn, base, arg, bad):
    kwargs = base()
    kwargs[arg] = bad
    _check_call(name, fn, kwargs, arg)


def test_valid_baselines_run():
    """Each row's valid arguments work, so the bad value is what a refusal is about."""
    for name, fn, base, _ in TABLE:
        out = _call_with_limit(fn, base())
        assert _finite(out), name


def test_table_counts():
    n_fn = len(TABLE)
    assert n_fn >= 55 and len(CASES) >= 500
    print(f"bad-input table: {n_fn} public functions, {len(CASES)} cases")


# every numeric argument, except the MLP's step count, whose allowed range (up to 1e5 steps) is a
# long training by request rather than a bad input, and the shared checkers' own bounds (a random
# valid bound that excludes x is refused as a bad x, naming x: test_checkers_refuse_bad_bounds_and_name_them)
CHECKER_BOUNDS = {"lo", "hi", "ndim", "min_size"}
NUMERIC = [(name, fn, base, arg) for name, fn, base, bads in TABLE for arg, vals in bads.items()
           if any(isinstance(v, float) and math.isnan(v) for v in vals) and (name, arg) != ("mlp_fit_mse", "steps")
           and not (fn.__module__ == pchecks.__name__ and arg in CHECKER_BOUNDS)]


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(NUMERIC),
       value=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**20, 10**20)))
def test_random_numbers(case, value):
    """Random numbers (any float, NaN, +-inf, huge ints) in every numeric argument: finite or a clear error."""
    name, fn, base, arg = case
    kwargs = base()
    kwargs[arg] = value
    _check_call(name, fn, kwargs, arg)


def test_caps_raise_cap_reached_naming_the_cap():
    """A size or work cap reached mid-run: CapReached, both a RuntimeError and a ValueError, naming the cap."""
    assert issubclass(pchecks.CapReached, RuntimeError) and issubclass(pchecks.CapReached, ValueError)
    # at p_c the number of clusters passing s_max grows with n_clusters: the message names it too (hypothesis
    # found n_clusters large enough to reach the cap, with a message that did not name it)
    with pytest.raises(pchecks.CapReached, match=r"max_large=5 .*n_clusters=2000"):
        pdata.make_percolation_dataset(np.random.default_rng(0), d=3, s_min=2, s_max=50, n_clusters=2000, max_large=5)
    with pytest.raises(pchecks.CapReached, match="max_large=0"):
        pdata.make_percolation_dataset(np.random.default_rng(0), d=3, s_min=2, s_max=5, n_clusters=50, max_large=0)
    with pytest.raises(pchecks.CapReached, match="max_tries=3"):
        pdata.make_percolation_dataset(np.random.default_rng(0), d=3, s_min=50, s_max=100, n_clusters=50,
                                       max_tries=3)
    with pytest.raises(pchecks.CapReached, match="max_size=100000"):
        perc.grow_bethe_cluster(0.6, 4, np.random.default_rng(0), max_size=100_000)


def test_checkers_refuse_bad_bounds_and_name_them():
    """The shared checkers' own arguments: a bound that is not a finite number (an int64 integer for
    the integer checkers), lo > hi, a bad ndim or min_size: refused naming the bound, not x."""
    with pytest.raises(ValueError, match="lo must be <= hi"):
        pchecks.check_int(3, "x", lo=5, hi=4)
    with pytest.raises(ValueError, match="lo must be <= hi"):
        pchecks.check_real(3.0, "x", lo=5.0, hi=4.0)
    with pytest.raises(ValueError, match=r"^hi must be an integer"):
        pchecks.check_int(3, "x", hi=8.5)
    with pytest.raises(TypeError, match=r"^lo must be a finite number"):
        pchecks.check_real(3.0, "x", lo=np.array([1.0]))
    with pytest.raises(ValueError, match=r"^ndim must be an integer in \[0, 64\]"):
        pchecks.check_real_array([1.0], "x", ndim=-1)
    with pytest.raises(ValueError, match=r"^min_size must be an integer"):
        pchecks.check_real_array([1.0], "x", min_size=1e300)
    # a valid bound that excludes x is x's fault, and the message names x with the range
    with pytest.raises(ValueError, match=r"^x must be an integer <= 0, got 3"):
        pchecks.check_int(3, "x", hi=0)


def test_issue14_cases():
    """The cases issue 14 names, one by one."""
    rng = np.random.default_rng(0)
    with pytest.raises(RuntimeError, match="max_size"):
        perc.grow_bethe_cluster(0.6, 4, rng, max_size=100_000)
    with pytest.raises((ValueError, RuntimeError), match="max_large|max_tries"):
        pdata.make_percolation_dataset(rng, p=0.05)
    with pytest.raises(ValueError, match="p must be in"):
        SW.span_probability(NAN)
    with pytest.raises(ValueError, match="Dset"):
        perc.brill_data_loss(np.array([NAN]), 1.0, 0.5)
    with pytest.raises(ValueError, match="Dset"):
        perc.brill_data_loss(np.array([INF]), 1.0, 0.5)
    with pytest.raises(ValueError, match="p must be < 1"):
        perc.bethe_mean_cluster_size(1.0, 4)
    with pytest.raises(ValueError, match="sizes"):
        perc.mean_cluster_size(np.array([-1, 2]))
    with pytest.raises(ValueError, match="sizes"):
        perc.mean_cluster_size(np.array([NAN, 2.0]))
    with pytest.raises(ValueError, match="shape"):
        perc.bond_clusters((8.7, 8), 0.5, rng)
    with pytest.raises(ValueError, match="shape"):
        perc.newman_ziff_sweep((8.7, 8), rng)
    with pytest.raises(ValueError, match="n_sites"):
        perc.cluster_size_distribution(np.array([1, 2]), NAN)
    # truncation keeps exactly s_max + 1 sites (was: the whole crossing generation)
    c = perc.grow_bethe_cluster(0.9, 10, rng, s_max=1000)
    assert not c.complete and c.size == 1001 and c.parent.size == c.depth.size == 1001
    assert np.all(c.parent[1:] < np.arange(1, 1001))
