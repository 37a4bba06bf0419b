"""Run store and sweeps: atomic writes, half-written runs, resume after a kill, executors."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from nsl.store import RunStore, config_hash, derive_seed
from nsl.sweep import SerialExecutor, grid_product, make_executor, run_sweep


def square(config):
    return {"v": np.arange(config["i"] + 1) ** 2}, {"sum": int(np.sum(np.arange(config["i"] + 1) ** 2))}


def test_hash_is_order_independent_and_seed_reproducible():
    a = {"x": 1, "y": [1, 2], "z": {"q": 0.5}}
    b = {"z": {"q": 0.5}, "y": [1, 2], "x": 1}
    assert config_hash(a) == config_hash(b) and len(config_hash(a)) == 16
    assert config_hash(a) != config_hash({**a, "x": 2})
    assert derive_seed(a) == derive_seed(b) and derive_seed(a) != derive_seed(a, "other")
    assert config_hash({"x": np.int64(3)}) == config_hash({"x": 3})


def test_put_get_readable_without_nsl(store):
    cfg = {"kind": "t", "n": 3}
    store.put(cfg, {"a": np.arange(3.0)}, {"alpha": 1.5, "ci": (1.4, 1.6), "nan": float("nan")})
    run = store.get(cfg)
    assert run.result["alpha"] == 1.5 and run.result["ci"] == [1.4, 1.6] and run.result["nan"] is None
    np.testing.assert_array_equal(run.arrays["a"], np.arange(3.0))
    # plain JSON + NPZ: read back with the standard library and numpy alone
    path = store.path(cfg)
    assert json.loads((path / "config.json").read_text()) == cfg
    assert json.loads((path / "result.json").read_text())["key"] == path.name
    with np.load(path / "arrays.npz") as z:
        np.testing.assert_array_equal(z["a"], np.arange(3.0))
    assert not list(path.glob("*.tmp"))


def test_half_written_run_is_detected_and_redone(store):
    cfg = {"i": 4}
    path = store.path(cfg)
    path.mkdir(parents=True)
    (path / "config.json").write_text(json.dumps(cfg))  # crashed before result.json
    assert not store.has(cfg) and store.incomplete() == [path]
    (path / "result.json").write_text('{"key": "trunc')  # a torn write is not a result either
    assert not store.has(cfg)
    runs = run_sweep(square, [cfg], store=store, progress=False)
    assert runs[0].result["sum"] == 30 and store.has(cfg) and store.incomplete() == []


def test_bad_config_rejected(store):
    with pytest.raises(ValueError, match="config must be a mapping"):
        store.put([1, 2], {}, {})
    with pytest.raises(ValueError, match="plain values"):
        store.put({"f": object()}, {}, {})


def test_grid_product_and_bad_axes():
    g = grid_product(a=[1, 2], b=["x", "y", "z"])
    assert len(g) == 6 and g[0] == {"a": 1, "b": "x"} and g[-1] == {"a": 2, "b": "z"}
    with pytest.raises(ValueError, match="axis 'a'"):
        grid_product(a="abc")


@pytest.mark.parametrize("kind", ["serial", "thread", "process"])
def test_sweep_executors_give_same_results(tmp_path, kind):
    store = RunStore(tmp_path / kind)
    with make_executor(kind, workers=2) as ex:
        runs = run_sweep(square, [{"i": i} for i in range(5)], store=store, executor=ex, progress=False)
    assert [r.result["sum"] for r in runs] == [sum(k * k for k in range(i + 1)) for i in range(5)]


def test_unknown_executor():
    with pytest.raises(ValueError, match="executor must be one of"):
        with make_executor("mpi"):
            pass
    with pytest.raises(ValueError, match="workers must be >= 1"):
        with make_executor("thread", workers=0):
            pass


def test_dask_executor_with_local_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cl:
        with make_executor("dask", scheduler=cl.scheduler_address) as ex:
            runs = run_sweep(square, [{"i": i} for i in range(4)], store=RunStore(tmp_path), executor=ex, progress=False)
    assert [r.result["sum"] for r in runs] == [0, 1, 5, 14]


_calls = []


def counting(config):
    _calls.append(config["i"])
    if config["i"] == config.get("interrupt_at"):
        raise KeyboardInterrupt
    return square(config)


def test_ctrl_c_keeps_finished_runs_and_rerun_resumes(store):
    grid = [{"i": i, "interrupt_at": 3} for i in range(6)]
    _calls.clear()
    with pytest.raises(KeyboardInterrupt):
        run_sweep(counting, grid, store=store, executor=SerialExecutor(), progress=False)
    assert [store.has(c) for c in grid] == [True, True, True, False, False, False]
    _calls.clear()
    grid2 = [{"i": i, "interrupt_at": -1} if i >= 3 else c for i, c in enumerate(grid)]
    run_sweep(counting, grid2, store=store, executor=SerialExecutor(), progress=False)
    assert _calls == [3, 4, 5]  # only the unfinished runs were computed again
    _calls.clear()
    run_sweep(counting, grid2, store=store, executor=SerialExecutor(), progress=False, force=True)
    assert sorted(_calls) == [0, 1, 2, 3, 4, 5]


def test_sweep_error_names_the_config(store):
    from nsl.sweep import SweepError

    with pytest.raises(SweepError, match=r"config \{'i': -1\}"):
        run_sweep(lambda c: (_ for _ in ()).throw(RuntimeError("boom")) if c["i"] < 0 else square(c),
                  [{"i": -1}], store=store, executor="serial", progress=False)


def test_kill_sweep_midway_then_resume(tmp_path):
    """SIGKILL a process-pool sweep after some runs finished; a rerun computes only the others."""
    mod = tmp_path / "slowmod.py"
    mod.write_text(textwrap.dedent("""
        import os, time, uuid
        import numpy as np
        MARK = os.environ["MARK_DIR"]
        def slow(config):
            time.sleep(config["sleep"])
            open(os.path.join(MARK, f"{config['i']}-{uuid.uuid4().hex}"), "w").close()
            return {"i": np.array([config["i"]])}, {"i": config["i"]}
    """))
    driver = tmp_path / "driver.py"
    driver.write_text(textwrap.dedent(f"""
        import sys; sys.path.insert(0, {str(tmp_path)!r})
        from slowmod import slow
        from nsl.store import RunStore
        from nsl.sweep import run_sweep
        if __name__ == "__main__":
            run_sweep(slow, [{{"i": i, "sleep": 0.4}} for i in range(10)], store=RunStore({str(tmp_path / 'store')!r}),
                      executor="process", workers=2, progress=False)
    """))
    marks = tmp_path / "marks"
    marks.mkdir()
    env = {**os.environ, "MARK_DIR": str(marks)}
    proc = subprocess.Popen([sys.executable, str(driver)], env=env, start_new_session=True)
    store = RunStore(tmp_path / "store")
    grid = [{"i": i, "sleep": 0.4} for i in range(10)]
    deadline = time.time() + 120
    while sum(store.has(c) for c in grid) < 3 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = {c["i"] for c in grid if store.has(c)}
    assert 3 <= len(done) < 10
    for f in marks.iterdir():
        f.unlink()
    sys.path.insert(0, str(tmp_path))
    try:
        os.environ["MARK_DIR"] = str(marks)
        from slowmod import slow

        runs = run_sweep(slow, grid, store=store, executor="serial", progress=False)
    finally:
        sys.path.remove(str(tmp_path))
    recomputed = sorted(int(f.name.split("-")[0]) for f in marks.iterdir())
    assert recomputed == sorted(set(range(10)) - done)
    assert [r.result["i"] for r in runs] == list(range(10))


def blas_threads(config):
    return {}, {"omp": os.environ.get("OMP_NUM_THREADS"), "blas": os.environ.get("OPENBLAS_NUM_THREADS")}


def test_process_workers_share_the_cores(tmp_path, monkeypatch):
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(v, raising=False)
    n = os.cpu_count() or 1
    with make_executor("process", workers=n) as ex:
        runs = run_sweep(blas_threads, [{"i": i} for i in range(2)], store=RunStore(tmp_path), executor=ex, progress=False)
    assert all(r.result["omp"] == "1" and r.result["blas"] == "1" for r in runs)
    assert "OMP_NUM_THREADS" not in os.environ  # restored after the pool
