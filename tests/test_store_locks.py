"""One process per run: per-run locks (live, stale, two sweeps at once) and no orphaned pool workers."""
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from nsl.runlock import holder, pid_alive, try_lock
from nsl.store import RunStore
from nsl.sweep import SerialExecutor, SweepError, run_sweep

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and flock")

_calls: list[int] = []


def cell(config):
    _calls.append(config["i"])
    return {"v": np.array([config["i"]])}, {"i": config["i"]}


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0]
        return state != "Z"
    except (FileNotFoundError, IndexError):
        return pid_alive(pid) if not Path("/proc").exists() else False


def _python(code: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], **kw)


def _wait(pred, timeout=60.0):
    t = time.time() + timeout
    while not pred():
        if time.time() > t:
            return False
        time.sleep(0.05)
    return True


def test_lock_is_exclusive_and_records_the_pid(tmp_path):
    lk = try_lock(tmp_path / "a.lock")
    assert lk is not None and holder(tmp_path / "a.lock").pid == os.getpid()
    proc = _python(f"""
        from nsl.runlock import try_lock
        print(try_lock({str(tmp_path / 'a.lock')!r}) is None)
    """, stdout=subprocess.PIPE, text=True)
    assert proc.communicate(timeout=60)[0].strip() == "True"  # another process cannot take it
    lk.release()
    assert try_lock(tmp_path / "a.lock") is not None


