"""nsl.figures: see the package docstring of :mod:`nsl`.

This folder is imported as ``nsl.figures`` (through the committed link ``nsl/figures -> ../figures``, or the
installed package); importing it as a top-level ``figures`` would load a second copy of every module.
"""
if __name__ != "nsl.figures":  # pragma: no cover - guarded by tests/test_layout.py
    raise ImportError(
        f"the folder 'figures/' is the package nsl.figures: import nsl.figures (not {__name__!r}); "
        "from a checkout, run Python from the repository root"
    )
