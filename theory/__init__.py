"""nsl.theory: see the package docstring of :mod:`nsl`.

This folder is imported as ``nsl.theory`` (through the committed link ``nsl/theory -> ../theory``, or the
installed package); importing it as a top-level ``theory`` would load a second copy of every module.
"""
if __name__ != "nsl.theory":  # pragma: no cover - guarded by tests/test_layout.py
    raise ImportError(
        f"the folder 'theory/' is the package nsl.theory: import nsl.theory (not {__name__!r}); "
        "from a checkout, run Python from the repository root"
    )
