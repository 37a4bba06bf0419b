"""nsl: a theory-and-simulation toolkit for neural scaling laws.

Subpackages (one import name for the repository's top-level folders):

- ``nsl.theory``      analytic modules (pure functions): spectra, fitting, ODEs, percolation, ...
- ``nsl.sims``        simulations and trainings (torch, numpy)
- ``nsl.validation``  theory-vs-experiment suites, one module per suite
- ``nsl.figures``     one module per figure: stored results in, figure + CSV out
- ``nsl`` itself      the shell: CLI, registry, run store, sweeps, report, benchmarks

The four folders live at the repository's top level.  In a checkout, ``nsl/theory`` and its
three siblings are committed symbolic links to them, so ``import nsl.theory`` works from the
repository root without installing and IDEs, pyright and mypy resolve every ``nsl.*`` import.
Where a checkout has no symbolic links (git on Windows with ``core.symlinks=false`` writes them
as small text files), the repository root is added to this package's search path instead; an
installed wheel holds real folders (``package-dir`` in pyproject.toml).
"""
from __future__ import annotations

import os as _os

__version__ = "0.1.0"

_here = _os.path.dirname(_os.path.abspath(__file__))
if not _os.path.isdir(_os.path.join(_here, "theory")):  # pragma: no cover - links not materialised
    _root = _os.path.dirname(_here)
    if _os.path.isfile(_os.path.join(_root, "theory", "__init__.py")):
        __path__.append(_root)  # noqa: F821 - a package's __path__ is defined by the import system
del _here
