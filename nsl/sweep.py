"""Sweeps: map a function over a grid of configs through a ``concurrent.futures.Executor``.

``fn(config) -> (arrays, result)`` must be a module-level function (picklable); ``arrays``
is a dict of numpy arrays, ``result`` a dict of plain values (fits may be objects with
``to_dict``).  Each finished run is written to the store at once, in the main process, so
an interrupted sweep (Ctrl-C, a kill) keeps every finished run and a rerun computes only
the rest.  Seeds come from the config (:func:`nsl.store.derive_seed`), never from the order
of execution, so a run is reproducible alone.

One process per run: before computing a run, the sweep takes its lock in the store
(:meth:`nsl.store.RunStore.try_lock`).  A run whose lock a live process holds is not
computed again: the sweep waits for that process to store it (and takes over if that
process dies).  Damaged runs in the store are reported and computed again.

Local pool workers watch their parent and exit when it dies (even by SIGKILL), so a killed
sweep leaves no orphans computing for nobody.

Executors: ``"process"`` (local process pool, the default), ``"thread"``, ``"serial"``
(in-process, for debugging and tiny grids), ``"dask"`` (a ``dask.distributed`` client's
executor; ``scheduler`` is its address, or ``None`` for a local cluster).
"""
from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any

from nsl.runlock import RunLock
from nsl.store import Run, RunStore, canonical_config, config_hash

__all__ = ["EXECUTORS", "SerialExecutor", "grid_product", "make_executor", "run_sweep", "SweepError"]

EXECUTORS = ("process", "thread", "serial", "dask")
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
SCHEDULER_TIMEOUT_S = 10.0  # how long to try reaching a dask scheduler before giving up
WATCHDOG_PERIOD_S = 0.5  # how often a pool worker checks that its parent is alive
LOCK_POLL_S = 0.5  # how often a sweep looks at runs that another process is computing


class SweepError(RuntimeError):
    """A run of a sweep raised; finished runs are in the store."""


class SerialExecutor(Executor):
    """Runs each submitted call at once in the calling process (no pickling)."""

    def submit(self, fn, /, *args, **kwargs):
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


def _watch_parent(parent: int, period: float) -> None:
    while True:
        time.sleep(period)
        if os.getppid() != parent:  # re-parented: the sweep that started us is gone
            os._exit(70)


def _worker_init(parent: int, period: float = WATCHDOG_PERIOD_S) -> None:
    """Pool-worker initializer: a daemon thread exits the worker once its parent has died.

    Portable (``os.getppid`` changes when a process is re-parented); preferred over Linux's
    ``PR_SET_PDEATHSIG``, which fires when the *thread* that started the worker exits.
    """
    threading.Thread(target=_watch_parent, args=(parent, period), name="nsl-parent-watchdog", daemon=True).start()


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
        with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as tex:
            yield tex
    elif kind == "process":
        n = workers or os.cpu_count() or 1
        # each worker gets its share of the cores for BLAS/OpenMP/torch, so the pool does not
        # oversubscribe the machine (spawned workers read these variables when they start)
        share = str(max(1, (os.cpu_count() or 1) // n))
        saved = {v: os.environ.get(v) for v in _THREAD_VARS}
        for v in _THREAD_VARS:
            os.environ.setdefault(v, share)
        ex = ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("spawn"), initializer=_worker_init,
                                 initargs=(os.getpid(),))
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
            from nsl.checks import check_scheduler

            check_scheduler(scheduler, SCHEDULER_TIMEOUT_S)  # Client() alone can wait forever on a silent port
            try:
                client = Client(scheduler, timeout=SCHEDULER_TIMEOUT_S)
            except (OSError, TimeoutError) as exc:
                raise ValueError(f"--scheduler {scheduler}: cannot reach the dask scheduler within "
                                 f"{SCHEDULER_TIMEOUT_S:g} s ({type(exc).__name__}: {exc})") from None
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
              desc: str | None = None, workers: int | None = None, wait_timeout: float | None = None) -> list[Run]:
    """Run ``fn`` on every config of ``grid`` not yet in ``store``; return the runs in grid order.

    ``executor`` is an ``Executor`` instance, a kind name (see :func:`make_executor`) or
    ``None`` (a local process pool, or in-process when only one run is missing).  Finished
    runs are stored as they complete; ``KeyboardInterrupt`` cancels what has not started
    and re-raises, leaving every finished run on disk.  ``force=True`` recomputes all.

    Runs that another live process is computing (their lock is held) are waited for, not
    computed again; ``wait_timeout`` (seconds, default no limit) bounds that wait, after
    which :class:`SweepError` names the runs and their holder.
    """
    configs = [canonical_config(c) for c in grid]
    if not isinstance(store, RunStore):
        raise ValueError(f"store must be a RunStore, got {type(store).__name__}")
    seen: dict[str, dict] = {}
    for c in configs:
        seen.setdefault(config_hash(c), c)
    results: dict[str, Run] = {}
    todo = []
    for h, c in seen.items():
        run = None if force else store.get(c)
        if run is None:
            todo.append(c)
        else:
            results[h] = run
    waiting: list[dict] = []
    t_wait = None
    while todo:
        waiting = _compute(fn, todo, store, results, executor, workers, progress, desc, force)
        if not waiting:
            break
        if t_wait is None:
            t_wait = time.monotonic()
            if progress:
                who = store.lock_holder(waiting[0])
                print(f"nsl sweep: {len(waiting)} run(s) are being computed by another process"
                      f"{f' ({who})' if who else ''}; waiting for them", file=sys.stderr, flush=True)
        time.sleep(LOCK_POLL_S)
        todo = []
        for c in waiting:
            run = store.get(c)
            if run is not None:
                results[config_hash(c)] = run
            else:
                todo.append(c)  # retried: a lock whose holder died (or gave up) is taken over
        if todo and wait_timeout is not None and time.monotonic() - t_wait > wait_timeout:
            raise SweepError(f"{len(todo)} run(s) still locked by {store.lock_holder(todo[0])} after "
                             f"{wait_timeout:g} s: {', '.join(config_hash(c) for c in todo[:5])}")
        force = False  # what another process just stored is fresh
    out = []
    for c in configs:
        h = config_hash(c)
        run = results.get(h) or store.get(c)
        if run is None:  # pragma: no cover - a run vanished from the store during the sweep
            raise SweepError(f"run {h} missing from the store after the sweep")
        out.append(run)
    return out


