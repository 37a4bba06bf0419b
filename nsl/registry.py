"""One registry for suites, figures, predictions and benchmarks, known by name, imported on use.

:data:`INDEX` is the table of every entry the project ships: its name, the module that defines
it and a one-line description.  Listing names (``nsl list``, ``nsl --help``, argument checks)
reads only this table; an entry's module is imported the first time the entry itself is used,
so ``nsl --version``, ``nsl --help`` and ``nsl predict NAME`` import no suite, no torch and no
matplotlib.

Adding an entry is two steps:

1. decorate its callable in its module: a suite with :func:`suite` (in ``validation/``), a figure
   with :func:`figure` (in ``figures/``), a prediction with :func:`prediction` (in
   ``nsl/predictions/``), a benchmark with :func:`benchmark` (``validation/bench_<area>.py``);
2. add one line for it to :data:`INDEX`.

``tests/test_registry.py`` imports every module of those packages and checks that the two agree
(no entry missing from the table, no table line without its entry).  Entries registered by
decorator alone (a test's toy suite) are found too, without a table line.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

__all__ = [
    "SuiteEntry", "FigureEntry", "PredictionEntry", "BenchmarkEntry",
    "suite", "figure", "prediction", "benchmark",
    "suites", "figures", "predictions", "benchmarks", "get", "discover", "names", "describe", "INDEX",
]

_PACKAGES = ("nsl.validation", "nsl.figures", "nsl.predictions")

#: kind -> name -> (module, one-line description).  One line per shipped entry; see the module doc.
INDEX: dict[str, dict[str, tuple[str, str]]] = {
    "suite": {
        "deep-regression": ("nsl.validation.deep_regression",
                            "deep-regression scaling (Čadež & Kim 2025) on spin textures: data, model and "
                            "intrinsic-dimension sweeps"),
        "fitting": ("nsl.validation.fitting", "recovery and coverage of the exponent fits"),
        "percolation": ("nsl.validation.percolation",
                        "percolation: cluster statistics, Newman-Ziff, Bethe lattice, Brill's scaling laws, the toy "
                        "regression"),
        "real-data": ("nsl.validation.real_data",
                      "nsl predict spectrum on held-out digits (scikit-learn): alpha_D and the learning curve"),
        "regimes": ("nsl.validation.regimes",
                    "four scaling regimes (Bahri et al. 2024): random features, KRR learning curves, NTK, "
                    "teacher-student"),
        "two-layer": ("nsl.validation.two_layer",
                      "two-layer online SGD: ODE vs simulation, closed forms, exponents, plateaus"),
    },
    "figure": {
        "deep-regression-data": ("nsl.figures.deep_regression_data", "test MSE per parameter vs training-set size N_D"),
        "deep-regression-id": ("nsl.figures.deep_regression_id", "theta's test MSE vs N_D for d = 1, 2, 3 free parameters"),
        "deep-regression-model": ("nsl.figures.deep_regression_model", "test MSE per parameter vs parameter count N_M"),
        "fitting-coverage": ("nsl.figures.fitting_coverage", "coverage of the bootstrap intervals of alpha"),
        "fitting-joint": ("nsl.figures.fitting_joint", "joint L(N, D) fit and the bootstrap of alpha, beta"),
        "fitting-recovery": ("nsl.figures.fitting_recovery", "recovery of synthetic power laws by fit_power_law"),
        "fitting-single-coverage": ("nsl.figures.fitting_single_coverage",
                                    "one-curve interval coverage per law, with Wilson intervals"),
        "percolation-loss": ("nsl.figures.percolation_loss_curves", "toy regression losses vs DOF against the closed forms"),
        "percolation-ns": ("nsl.figures.percolation_cluster_numbers", "n_s at p_c on 2-D tori with the exact tau line"),
        "percolation-phase": ("nsl.figures.percolation_phase", "alpha_N and alpha_D against tau (Brill's phase diagram)"),
        "real-data-digits": ("nsl.figures.real_data_digits", "digits: predicted vs measured held-out learning curve"),
        "regimes-diagonal": ("nsl.figures.regimes_diagonal", "alpha_D and alpha_P (resolution-limited) against alpha_K"),
        "regimes-four": ("nsl.figures.regimes_four", "L vs D and L vs P: simulation against the deterministic equivalent"),
        "regimes-kernel": ("nsl.figures.regimes_kernel", "ReLU NTK on the circle: eigenvalues and KRR learning curve"),
        "regimes-learning-curve": ("nsl.figures.regimes_learning_curve", "E_g(D): self-consistent theory vs simulated KRR"),
        "regimes-spectrum": ("nsl.figures.regimes_spectrum", "sample-covariance eigenvalues and the fitted power law"),
        "regimes-teacher-student": ("nsl.figures.regimes_teacher_student", "4/alpha_D vs d for deep teacher-student nets"),
        "two-layer-escape": ("nsl.figures.two_layer_escape", "plateau escape time and length vs L and M"),
        "two-layer-linear": ("nsl.figures.two_layer_linear", "linear two-layer network: SGD vs closed form and asymptote"),
        "two-layer-plateau-L": ("nsl.figures.two_layer_plateau_L", "erf two-layer learning curves for several L"),
        "two-layer-trainable": ("nsl.figures.two_layer_trainable", "eg(inf) vs the number of trainable components"),
    },
    "prediction": {
        "percolation": ("nsl.predictions.percolation", "tau, D, alpha, alpha_N, alpha_D and the regime (Brill 2024)"),
        "regimes": ("nsl.predictions.regimes", "alias of `nsl predict spectrum`"),
        "spectrum": ("nsl.predictions.regimes",
                     "what exponent does my spectrum predict? the four regimes (Bahri et al. 2024)"),
        "two-layer": ("nsl.predictions.two_layer",
                      "two-layer online SGD with a power-law spectrum: exponents, window, plateau, escape"),
    },
    "benchmark": {
        "cli": ("nsl.validation.bench_cli", "start-up CPU of nsl --help, --version and predict"),
        "deep-regression": ("nsl.validation.bench_deep_regression",
                            "spin-texture generators, training throughput, cache memory"),
        "fitting": ("nsl.validation.bench_fitting", "power-law, joint and tail fit timings"),
        "percolation": ("nsl.validation.bench_percolation", "cluster labelling, Newman-Ziff, the toy seed, the MLP"),
        "regimes": ("nsl.validation.bench_regimes", "learning-curve solver, random-feature sweep, NTK"),
        "two-layer": ("nsl.validation.bench_two_layer", "two-layer ODE and online-SGD simulation timings"),
    },
}


@dataclass(frozen=True)
class SuiteEntry:
    name: str
    fn: Callable[..., list]
    description: str = ""
    budget_s: dict = field(default_factory=lambda: {"quick": 180.0})


@dataclass(frozen=True)
class FigureEntry:
    name: str
    fn: Callable[..., Any]
    suite: str
    description: str = ""


@dataclass(frozen=True)
class PredictionEntry:
    name: str
    configure: Callable[..., None]
    compute: Callable[..., dict]
    description: str = ""


@dataclass(frozen=True)
class BenchmarkEntry:
    name: str
    fn: Callable[..., list]
    description: str = ""


_REG: dict[str, dict[str, Any]] = {"suite": {}, "figure": {}, "prediction": {}, "benchmark": {}}
_discovered = False


def _add(kind: str, entry: Any) -> None:
    table = _REG[kind]
    old = table.get(entry.name)
    if old is not None and getattr(old, "fn", getattr(old, "compute", None)) is not getattr(
        entry, "fn", getattr(entry, "compute", None)
    ):
        # re-import of the same module (e.g. importlib.reload) replaces silently; a clash of two
        # different modules on one name is a programming error.
        old_mod = getattr(getattr(old, "fn", getattr(old, "compute", None)), "__module__", None)
        new_mod = getattr(getattr(entry, "fn", getattr(entry, "compute", None)), "__module__", None)
        if old_mod != new_mod:
            raise ValueError(f"{kind} name {entry.name!r} registered twice ({old_mod} and {new_mod})")
    table[entry.name] = entry


def suite(name: str, *, description: str = "", budget_s: dict | None = None):
    """Register ``fn(ctx: nsl.context.SuiteContext) -> list[nsl.rows.Row]`` as suite ``name``.

    ``budget_s`` maps a preset to the wall time (s) the suite should take on 2 idle cores; the
    runner adds a note to the report when a run exceeds it.
    """

    def deco(fn):
        _add("suite", SuiteEntry(name, fn, description or (fn.__doc__ or "").strip().split("\n")[0],
                                 dict(budget_s or {"quick": 180.0})))
        return fn

    return deco


def figure(name: str, *, suite: str, description: str = ""):
    """Register ``fn(ctx: nsl.context.FigureContext) -> nsl.context.FigureOutput`` as figure ``name``.

    ``suite`` names the suite whose stored artifacts the figure reads; ``nsl figures`` runs it
    first when they are missing.
    """

    def deco(fn):
        _add("figure", FigureEntry(name, fn, suite, description or (fn.__doc__ or "").strip().split("\n")[0]))
        return fn

    return deco


def prediction(name: str, *, configure: Callable[..., None], description: str = ""):
    """Register ``nsl predict NAME``: ``configure(parser)`` adds arguments, the decorated
    ``compute(args) -> dict`` returns plain values (printed as text or ``--json``)."""

    def deco(fn):
        _add("prediction", PredictionEntry(name, configure, fn, description or (fn.__doc__ or "").strip().split("\n")[0]))
        return fn

    return deco


def benchmark(name: str, *, description: str = ""):
    """Register ``fn(quick: bool) -> list[nsl.bench.Measurement]`` for ``python -m nsl.bench NAME``."""

    def deco(fn):
        _add("benchmark", BenchmarkEntry(name, fn, description or (fn.__doc__ or "").strip().split("\n")[0]))
        return fn

    return deco


def discover() -> None:
    """Import every module of the registered packages once (registration is an import side effect).

    Only the consistency test and whole-table callers (:func:`suites` etc.) need this; name lookups
    import just the one module.
    """
    global _discovered
    if _discovered:
        return
    for pkg_name in _PACKAGES:
        pkg = importlib.import_module(pkg_name)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg_name + "."):
            importlib.import_module(info.name)
    _discovered = True


def _check_kind(kind: str) -> None:
    if kind not in _REG:
        raise ValueError(f"kind must be one of {sorted(_REG)}, got {kind!r}")


def names(kind: str) -> list[str]:
    """The names of ``kind`` ('suite', 'figure', 'prediction', 'benchmark'), sorted, without importing."""
    _check_kind(kind)
    return sorted(set(INDEX.get(kind, {})) | set(_REG[kind]))


def describe(kind: str, name: str) -> str:
    """One-line description of an entry, from :data:`INDEX` (no import) or its registration."""
    _check_kind(kind)
    if name in INDEX.get(kind, {}):
        return INDEX[kind][name][1]
    entry = _REG[kind].get(name)
    return "" if entry is None else entry.description


def get(kind: str, name: str) -> Any:
    """The entry ``name`` of ``kind`` ('suite', 'figure', 'prediction', 'benchmark'), importing its module.

    Raises ``ValueError`` naming the allowed names when ``name`` is unknown.
    """
    _check_kind(kind)
    if name not in _REG[kind] and name in INDEX.get(kind, {}):
        importlib.import_module(INDEX[kind][name][0])
    if name not in _REG[kind]:
        if name in INDEX.get(kind, {}):  # pragma: no cover - guarded by tests/test_registry.py
            raise RuntimeError(f"{kind} {name!r}: module {INDEX[kind][name][0]} did not register it")
        raise ValueError(f"unknown {kind} {name!r}; allowed: {', '.join(names(kind)) or '(none registered)'}")
    return _REG[kind][name]


def _table(kind: str) -> dict[str, Any]:
    return {n: get(kind, n) for n in names(kind)}


def suites() -> dict[str, SuiteEntry]:
    """Every suite entry (imports the suite modules)."""
    return _table("suite")


def figures() -> dict[str, FigureEntry]:
    """Every figure entry (imports the figure modules)."""
    return _table("figure")


def predictions() -> dict[str, PredictionEntry]:
    """Every prediction entry (imports the prediction modules)."""
    return _table("prediction")


def benchmarks() -> dict[str, BenchmarkEntry]:
    """Every benchmark entry (imports the benchmark modules)."""
    return _table("benchmark")
