"""Argument checks for the torch simulations of sims/ that theory/ cannot hold (theory/ never imports torch).

Numbers and arrays are checked with :mod:`nsl.theory.checks` and the two-layer kinds with
``nsl.theory.two_layer.checks``; this module adds the torch device and dtype.  Public, so the simulations
import public names (issue 16).
"""
from __future__ import annotations

from typing import Any

__all__ = ["SEED_MAX", "check_device", "check_float_dtype"]

SEED_MAX = 2**63 - 1
"""Largest seed: torch's ``manual_seed`` and numpy's ``SeedSequence`` both take any integer in [0, 2**63 - 1]."""


def check_device(device: Any, name: str = "device") -> str:
    """'cpu', 'cuda' or 'cuda:<index>' as a string; a CUDA device needs torch to see a GPU."""
    if not isinstance(device, str):
        raise TypeError(f"{name} must be 'cpu' or 'cuda' (a string), got {type(device).__name__}")
    idx = device[5:] if device.startswith("cuda:") else ""
    if device not in ("cpu", "cuda") and not idx.isdigit():
        raise ValueError(f"{name} must be 'cpu', 'cuda' or 'cuda:<index>', got {device!r}")
    if device != "cpu":
        import torch

        if not torch.cuda.is_available():
            raise ValueError(f"{name}={device!r} requested but torch.cuda.is_available() is False")
        if idx and int(idx) >= torch.cuda.device_count():
            raise ValueError(f"{name}={device!r}: torch sees {torch.cuda.device_count()} CUDA devices")
    return device


def check_float_dtype(dtype: Any, name: str = "dtype") -> Any:
    """A torch floating-point dtype (torch.float32 or torch.float64)."""
    import torch

    if not isinstance(dtype, torch.dtype):
        raise TypeError(f"{name} must be torch.float32 or torch.float64, got {type(dtype).__name__}")
    if dtype not in (torch.float32, torch.float64):
        raise ValueError(f"{name} must be torch.float32 or torch.float64, got {dtype}")
    return dtype
