"""The house plan's walls (DESIGN.md, "Rooms"): every import of every module, inside functions too, is checked
against its folder's "never uses" column.  A lazy import counts: the wall is about what a folder may depend on."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROOMS = ("theory", "sims", "validation", "figures")
# folder -> the top-level packages and nsl subpackages it never uses (DESIGN.md)
NEVER = {
    "theory": {"torch", "matplotlib", "nsl.sims", "nsl.validation", "nsl.figures", "nsl.cli", "nsl.report",
               "nsl.runner", "nsl.sweep", "nsl.store", "nsl.registry", "nsl.context", "nsl.bench"},
    "sims": {"nsl.validation", "nsl.figures", "matplotlib"},
    "validation": {"matplotlib", "nsl.figures"},
    "figures": {"nsl.sims", "torch"},
    "nsl": {"nsl.sims", "torch"},
}


def _imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module)
    return out


def _files(folder: str) -> list[Path]:
    if folder == "nsl":  # the shell: nsl/ without the rooms linked into it
        return [f for f in (ROOT / "nsl").rglob("*.py") if not set(f.relative_to(ROOT / "nsl").parts) & set(ROOMS)]
    return sorted((ROOT / folder).rglob("*.py"))


def _breaks(module: str, never: set[str]) -> bool:
    return any(module == n or module.startswith(n + ".") for n in never)


@pytest.mark.parametrize("folder", [*ROOMS, "nsl"])
def test_folder_keeps_its_walls(folder):
    files = _files(folder)
    assert files, folder
    bad = sorted(f"{f.relative_to(ROOT)}: {m}" for f in files for m in _imports(f) if _breaks(m, NEVER[folder]))
    assert not bad, "imports the house plan forbids:\n" + "\n".join(bad)


def test_the_wall_check_sees_a_lazy_import(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("def g():\n    import torch.nn\n    from nsl.sims import train\n")
    assert {m for m in _imports(f) if _breaks(m, NEVER["nsl"])} == {"torch.nn", "nsl.sims"}
