"""``nsl predict`` as a library: one pure function per theory, a frozen result object out.

- :func:`predict_spectrum` -> :class:`SpectrumPrediction` (kernel / spectrum regimes, Bahri et al. 2024);
- :func:`predict_two_layer` -> :class:`TwoLayerPrediction` (Worschech & Rosenow 2024);
- :func:`predict_percolation` -> :class:`PercolationPrediction` (Brill 2024).

Each result has ``to_dict()`` (the ``--json`` output) and prints as labelled rows.  The names are
resolved lazily, so ``import nsl.predictions`` costs nothing until one is used.
"""
from __future__ import annotations

import importlib

__all__ = ["predict_spectrum", "SpectrumPrediction", "predict_two_layer", "TwoLayerPrediction",
           "predict_percolation", "PercolationPrediction", "Quantity"]

_WHERE = {"predict_spectrum": "regimes", "SpectrumPrediction": "regimes", "predict_two_layer": "two_layer",
          "TwoLayerPrediction": "two_layer", "predict_percolation": "percolation",
          "PercolationPrediction": "percolation", "Quantity": "result"}


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
