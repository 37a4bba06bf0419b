"""Sweeps: map a function over a grid of configs through a ``concurrent.futures.Executor``.

``fn(config) -> (arrays, result)`` must be a module-level function (picklable); ``arrays``
is a dict of numpy arrays, ``result`` a dict of plain values (fits may be objects with
``to_dict``).  Each finished run is written to the store at once, in the main process, so
an interrupted sweep (Ctrl-C, a kill) keeps every finished run and a rerun computes only
the rest.  Seeds come from the config (:func:`nsl.store.derive_seed`), never from the order
of execution, so a run is reproducible alone.

Executors: ``"process"`` (local process pool, the default), ``"thread"``, ``"serial"``
(in-process, for debugging and tiny grids), ``"dask"`` (a ``dask.distributed`` client's
executor; ``scheduler`` is its address, or ``None`` for a local cluster).
"""
from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from nsl.store import Run, RunStore, canonical_config, config_hash

__all__ = ["EXECUTORS", "SerialExecutor", "grid_product", "make_executor", "run_sweep", "SweepError"]

EXECUTORS = ("process", "thread", "serial", "dask")
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


class SweepError(RuntimeError):
    """A run of a sweep raised; finished runs are in the store."""


class SerialExecutor(Executor):
    """Runs each submitted call at once in the calling process (no pickling)."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            if isinstance(exc, KeyboardInterrupt):
                raise
            fut.set_exception(exc)
        return fut


def grid_product(**axes: Sequence[Any]) -> list[dict]:
    """The Cartesian product of named axes as a list of config dicts (last axis fastest)."""
    for k, v in axes.items():
        if isinstance(v, (str, bytes)) or not isinstance(v, Iterable):
            raise ValueError(f"axis {k!r} must be a sequence of values, got {v!r}")
    keys = list(axes)
    return [dict(zip(keys, combo)) for combo in itertools.product(*(list(axes[k]) for k in keys))]


@contextmanager
def make_executor(kind: str = "process", *, workers: int | None = None, scheduler: str | None = None) -> Iterator[Executor]:
    """An executor of ``kind`` (one of :data:`EXECUTORS`), shut down on exit.

    ``workers`` defaults to the number of CPUs; ``scheduler`` is the dask scheduler address
    (``tcp://host:8786``); with ``kind="dask"`` and no address a ``LocalCluster`` is started.
    """
    if kind not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}, got {kind!r}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    if kind == "serial":
        yield SerialExecutor()
    elif kind == "thread":
        with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as ex:
            yield ex
    elif kind == "process":
        n = workers or os.cpu_count() or 1
        # each worker gets its share of the cores for BLAS/OpenMP/torch, so the pool does not
        # oversubscribe the machine (spawned workers read these variables when they start)
        share = str(max(1, (os.cpu_count() or 1) // n))
        saved = {v: os.environ.get(v) for v in _THREAD_VARS}
        for v in _THREAD_VARS:
            os.environ.setdefault(v, share)
        ex = ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("spawn"))
        try:
            yield ex
        finally:
            ex.shutdown(wait=True, cancel_futures=True)
            for v, old in saved.items():
                if old is None:
                    os.environ.pop(v, None)
                else:
                    os.environ[v] = old
    else:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - depends on the optional extra
            raise ValueError("executor 'dask' needs the optional extra: pip install 'nsl-toolkit[dask]'") from None
        cluster = None
        if scheduler is None:
            cluster = LocalCluster(n_workers=workers or 1, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
        else:
            client = Client(scheduler)
        try:
            yield client.get_executor()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def _timed_call(fn: Callable[[dict], Any], config: dict) -> tuple[Any, Any, float]:
    t0 = time.perf_counter()
    out = fn(config)
    if isinstance(out, Mapping):
        out = (out.get("arrays", {}), {k: v for k, v in out.items() if k != "arrays"})
    if not (isinstance(out, tuple) and len(out) == 2):
        raise TypeError(f"a sweep function must return (arrays, result), got {type(out).__name__}")
    return out[0], out[1], time.perf_counter() - t0


def run_sweep(fn: Callable[[dict], Any], grid: Iterable[Mapping[str, Any]], *, store: RunStore,
              executor: Executor | str | None = None, progress: bool = True, force: bool = False,
              desc: str | None = None, workers: int | None = None) -> list[Run]:
    """Run ``fn`` on every config of ``grid`` not yet in ``store``; return the runs in grid order.

    ``executor`` is an ``Executor`` instance, a kind name (see :func:`make_executor`) or
    ``None`` (a local process pool, or in-process when only one run is missing).  Finished
    runs are stored as they complete; ``KeyboardInterrupt`` cancels what has not started
    and re-raises, leaving every finished run on disk.  ``force=True`` recomputes all.
    """
    configs = [canonical_config(c) for c in grid]
    if not isinstance(store, RunStore):
        raise ValueError(f"store must be a RunStore, got {type(store).__name__}")
    seen: dict[str, dict] = {}
    for c in configs:
        seen.setdefault(config_hash(c), c)
    todo = [c for h, c in seen.items() if force or not store.has(c)]
    results: dict[str, Run] = {}
    if todo:
        if executor is None or isinstance(executor, str):
            kind = executor or ("serial" if len(todo) == 1 or workers == 1 else "process")
            w = workers if workers is not None else min(len(todo), os.cpu_count() or 1)
            with make_executor(kind, workers=w) as ex:
                _drive(fn, todo, ex, store, results, progress, desc)
        else:
            _drive(fn, todo, executor, store, results, progress, desc)
    out = []
    for c in configs:
        h = config_hash(c)
        run = results.get(h) or store.get(c)
        if run is None:  # pragma: no cover - a run vanished from the store during the sweep
            raise SweepError(f"run {h} missing from the store after the sweep")
        out.append(run)
    return out


def _drive(fn, todo, ex: Executor, store: RunStore, results: dict, progress: bool, desc: str | None) -> None:
    from tqdm.auto import tqdm

    futures: dict[Future, dict] = {}
    bar = tqdm(total=len(todo), desc=desc or getattr(fn, "__name__", "sweep"), disable=not progress, leave=False)
    def finished():
        if isinstance(ex, SerialExecutor):  # runs at submit: store each before starting the next
            for c in todo:
                fut = ex.submit(_timed_call, fn, c)
                futures[fut] = c
                yield fut
        else:
            for c in todo:
                futures[ex.submit(_timed_call, fn, c)] = c
            yield from as_completed(futures)

    try:
        for fut in finished():
            c = futures[fut]
            try:
                arrays, result, wall = fut.result()
            except Exception as exc:
                for f in futures:
                    f.cancel()
                raise SweepError(f"run {config_hash(c)} with config {c} failed: {type(exc).__name__}: {exc}") from exc
            results[config_hash(c)] = store.put(c, arrays, result, wall_s=wall)
            bar.update(1)
    except KeyboardInterrupt:
        for f in futures:
            f.cancel()
        raise
    finally:
        bar.close()
