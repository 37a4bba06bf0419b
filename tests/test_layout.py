"""The repository layout: top-level folders imported as ``nsl.*`` from a checkout, one copy of
every module, and wheels/sdists that hold real files."""
from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("theory", "sims", "validation", "figures")


def _py(code: str, cwd: Path, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize("folder", FOLDERS)
def test_links_point_at_the_folders(folder):
    link = ROOT / "nsl" / folder
    assert link.is_symlink() and link.resolve() == (ROOT / folder).resolve()


def test_import_from_checkout_without_install(tmp_path):
    """A copy of the checkout, not installed: ``import nsl.theory.spectra`` resolves to the copy."""
    import shutil

    dst = tmp_path / "clone"
    shutil.copytree(ROOT, dst, symlinks=True, ignore=shutil.ignore_patterns(".git", "*.egg-info", ".nsl-store",
                                                                             "__pycache__", "nsl-report"))
    code = "import nsl.theory.spectra as s, nsl.sims, nsl.validation, nsl.figures; print(s.__file__)"
    out = _py(code, dst)
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()).resolve().is_relative_to(dst.resolve())


def test_windows_style_checkout_without_links(tmp_path):
    """git with core.symlinks=false writes a link as a text file: the package still imports."""
    import shutil

    dst = tmp_path / "clone"
    shutil.copytree(ROOT, dst, symlinks=True, ignore=shutil.ignore_patterns(".git", "*.egg-info", ".nsl-store",
                                                                             "__pycache__", "nsl-report"))
    for folder in FOLDERS:
        link = dst / "nsl" / folder
        link.unlink()
        link.write_text(f"../{folder}")
    out = _py("import nsl.theory.spectra as s, nsl.theory.two_layer.ode; print(s.__file__)", dst)
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()).resolve() == (dst / "theory" / "spectra.py").resolve()


@pytest.mark.parametrize("folder", FOLDERS)
def test_top_level_import_refused(folder):
    out = _py(f"import {folder}", ROOT)
    assert out.returncode != 0
    assert f"import nsl.{folder}" in out.stderr


def test_one_copy_of_each_module():
    code = ("import nsl.theory.spectra as a, importlib; b = importlib.import_module('nsl.theory.spectra');"
            "from nsl.theory.two_layer.ode import solve_ode; from nsl.theory.spectra import power_law_spectrum;"
            "import numpy as np; from nsl.theory.two_layer.order_params import random_initial_conditions;"
            "sp = power_law_spectrum(4, 1.0, N=64);"
            "init = random_initial_conditions(sp, 1, 1, sigma_J=0.01, rng=np.random.default_rng(0));"
            "r = solve_ode(init, sp, eta=0.1, alpha_max=1.0); print(a is b, r.eg[-1] > 0)")
    out = _py(code, ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True"]


@pytest.mark.slow
def test_wheel_and_sdist_hold_real_files(tmp_path):
    import shutil

    src = tmp_path / "src"
    shutil.copytree(ROOT, src, symlinks=True, ignore=shutil.ignore_patterns(".git", "*.egg-info", ".nsl-store",
                                                                             "__pycache__", "build", "nsl-report"))
    dist = tmp_path / "dist"
    dist.mkdir()
    outs = []
    for what in ("build_sdist", "build_wheel"):  # one process each: setuptools keeps state between the two
        out = _py(f"from setuptools import build_meta as b; print(b.{what}({str(dist)!r}))", src)
        assert out.returncode == 0, out.stderr[-3000:]
        outs.append(out.stdout.split()[-1])
    sdist, wheel = outs
    with tarfile.open(dist / sdist) as t:
        members = t.getmembers()
        assert not [m.name for m in members if m.issym()]
        assert any(m.name.endswith("/theory/spectra.py") and m.isfile() for m in members)
    with zipfile.ZipFile(dist / wheel) as z:
        names = z.namelist()
    for folder in FOLDERS:
        assert any(n.startswith(f"nsl/{folder}/") and n.endswith(".py") for n in names), folder
    assert "nsl/theory/two_layer/ode.py" in names