def _compute(fn, todo: list[dict], store: RunStore, results: dict, executor, workers, progress, desc,
             force: bool) -> list[dict]:
    """Compute the runs of ``todo`` whose lock this process gets; return those another process holds."""
    if executor is None or isinstance(executor, str):
        kind = executor or ("serial" if len(todo) == 1 or workers == 1 else "process")
        if kind != "serial":  # claim first, so a pool is started only for runs this process will compute
            busy: list[dict] = []
            claimed = {}
            for c in todo:
                lock = _claim(c, store, results, force, busy)
                if lock is not None:
                    claimed[config_hash(c)] = lock
            if not claimed:
                return busy
            mine = [c for c in todo if config_hash(c) in claimed]
            w = workers if workers is not None else min(len(mine), os.cpu_count() or 1)
            try:
                with make_executor(kind, workers=w) as ex:
                    return busy + _drive(fn, mine, ex, store, results, progress, desc, force, claimed)
            finally:
                for lock in claimed.values():  # idempotent; frees them if the pool could not start
                    lock.release()
        with make_executor(kind, workers=1) as ex:
            return _drive(fn, todo, ex, store, results, progress, desc, force)
    return _drive(fn, todo, executor, store, results, progress, desc, force)


def _claim(c: dict, store: RunStore, results: dict, force: bool, busy: list[dict]) -> RunLock | None:
    """The run's lock if this process should compute it; else record why not (done, or busy)."""
    lock = store.try_lock(c)
    if lock is None:
        busy.append(c)
        return None
    run = None if force else store.get(c)
    if run is not None:  # another process finished it since we looked
        lock.release()
        results[config_hash(c)] = run
        return None
    return lock


def _drive(fn, todo, ex: Executor, store: RunStore, results: dict, progress: bool, desc: str | None,
           force: bool = False, claimed: dict[str, RunLock] | None = None) -> list[dict]:
    """Run ``todo`` on ``ex``, each under its lock (taken just before it starts in-process, at
    submission for pools, or already ``claimed``); store each result as it comes.  Returns the
    runs others hold."""
    from tqdm.auto import tqdm

    busy: list[dict] = []
    locks: dict[str, RunLock] = dict(claimed or {})
    futures: dict[Future, dict] = {}
    bar = tqdm(total=len(todo), desc=desc or getattr(fn, "__name__", "sweep"), disable=not progress, leave=False)

    def claimed_runs():
        for c in todo:
            if config_hash(c) in locks:
                yield c
                continue
            lock = _claim(c, store, results, force, busy)
            if lock is None:
                bar.update(1)
                continue
            locks[config_hash(c)] = lock
            yield c

    def finished():
        if isinstance(ex, SerialExecutor):  # runs at submit: store each before starting the next
            for c in claimed_runs():
                fut = ex.submit(_timed_call, fn, c)
                futures[fut] = c
                yield fut
        else:
            for c in claimed_runs():
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
            h = config_hash(c)
            results[h] = store.put(c, arrays, result, wall_s=wall)
            locks.pop(h).release()
            bar.update(1)
    except KeyboardInterrupt:
        for f in futures:
            f.cancel()
        raise
    finally:
        bar.close()
        for lock in locks.values():  # runs that failed or were interrupted: free for whoever comes next
            lock.release()
    return busy
