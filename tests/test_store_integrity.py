"""Run-store integrity: file modes, checksums, damaged runs recomputed, path-independent keys."""
import json
import os
import shutil
import stat

import numpy as np
import pytest

from nsl.store import RunStore, config_hash
from nsl.sweep import SerialExecutor, run_sweep

_calls: list[int] = []


def cell(config):
    _calls.append(config["i"])
    x = np.arange(config["i"] + 3, dtype=float)
    return {"grid": x, "y": x ** 2}, {"total": float(np.sum(x ** 2))}


def _sweep(store, n=4):
    _calls.clear()
    runs = run_sweep(cell, [{"i": i} for i in range(n)], store=store, executor=SerialExecutor(), progress=False)
    return runs, sorted(_calls)


@pytest.fixture
def lines():
    return []


@pytest.fixture
def rstore(tmp_path, lines):
    return RunStore(tmp_path / "store", report=lines.append)


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_files_follow_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        store = RunStore(tmp_path / "s")
        store.put({"i": 1}, {"a": np.ones(2)}, {"v": 1})
        from nsl.jsonio import atomic_write_text

        atomic_write_text(tmp_path / "report.html", "<html></html>")
    finally:
        os.umask(old)
    files = [*store.path({"i": 1}).iterdir(), tmp_path / "report.html"]
    assert len(files) == 4
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == mode, f


def _damage_delete_arrays(p):
    (p / "arrays.npz").unlink()


def _damage_truncate_arrays(p):
    f = p / "arrays.npz"
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])


def _damage_swap_arrays(p):  # a valid npz with other numbers
    np.savez_compressed(p / "arrays.npz", grid=np.zeros(3), y=np.zeros(3))


def _damage_delete_config(p):
    (p / "config.json").unlink()


def _damage_edit_config(p):
    (p / "config.json").write_text(json.dumps({"i": 99}))


def _damage_edit_result(p):  # hand-edited but valid JSON
    res = json.loads((p / "result.json").read_text())
    res["total"] = 0.0
    (p / "result.json").write_text(json.dumps(res))


def _damage_tear_result(p):
    f = p / "result.json"
    f.write_text(f.read_text()[:40])


def _damage_empty_result(p):
    (p / "result.json").write_text("")


DAMAGE = {
    "arrays.npz deleted": (_damage_delete_arrays, "arrays.npz is missing"),
    "arrays.npz truncated": (_damage_truncate_arrays, "arrays.npz is damaged"),
    "arrays.npz replaced": (_damage_swap_arrays, "arrays.npz is damaged"),
    "config.json deleted": (_damage_delete_config, "config.json is missing"),
    "config.json edited": (_damage_edit_config, "config.json is damaged"),
    "result.json edited": (_damage_edit_result, "result.json was edited"),
    "result.json torn": (_damage_tear_result, "not valid JSON"),
    "result.json empty": (_damage_empty_result, "not valid JSON"),
}


@pytest.mark.parametrize("scenario", list(DAMAGE))
def test_damaged_run_reported_once_and_recomputed(rstore, lines, scenario):
    first, calls = _sweep(rstore)
    assert calls == [0, 1, 2, 3]
    want = [(r.result["total"], r.arrays["y"].tolist()) for r in first]
    damage, problem = DAMAGE[scenario]
    damage(rstore.path({"i": 2}))
    again, calls = _sweep(rstore)
    assert calls == [2]  # only the damaged run is computed again
    assert [(r.result["total"], r.arrays["y"].tolist()) for r in again] == want
    key = config_hash({"i": 2})
    assert len(lines) == 1 and key in lines[0] and problem in lines[0] and '{"i":2}' in lines[0], lines
    _, calls = _sweep(rstore)  # repaired: nothing left to do, nothing more reported
    assert calls == [] and len(lines) == 1


def test_legacy_run_without_checksums(rstore, lines):
    """Runs written before checksums are accepted when intact and checked structurally."""
    _sweep(rstore, 2)
    for i in range(2):
        p = rstore.path({"i": i})
        res = json.loads((p / "result.json").read_text())
        del res["files"], res["checksum"]
        (p / "result.json").write_text(json.dumps(res))
    fresh = RunStore(rstore.root, report=lines.append)
    assert fresh.has({"i": 0}) and fresh.has({"i": 1})
    _damage_truncate_arrays(fresh.path({"i": 1}))
    fresh = RunStore(rstore.root, report=lines.append)
    _, calls = _sweep(fresh, 2)
    assert calls == [1] and "arrays.npz is damaged" in lines[0]


def test_runs_and_incomplete_skip_damage(rstore, lines):
    _sweep(rstore, 3)
    _damage_delete_arrays(rstore.path({"i": 1}))
    assert sorted(r.config["i"] for r in rstore.runs()) == [0, 2]
    assert rstore.incomplete() == [rstore.path({"i": 1})]
    assert len(lines) == 1


def test_store_is_a_file(tmp_path):
    f = tmp_path / "f"
    f.write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        RunStore(f)


def test_keys_do_not_depend_on_the_store_path(tmp_path, monkeypatch):
    """Relative, absolute and moved spellings of one store: the second and third compute nothing."""
    monkeypatch.chdir(tmp_path)
    _, calls = _sweep(RunStore("work/.nsl-store"))
    assert calls == [0, 1, 2, 3]
    _, calls = _sweep(RunStore(tmp_path / "work" / ".." / "work" / ".nsl-store"))
    assert calls == []
    shutil.move(str(tmp_path / "work"), str(tmp_path / "elsewhere"))
    runs, calls = _sweep(RunStore(tmp_path / "elsewhere" / ".nsl-store"))
    assert calls == [] and runs[3].result["total"] == sum(k * k for k in range(6))
