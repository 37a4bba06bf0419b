"""The acceptance check of the spine: `nsl validate fitting --json` passes every row."""
import json
import subprocess
import sys

import pytest


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["quick", "full"])
def test_validate_fitting_json(tmp_path, preset):
    out = subprocess.run([sys.executable, "-m", "nsl", "validate", "fitting", "--json", "--preset", preset,
                          "--store", str(tmp_path)], capture_output=True, text=True, timeout=1800)
    rows = json.loads(out.stdout)
    assert out.returncode == 0, [r for r in rows if not r["passed"]]
    assert rows and all(r["passed"] for r in rows)