def test_stale_lock_of_a_killed_process_is_taken_over(tmp_path):
    store = RunStore(tmp_path / "s")
    path = store.lock_path({"i": 0})
    proc = _python(f"""
        import time
        from nsl.runlock import try_lock
        lk = try_lock({str(path)!r}); print("locked", flush=True); time.sleep(120)
    """, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    assert store.try_lock({"i": 0}) is None and store.lock_holder({"i": 0}).pid == proc.pid
    proc.kill()
    proc.wait()
    lk = store.try_lock({"i": 0})
    assert lk is not None and lk.stale is not None and lk.stale.pid == proc.pid
    lk.release()


def test_sweep_waits_for_a_run_in_flight_elsewhere(tmp_path):
    """A second process on the same store does not compute the run the first one holds."""
    store = RunStore(tmp_path / "s")
    proc = _python(f"""
        import time, numpy as np
        from nsl.store import RunStore
        s = RunStore({str(store.root)!r})
        lk = s.try_lock({{"i": 1}}); print("locked", flush=True)
        time.sleep(1.5)
        s.put({{"i": 1}}, {{"v": np.array([1])}}, {{"i": 1, "by": "other"}}); lk.release()
    """, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    _calls.clear()
    runs = run_sweep(cell, [{"i": i} for i in range(3)], store=store, executor=SerialExecutor(), progress=False)
    proc.wait(timeout=60)
    assert sorted(_calls) == [0, 2] and runs[1].result["by"] == "other"


def test_sweep_takes_over_when_the_holder_dies(tmp_path):
    store = RunStore(tmp_path / "s")
    proc = _python(f"""
        import time
        from nsl.store import RunStore
        lk = RunStore({str(store.root)!r}).try_lock({{"i": 0}}); print("locked", flush=True); time.sleep(1.0)
        import os; os.kill(os.getpid(), 9)
    """, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    _calls.clear()
    runs = run_sweep(cell, [{"i": 0}], store=store, executor=SerialExecutor(), progress=False)
    proc.wait(timeout=60)
    assert _calls == [0] and runs[0].result["i"] == 0


def test_wait_timeout_names_the_holder(tmp_path):
    store = RunStore(tmp_path / "s")
    lk = try_lock(store.lock_path({"i": 5}))  # held by this process through another open file
    try:
        with pytest.raises(SweepError, match=f"locked by PID {os.getpid()}"):
            run_sweep(cell, [{"i": 5}], store=store, executor=SerialExecutor(), progress=False, wait_timeout=0.2)
    finally:
        lk.release()


def test_two_sweeps_at_once_compute_each_run_once(tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    mod = tmp_path / "slowcell.py"
    mod.write_text(textwrap.dedent(f"""
        import os, time, uuid
        def slow(config):
            time.sleep(0.3)
            open(os.path.join({str(marks)!r}, f"{{config['i']}}-{{uuid.uuid4().hex}}"), "w").close()
            return {{}}, {{"i": config["i"], "pid": os.getpid()}}
    """))
    code = f"""
        import sys; sys.path.insert(0, {str(tmp_path)!r})
        from slowcell import slow
        from nsl.store import RunStore
        from nsl.sweep import run_sweep
        runs = run_sweep(slow, [{{"i": i}} for i in range(8)], store=RunStore({str(tmp_path / 's')!r}),
                         executor="serial", progress=False)
        print(sorted(r.result["i"] for r in runs))
    """
    a, b = _python(code, stdout=subprocess.PIPE, text=True), _python(code, stdout=subprocess.PIPE, text=True)
    outs = [p.communicate(timeout=120)[0].strip() for p in (a, b)]
    assert a.returncode == 0 and b.returncode == 0
    assert outs == [str(list(range(8)))] * 2
    done = sorted(int(f.name.split("-")[0]) for f in marks.iterdir())
    assert done == list(range(8))  # each run computed exactly once, by one of the two
    pids = {RunStore(tmp_path / "s").get({"i": i}).result["pid"] for i in range(8)}
    assert pids <= {a.pid, b.pid}  # (usually both did part of it: in-process sweeps lock one run at a time)


def test_pool_workers_exit_when_the_parent_is_killed(tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    (tmp_path / "sleepy.py").write_text(textwrap.dedent(f"""
        import os, time
        def sleepy(config):
            open(os.path.join({str(marks)!r}, str(os.getpid())), "w").close()
            time.sleep(120)
            return {{}}, {{}}
    """))
    proc = _python(f"""
        import sys; sys.path.insert(0, {str(tmp_path)!r})
        from sleepy import sleepy
        from nsl.store import RunStore
        from nsl.sweep import run_sweep
        if __name__ == "__main__":
            run_sweep(sleepy, [{{"i": i}} for i in range(2)], store=RunStore({str(tmp_path / 's')!r}),
                      executor="process", workers=2, progress=False)
    """)
    try:
        assert _wait(lambda: len(list(marks.iterdir())) == 2, 120), "workers did not start"
        workers = [int(f.name) for f in marks.iterdir()]
        assert all(_alive(p) for p in workers)
        proc.send_signal(signal.SIGKILL)  # the parent alone, as a kill -9 or the OOM killer would
        proc.wait()
        assert _wait(lambda: not any(_alive(p) for p in workers), 10), "orphaned workers still running"
    finally:
        for f in marks.iterdir():
            if _alive(int(f.name)):
                os.kill(int(f.name), signal.SIGKILL)


def test_waiting_starts_no_pool(tmp_path, monkeypatch):
    """While every missing run is in flight elsewhere, no process pool is started (and restarted) to wait."""
    import nsl.sweep as sweep

    store = RunStore(tmp_path / "s")
    started = []
    real = sweep.make_executor
    monkeypatch.setattr(sweep, "make_executor", lambda *a, **k: started.append(a) or real(*a, **k))
    proc = _python(f"""
        import time, numpy as np
        from nsl.store import RunStore
        s = RunStore({str(store.root)!r})
        locks = [s.try_lock({{"i": i}}) for i in range(2)]; print("locked", flush=True)
        time.sleep(1.5)
        for i in range(2):
            s.put({{"i": i}}, {{"v": np.array([i])}}, {{"i": i}})
    """, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    runs = run_sweep(cell, [{"i": 0}, {"i": 1}], store=store, executor="process", workers=2, progress=False)
    proc.wait(timeout=60)
    assert started == [] and [r.result["i"] for r in runs] == [0, 1]
