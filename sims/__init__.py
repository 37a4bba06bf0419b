"""nsl.sims: see the package docstring of :mod:`nsl`.

This folder is imported as ``nsl.sims`` (through the committed link ``nsl/sims -> ../sims``, or the
installed package); importing it as a top-level ``sims`` would load a second copy of every module.
"""
if __name__ != "nsl.sims":  # pragma: no cover - guarded by tests/test_layout.py
    raise ImportError(
        f"the folder 'sims/' is the package nsl.sims: import nsl.sims (not {__name__!r}); "
        "from a checkout, run Python from the repository root"
    )
