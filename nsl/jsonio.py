"""Plain-JSON encoding and atomic writes shared by the run store, the report and the CLI."""
from __future__ import annotations

import dataclasses
import json
import math
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "atomic_save_npz",
    "atomic_write_bytes",
    "atomic_write_text",
    "current_umask",
    "dumps",
    "file_mode",
    "to_plain",
]

_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process's umask, read without changing it where the OS allows (Linux: /proc/self/status).

    Elsewhere it is read by setting and restoring it under a lock (``os.umask`` has no getter).
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        old = os.umask(0o022)
        os.umask(old)
    return old


def file_mode() -> int:
    """The mode a plain ``open(path, "w")`` would give a new file: ``0o666 & ~umask`` (0644 under umask 022)."""
    return 0o666 & ~current_umask()


def to_plain(obj: Any) -> Any:
    """Convert numpy scalars/arrays, tuples, dataclasses (``to_dict`` if present) to JSON values.

    Non-finite floats become ``None`` so the files stay strict JSON, readable anywhere.
    """
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        return to_plain(obj.to_dict())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return to_plain(dataclasses.asdict(obj))
    if isinstance(obj, dict):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_plain(obj.tolist())
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return f if math.isfinite(f) else None
    if obj is None or isinstance(obj, (int, str)):
        return obj
    raise TypeError(f"cannot store a value of type {type(obj).__name__} as JSON: {obj!r:.80}")


def dumps(obj: Any, **kw: Any) -> str:
    return json.dumps(to_plain(obj), allow_nan=False, **kw)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    The file gets the mode any tool would give it under the user's umask (``mkstemp`` alone
    would leave it 0600, unreadable by a web server or a colleague).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, file_mode())
        else:  # pragma: no cover - Windows: no fchmod, no POSIX modes to honour
            os.chmod(tmp, file_mode())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_save_npz(path: str | os.PathLike, arrays: dict[str, Any], *, compress: bool = True) -> None:
    """``np.savez_compressed`` (or ``np.savez``) through a temporary file and a rename."""
    import io

    buf = io.BytesIO()
    data: dict[str, Any] = {k: np.asarray(v) for k, v in arrays.items()}
    (np.savez_compressed if compress else np.savez)(buf, **data)
    atomic_write_bytes(path, buf.getvalue())
