"""The two-layer suite's plateau cells run end to end at the quick preset (about 10 s).

They feed ODE curves solved on the ordinary overlaps at rtol 1e-8 to the plateau tools; such a curve can end a
few 1e-10 below zero, and a check in the plateau tools once refused it, so the whole suite failed in the report
while every unit test passed. Each cell's escape time must be finite and sit after the plateau's start.
"""
import numpy as np

from nsl.validation import two_layer as T


def test_quick_plateau_cells_run():
    cells = [c for group in T.grid(T.PRESETS["quick"]).values() for c in group if c["kind"] == "ode-L"]
    assert len(cells) >= 10
    for c in cells:
        arrays, meta = T.task(c)
        assert np.all(np.isfinite(arrays["eg"])), c
        assert np.isfinite(meta["escape"]) and 1.0 < meta["escape"] < c["alpha_max"], (c, meta)
