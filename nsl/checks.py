"""Errors at the door: the CLI's options checked before any computation.

Each check raises :class:`OptionError` (a ``ValueError``, so the CLI exits with code 2) whose
message names the option.  Nothing here imports torch (``--device cuda`` asks a child
interpreter), so ``nsl --help`` and ``nsl predict`` stay fast.
"""
from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["SCHEDULER_TIMEOUT_S", "OptionError", "check_device", "check_output_dir", "check_run_options",
           "check_scheduler"]

SCHEDULER_TIMEOUT_S = 10.0


class OptionError(ValueError):
    """A command-line option that cannot work; the message names the option."""


def check_output_dir(path: str | os.PathLike, option: str) -> Path:
    """``path`` as a folder this process can write (created if missing), else :class:`OptionError`.

    Writability is probed by writing a file (``os.access`` says yes to root on a read-only
    mount and no to some ACL setups).
    """
    p = Path(path)
    for q in (p, *p.parents):
        if q.exists():
            if not q.is_dir():
                what = "is a file" if q == p else f"lies under {str(q)!r}, which is a file"
                raise OptionError(f"{option} {str(p)!r} {what}, not a folder")
            break
    try:
        p.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".nsl-write-probe-", dir=p)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OptionError(f"{option} {str(p)!r} cannot be written: {exc.strerror or exc}") from None
    return p


def check_scheduler(address: str, timeout: float = SCHEDULER_TIMEOUT_S) -> str:
    """Reach the dask scheduler at ``address`` (``tcp://host:port``) within ``timeout`` seconds."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "tls"):
        return address  # in-process or other transports: no socket to probe, the client's own timeout applies
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not host or port is None:
        raise OptionError(f"--scheduler {address!r} is not an address like tcp://host:8786")
    t0 = time.monotonic()
    connected = False
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            connected = True  # a dask scheduler speaks first (its comm handshake); a silent port is something else
            conn.settimeout(max(0.1, timeout - (time.monotonic() - t0)))
            first = conn.recv(1)
    except (OSError, TimeoutError) as exc:
        if isinstance(exc, (socket.timeout, TimeoutError)):
            why = "the port accepted a connection but nothing answered like a dask scheduler" if connected else "timed out"
        else:
            why = exc.strerror or str(exc)
        raise OptionError(f"--scheduler {address}: cannot reach the dask scheduler within {timeout:g} s ({why})") from None
    if not first:
        raise OptionError(f"--scheduler {address}: the server closed the connection; is it a dask scheduler?")
    return address


def check_device(device: str) -> str:
    """``cpu`` always works; ``cuda`` needs a torch built with CUDA and a visible GPU.

    The shell never imports torch (the house plan: the CLI starts fast, simulations run inside
    suites), so for ``cuda`` a child interpreter asks torch and reports back; ``cpu`` costs nothing.
    """
    if device == "cpu":
        return device
    if device != "cuda":
        raise OptionError(f"--device must be cpu or cuda, got {device!r}")
    if importlib.util.find_spec("torch") is None:
        raise OptionError("--device cuda needs torch, which is not installed")
    probe = ("import json, torch; print(json.dumps([torch.__version__, torch.version.cuda, "
             "bool(torch.cuda.is_available())]))")
    try:
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, check=True)
        version, cuda, available = json.loads(out.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError) as exc:
        raise OptionError(f"--device cuda: torch could not be asked whether it sees a GPU ({type(exc).__name__})") \
            from None
    if not available:
        build = "built without CUDA" if cuda is None else f"built for CUDA {cuda}, but sees no GPU"
        raise OptionError(f"--device cuda: torch {version} is {build}; use --device cpu")
    return device


def check_run_options(args: Any) -> None:
    """All door checks for ``validate``/``figures``/``report`` (attributes absent are skipped)."""
    store = getattr(args, "store", None)
    if store is not None:
        check_output_dir(store, "--store")
    out = getattr(args, "out", None)
    if out is not None:
        check_output_dir(out, "--out")
    if getattr(args, "executor", None) == "dask" and getattr(args, "scheduler", None):
        check_scheduler(args.scheduler)
    check_device(getattr(args, "device", "cpu"))
