"""CLI, registry, rows and report: exit codes, JSON rows, the report's files."""
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from nsl import registry
from nsl.cli import main
from nsl.context import FigureOutput
from nsl.rows import Row

ROOT = Path(__file__).resolve().parents[1]


def _toy_cell(config):
    x = np.geomspace(1, 1e3, 8)
    return {"x": x, "y": 2 * x ** -config["alpha"]}, {}


# a tiny suite and figure, registered by this test module, exercise the whole pipeline in seconds
@registry.suite("selftest", description="toy suite for the CLI tests")
def _selftest(ctx):
    from nsl.theory.fitting import fit_power_law

    runs = ctx.sweep(_toy_cell, [{"alpha": 0.5}, {"alpha": 1.0}])
    fits = [fit_power_law(r.arrays["x"], r.arrays["y"], n_boot=50, rng=0) for r in runs]
    ctx.save_artifact("curves", {"x": runs[0].arrays["x"], "y0": runs[0].arrays["y"], "y1": runs[1].arrays["y"]})
    ctx.note("a toy note")
    return [Row.check("selftest", f"alpha {a}", a, f.alpha, tolerance=1e-6, ci=f.alpha_ci) for a, f in zip((0.5, 1.0), fits)]


@registry.figure("selftest-curves", suite="selftest")
def _selftest_fig(ctx):
    import matplotlib.pyplot as plt

    run = ctx.load_artifact("curves")
    fig, ax = plt.subplots()
    ax.loglog(run.arrays["x"], run.arrays["y0"], "o")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return FigureOutput(fig, {"x": run.arrays["x"], "y0": run.arrays["y0"]}, "toy")


def test_rows_pass_rules():
    assert Row.check("s", "q", 1.0, 1.05, tolerance=0.1).passed
    assert not Row.check("s", "q", 1.0, 1.2, tolerance=0.1).passed
    assert Row.check("s", "q", 1.0, 1.2, tolerance=0.0, ci=(0.95, 1.3)).passed
    assert not Row.check("s", "q", 1.0, 1.2, tolerance=0.01, ci=(1.1, 1.3)).passed
    assert Row.check("s", "q", 2.0, 2.1, tolerance=0.06, relative=True).passed
    assert not Row.check("s", "q", 1.0, float("nan"), tolerance=1.0).passed
    assert Row.in_range("s", "q", 0.95, 0.9, 0.98).passed and not Row.in_range("s", "q", 0.99, 0.9, 0.98).passed
    assert Row.at_most("s", "q", 0.01, 0.05).passed and not Row.at_least("s", "q", 0.01, 0.05).passed
    d = Row.check("s", "q", 1.0, 1.0, tolerance=0.1).to_dict()
    assert set(d) >= {"suite", "quantity", "predicted", "observed", "ci_low", "ci_high", "tolerance", "passed"}
    with pytest.raises(ValueError, match="tolerance"):
        Row.check("s", "q", 1.0, 1.0, tolerance=-1)


def test_registry_unknown_name():
    with pytest.raises(ValueError, match="unknown suite 'nope'; allowed: .*fitting"):
        registry.get("suite", "nope")


def test_version(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0 and "nsl 0.1.0" in capsys.readouterr().out


@pytest.mark.parametrize("argv,msg", [
    (["validate", "nope"], "unknown suite nope"),
    (["validate", "selftest", "--preset", "huge"], "preset must be one of quick"),
    (["validate", "selftest", "--executor", "mpi"], "--executor must be one of"),
    (["validate", "selftest", "--workers", "0"], "--workers must be >= 1"),
    (["figures", "nope"], "unknown figure nope"),
    (["report", "--suites", "nope"], "unknown suite nope"),
])
def test_bad_usage_exit_2(argv, msg, capsys, tmp_path):
    assert main(argv + ["--store", str(tmp_path)]) == 2
    assert msg in capsys.readouterr().err


def test_validate_json_and_exit_code(capsys, tmp_path):
    rc = main(["validate", "selftest", "--json", "--store", str(tmp_path), "--executor", "serial", "--quiet"])
    rows = json.loads(capsys.readouterr().out)
    assert rc == 0 and len(rows) == 2 and all(r["passed"] for r in rows)
    assert set(rows[0]) >= {"suite", "quantity", "predicted", "observed", "ci_low", "ci_high", "tolerance", "passed"}


def test_failing_suite_exit_1(capsys, tmp_path):
    @registry.suite("selftest-fail")
    def _fail(ctx):
        return [Row.check("selftest-fail", "q", 1.0, 2.0, tolerance=0.1)]

    @registry.suite("selftest-raise")
    def _raise(ctx):
        raise RuntimeError("kaput")

    assert main(["validate", "selftest-fail", "--store", str(tmp_path), "--quiet"]) == 1
    assert main(["validate", "selftest-raise", "--json", "--store", str(tmp_path), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "kaput" in out


def test_report_files(tmp_path, capsys):
    out = tmp_path / "rep"
    rc = main(["report", "--suites", "selftest", "--out", str(out), "--store", str(tmp_path / "s"), "--executor", "serial",
               "--quiet"])
    assert rc == 0
    md = (out / "report.md").read_text()
    assert "quick preset" in md and "| selftest | 2 | 2 |" in md and "a toy note" in md
    for key in ("numpy", "torch", "device", "python"):
        assert f"| {key} |" in md
    html = (out / "report.html").read_text()
    assert "data:image/png;base64," in html
    assert not re.search(r"""src=["'](?!data:)""", html)  # self-contained: no external sources
    assert (out / "figures" / "selftest-curves.png").read_bytes()[:4] == b"\x89PNG"
    csv = (out / "figures" / "selftest-curves.csv").read_text().splitlines()
    assert csv[0] == "x,y0" and len(csv) == 9
    rows = json.loads((out / "rows.json").read_text())
    assert len(rows) == 2
    meta = json.loads((out / "suites.json").read_text())
    assert meta["suites"][0]["wall_s"] > 0 and meta["preset"] == "quick"


def test_figures_run_missing_suite(tmp_path, capsys):
    rc = main(["figures", "selftest-curves", "--out", str(tmp_path / "f"), "--store", str(tmp_path / "s"),
               "--executor", "serial", "--quiet"])
    assert rc == 0 and (tmp_path / "f" / "selftest-curves.png").exists()


def test_packages_listed_in_pyproject():
    """Every folder with an __init__.py under the mapped roots is a listed package."""
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(cfg["packages"])
    found = set()
    for pkg, folder in cfg["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            name = ".".join([pkg, *rel.parts]) if rel.parts else pkg
            if name.startswith("nsl.") and name.split(".")[1] in ("theory", "sims", "validation", "figures") \
                    and pkg == "nsl":
                continue  # nsl/ itself does not hold those; they come from their own folders
            found.add(name)
    assert found <= listed, f"packages missing from pyproject: {sorted(found - listed)}"


def test_cli_starts_without_torch():
    """The shell never imports torch or the simulations (the CLI starts fast)."""
    code = "import sys; from nsl.cli import build_parser; build_parser(); " \
           "print([m for m in sys.modules if m == 'torch' or m.startswith('nsl.sims')])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
