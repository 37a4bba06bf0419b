"""The lazy registry: the name table agrees with what the modules register, and the CLI's
fast paths import no suite, no simulation, no torch and no matplotlib."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nsl import registry

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "matplotlib", "nsl.validation.", "nsl.figures.", "nsl.sims.", "dask", "sklearn")


def test_index_matches_registrations():
    registry.discover()
    for kind, table in registry.INDEX.items():
        registered = {n: e for n, e in registry._REG[kind].items()
                      if getattr(getattr(e, "fn", None) or e.compute, "__module__", "").startswith("nsl.")}
        assert set(table) == set(registered), f"{kind}: INDEX and the decorated entries differ"
        for name, (module, description) in table.items():
            fn = getattr(registered[name], "fn", None) or registered[name].compute
            assert fn.__module__ == module, f"{kind} {name}: INDEX says {module}, registered in {fn.__module__}"
            assert description, f"{kind} {name} has no description"


def test_unknown_name_lists_allowed():
    with pytest.raises(ValueError, match="allowed: .*two-layer"):
        registry.get("suite", "no-such-suite")
    with pytest.raises(ValueError, match="kind must be one of"):
        registry.names("widget")


_PROBE = """
import json, sys
from nsl.cli import main
try:
    rc = main({argv!r})
except SystemExit as exc:
    rc = exc.code
print("\\n__MODULES__" + json.dumps(sorted(sys.modules)))
"""


@pytest.mark.parametrize("argv", [
    ["--help"], ["--version"], ["list"], ["predict", "--help"],
    ["predict", "percolation", "--d", "2", "--c", "4", "--json"],
    ["predict", "two-layer", "--help"], ["predict", "spectrum", "--help"],
    ["validate", "no-such-suite"], ["predict", "spectrum", "0.5", "--json"], ["fit", "--help"],
])
def test_fast_paths_import_nothing_heavy(argv):
    out = subprocess.run([sys.executable, "-c", _PROBE.format(argv=argv)], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert "__MODULES__" in out.stdout, out.stderr[-2000:]
    mods = json.loads(out.stdout.rsplit("__MODULES__", 1)[1])
    heavy = [m for m in mods if m.startswith(HEAVY) or m in {"torch", "matplotlib", "dask", "sklearn"}]
    assert not heavy, f"nsl {' '.join(argv)} imported {heavy[:8]}"
