"""One registry for suites, figures, predictions and benchmarks (name -> callable).

A new suite is one module under ``validation/`` that decorates its entry point with
:func:`suite`; a new figure is one module under ``figures/`` decorated with :func:`figure`;
a prediction (``nsl predict NAME``) is a module under ``nsl/predictions/`` decorated with
:func:`prediction`; a benchmark (``python -m nsl.bench NAME``) is a function decorated with
:func:`benchmark` in any of those packages (by convention ``validation/bench_<area>.py``).

Discovery imports every module of those packages once, on first use.  Modules must keep
heavy imports (torch, the simulations) inside their functions so that the CLI starts fast.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = [
    "SuiteEntry", "FigureEntry", "PredictionEntry", "BenchmarkEntry",
    "suite", "figure", "prediction", "benchmark",
    "suites", "figures", "predictions", "benchmarks", "get", "discover",
]

_PACKAGES = ("nsl.validation", "nsl.figures", "nsl.predictions")


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
    """Register ``fn(ctx: nsl.context.SuiteContext) -> list[nsl.rows.Row]`` as suite ``name``."""

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
    """Import every module of the registered packages once (registration is an import side effect)."""
    global _discovered
    if _discovered:
        return
    for pkg_name in _PACKAGES:
        pkg = importlib.import_module(pkg_name)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg_name + "."):
            importlib.import_module(info.name)
    _discovered = True


def _table(kind: str) -> dict[str, Any]:
    discover()
    return dict(sorted(_REG[kind].items()))


def suites() -> dict[str, SuiteEntry]:
    return _table("suite")


def figures() -> dict[str, FigureEntry]:
    return _table("figure")


def predictions() -> dict[str, PredictionEntry]:
    return _table("prediction")


def benchmarks() -> dict[str, BenchmarkEntry]:
    return _table("benchmark")


def get(kind: str, name: str) -> Any:
    """The entry ``name`` of ``kind`` ('suite', 'figure', 'prediction', 'benchmark').

    Raises ``ValueError`` naming the allowed names when ``name`` is unknown.
    """
    if kind not in _REG:
        raise ValueError(f"kind must be one of {sorted(_REG)}, got {kind!r}")
    table = _table(kind)
    if name not in table:
        raise ValueError(f"unknown {kind} {name!r}; allowed: {', '.join(table) or '(none registered)'}")
    return table[name]
