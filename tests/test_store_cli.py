"""The CLI at the door (--out, --store, --scheduler, --device: exit 2 before computing) and the
store through the CLI: relative, absolute and moved spellings reuse every run; damage is repaired."""
import shutil
import subprocess
import sys

import numpy as np
import pytest

from nsl import registry
from nsl.checks import OptionError, check_device, check_output_dir, check_scheduler
from nsl.cli import main
from nsl.rows import Row

_calls: list[float] = []


def _cell(config):
    _calls.append(config["alpha"])
    x = np.geomspace(1, 1e3, 8)
    return {"x": x, "y": 3 * x ** -config["alpha"]}, {}


@registry.suite("selftest-store", description="toy suite for the store/CLI tests")
def _suite(ctx):
    runs = ctx.sweep(_cell, [{"alpha": 0.5}, {"alpha": 1.5}])
    return [Row.check("selftest-store", f"alpha {r.config['alpha']}", r.config["alpha"],
                      -np.polyfit(np.log(r.arrays["x"]), np.log(r.arrays["y"]), 1)[0], tolerance=1e-9) for r in runs]


@registry.suite("selftest-broken")
def _broken(ctx):
    return {"a": 1}[ctx.preset]


def _validate(store, *extra):
    _calls.clear()
    rc = main(["validate", "selftest-store", "--store", str(store), "--executor", "serial", "--quiet", *extra])
    return rc, sorted(_calls)


def test_store_spellings_and_a_moved_store_compute_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _validate(".nsl-store") == (0, [0.5, 1.5])
    assert _validate(tmp_path / ".nsl-store") == (0, [])  # absolute spelling
    assert _validate("./sub/../.nsl-store") == (0, [])  # another relative spelling
    shutil.move(str(tmp_path / ".nsl-store"), str(tmp_path / "moved"))
    assert _validate(tmp_path / "moved") == (0, [])


def test_damaged_run_through_the_cli(tmp_path, capsys):
    assert _validate(tmp_path / "s") == (0, [0.5, 1.5])
    (next(p for p in (tmp_path / "s").iterdir() if p.is_dir() and (p / "arrays.npz").exists()) / "arrays.npz").unlink()
    rc, calls = _validate(tmp_path / "s")
    err = capsys.readouterr().err
    assert rc == 0 and len(calls) == 1 and err.count("is damaged: arrays.npz is missing") == 1


@pytest.mark.parametrize("opt", ["--out", "--store"])
def test_option_is_a_file_exit_2_before_computing(tmp_path, capsys, opt):
    f = tmp_path / "afile"
    f.write_text("x")
    args = {"--out": str(f), "--store": str(tmp_path / "s")}
    args[opt] = str(f)
    _calls.clear()
    rc = main(["validate", "selftest-store", "--executor", "serial", "--quiet", *sum(map(list, args.items()), [])])
    assert rc == 2 and _calls == []
    assert f"{opt} {str(f)!r} is a file" in capsys.readouterr().err
    rc = main(["report", "--suites", "selftest-store", "--executor", "serial", "--quiet", opt, str(f / "sub"),
               *(["--store", str(tmp_path / "s")] if opt == "--out" else ["--out", str(tmp_path / "o")])])
    assert rc == 2 and _calls == [] and f"{opt} {str(f / 'sub')!r} lies under" in capsys.readouterr().err


def test_unwritable_folder(tmp_path):
    if sys.platform != "linux":
        pytest.skip("uses /proc, which nobody can write")
    with pytest.raises(OptionError, match="--out '/proc/nsl-probe' cannot be written"):
        check_output_dir("/proc/nsl-probe", "--out")


def test_unwritable_folder_by_mode(tmp_path):
    import os

    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders; /proc covers this case")
    d = tmp_path / "ro"
    d.mkdir(mode=0o500)
    with pytest.raises(OptionError, match="cannot be written"):
        check_output_dir(d / "x", "--store")


def test_unreachable_scheduler_exit_2_fast(tmp_path, capsys):
    import socket
    import time

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.perf_counter()
    rc = main(["validate", "selftest-store", "--store", str(tmp_path), "--executor", "dask",
               "--scheduler", f"tcp://127.0.0.1:{port}", "--quiet"])
    assert rc == 2 and time.perf_counter() - t0 < 10
    assert "--scheduler tcp://127.0.0.1" in capsys.readouterr().err
    with pytest.raises(OptionError, match="not an address"):
        check_scheduler("nonsense")


def test_cuda_without_cuda_exit_2(tmp_path, capsys):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    _calls.clear()
    rc = main(["validate", "selftest-store", "--store", str(tmp_path), "--device", "cuda", "--quiet"])
    assert rc == 2 and _calls == [] and "--device cuda: torch" in capsys.readouterr().err


@pytest.mark.parametrize("device", ["cpu", "cuda"])
def test_device_check_does_not_import_torch(device):
    """The shell never imports torch (the house plan's wall): --device cuda asks a child interpreter."""
    code = ("import sys; from nsl.checks import OptionError, check_device\n"
            f"try:\n    check_device({device!r})\nexcept OptionError:\n    pass\nprint('torch' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_suite_failure_is_one_clear_row(tmp_path, capsys):
    rc = main(["validate", "selftest-broken", "--store", str(tmp_path), "--json", "--quiet"])
    import json

    rows = json.loads(capsys.readouterr().out)
    assert rc == 1 and len(rows) == 1 and not rows[0]["passed"]
    assert rows[0]["note"].startswith("KeyError: 'quick' (at ") and "test_store_cli.py" in rows[0]["note"]
    assert rows[0]["note"].endswith("in _broken)")
    assert "Traceback" not in rows[0]["note"]


def test_check_device_cpu_and_bad():
    assert check_device("cpu") == "cpu"
    with pytest.raises(OptionError, match="--device"):
        check_device("tpu")


def test_scheduler_that_does_not_answer(tmp_path, monkeypatch):
    """A port that accepts connections but is no dask scheduler: a clear error naming --scheduler, in time."""
    pytest.importorskip("distributed")
    import socket
    import time

    import nsl.sweep as sweep

    monkeypatch.setattr(sweep, "SCHEDULER_TIMEOUT_S", 1.5)
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(4)
        addr = f"tcp://127.0.0.1:{srv.getsockname()[1]}"
        t0 = time.perf_counter()
        with pytest.raises(ValueError, match=r"--scheduler tcp://127\.0\.0\.1:\d+: cannot reach the dask scheduler"):
            with sweep.make_executor("dask", scheduler=addr):
                pass
        assert time.perf_counter() - t0 < 15
