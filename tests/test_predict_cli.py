"""`nsl predict NAME` is a thin printer over the result objects: JSON fields, exit codes, no heavy imports."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]

_PROBE = """
import json, sys
from nsl.cli import main
rc = main({argv!r})
print("\\n__RC__" + str(rc) + "__MODULES__" + json.dumps(sorted(sys.modules)))
"""


def _run(argv):
    out = subprocess.run([sys.executable, "-c", _PROBE.format(argv=argv)], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert "__RC__" in out.stdout, out.stderr[-2000:]
    body, tail = out.stdout.rsplit("\n__RC__", 1)
    rc, mods = tail.split("__MODULES__")
    return int(rc), body, out.stderr, json.loads(mods)


def test_spectrum_json_fields_and_no_heavy_imports(tmp_path):
    rc, body, _, mods = _run(["predict", "spectrum", "0.5", "--D", "25,50,100", "--json"])
    assert rc == 0
    d = json.loads(body)
    for k in ("alpha_K", "alpha_K_ci", "alpha_D", "alpha_D_ci", "learning_curve", "valid_D", "regime", "warnings"):
        assert k in d
    assert d["learning_curve"]["D"] == [25.0, 50.0, 100.0] and len(d["learning_curve"]["error"]) == 3
    heavy = [m for m in mods if m.split(".")[0] in ("torch", "matplotlib", "sklearn", "dask")]
    assert not heavy, heavy


def test_data_matrix_with_kernel_and_targets_text(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((400, 150)) * np.arange(1, 151.0) ** -1.0
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", X @ (rng.standard_normal(150) * np.arange(1, 151.0) ** -0.5))
    rc, body, _, mods = _run(["predict", "spectrum", str(tmp_path / "X.npy"), "--targets", str(tmp_path / "y.npy"),
                              "--kernel", "linear", "--n-boot", "50", "--D", "10,50,100"])
    assert rc == 0 and "alpha_D = min(a-1, 2b)" in body
    assert any(ln.startswith("learning curve trusted up to D") and ln.rstrip().endswith(" 200")
               for ln in body.splitlines()), body
    assert not [m for m in mods if m.split(".")[0] in ("torch", "matplotlib", "sklearn")]


@pytest.mark.parametrize("argv,needle", [
    (["predict", "percolation", "--d", "1", "--supercritical"], "supercritical needs d >= 2"),
    (["predict", "two-layer", "--beta", "1", "--L", "8", "--K", "1", "--M", "1", "--eta", "3", "--activation", "linear"],
     "--eta must be below"),
    (["predict", "spectrum", "/nonexistent/X.npy"], "source: no such file"),
])
def test_bad_inputs_exit_2(argv, needle):
    rc, _, err, _ = _run(argv)
    assert rc == 2 and needle in err


def test_two_layer_json_labels():
    rc, body, _, _ = _run(["predict", "two-layer", "--beta", "1", "--L", "16", "--no-ode", "--json"])
    d = json.loads(body)
    assert rc == 0 and d["quantities"]["exponent_alpha_specialised_heuristic"]["basis"] == "heuristic"
    assert d["quantities"]["plateau_height_teacher"]["basis"] == "derived"


def test_empty_text_file_is_refused_without_a_numpy_warning(tmp_path):
    import subprocess
    import sys

    f = tmp_path / "empty.txt"
    f.write_text("\n\n")
    out = subprocess.run([sys.executable, "-m", "nsl", "predict", "spectrum", str(f)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 2
    assert "is empty" in out.stderr and "Warning" not in out.stderr
