"""nsl.validation: see the package docstring of :mod:`nsl`.

This folder is imported as ``nsl.validation`` (through the committed link ``nsl/validation -> ../validation``, or the
installed package); importing it as a top-level ``validation`` would load a second copy of every module.
"""
if __name__ != "nsl.validation":  # pragma: no cover - guarded by tests/test_layout.py
    raise ImportError(
        f"the folder 'validation/' is the package nsl.validation: import nsl.validation (not {__name__!r}); "
        "from a checkout, run Python from the repository root"
    )
