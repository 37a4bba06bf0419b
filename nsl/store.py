"""The run store: one run = its config (plain values), its arrays and its fits.

Layout (readable without nsl: JSON + NPZ only)::

    ROOT/<hash>/config.json   the config, canonical JSON
    ROOT/<hash>/arrays.npz    the arrays (numpy savez_compressed)
    ROOT/<hash>/result.json   scalars, fits with their intervals, timing; written last

``<hash>`` is the first 16 hex digits of the SHA-256 of the canonical config JSON.  Every
file is written atomically (temporary file + rename) and ``result.json`` comes last, so a
run is complete exactly when ``result.json`` exists, parses and names the same hash: a
folder without it is a half-written run, which :meth:`RunStore.has` reports as missing and
:meth:`RunStore.put` overwrites.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import numpy as np

from nsl import __version__
from nsl.jsonio import atomic_save_npz, atomic_write_text, dumps, to_plain

__all__ = ["Run", "RunStore", "config_hash", "derive_seed", "canonical_config"]


def canonical_config(config: Mapping[str, Any]) -> dict:
    """The config as plain JSON values; raises ``ValueError`` if it is not a mapping of plain values."""
    if not isinstance(config, Mapping):
        raise ValueError(f"config must be a mapping of plain values, got {type(config).__name__}")
    try:
        plain = to_plain(dict(config))
    except TypeError as exc:
        raise ValueError(f"config must hold plain values (numbers, strings, lists, dicts): {exc}") from None
    return plain


def config_hash(config: Mapping[str, Any]) -> str:
    """16 hex digits of SHA-256 over the canonical (sorted-key) JSON of ``config``."""
    text = json.dumps(canonical_config(config), sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def derive_seed(config: Mapping[str, Any], salt: str = "") -> int:
    """A 63-bit seed derived from the config alone, so each run is reproducible in isolation."""
    h = hashlib.sha256((config_hash(config) + salt).encode()).digest()
    return int.from_bytes(h[:8], "little") >> 1


@dataclass
class Run:
    """A stored run. ``arrays`` is loaded lazily from ``arrays.npz``."""

    config: dict
    result: dict
    path: Path
    _arrays: dict | None = field(default=None, repr=False)

    @property
    def key(self) -> str:
        return self.path.name

    @property
    def arrays(self) -> dict[str, np.ndarray]:
        if self._arrays is None:
            f = self.path / "arrays.npz"
            if f.exists():
                with np.load(f, allow_pickle=False) as z:
                    self._arrays = {k: z[k] for k in z.files}
            else:
                self._arrays = {}
        return self._arrays


class RunStore:
    """A folder of runs keyed by config hash (see module docstring)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, config: Mapping[str, Any]) -> Path:
        return self.root / config_hash(config)

    def has(self, config: Mapping[str, Any]) -> bool:
        """True if the run is complete (``result.json`` present, valid, and of this hash)."""
        return self._read_result(self.path(config)) is not None

    @staticmethod
    def _read_result(path: Path) -> dict | None:
        f = path / "result.json"
        try:
            res = json.loads(f.read_text())
        except (FileNotFoundError, json.JSONDecodeError, OSError):
            return None
        if not isinstance(res, dict) or res.get("key") != path.name:
            return None
        return res

    def get(self, config: Mapping[str, Any]) -> Run | None:
        """The complete run of ``config``, or ``None`` (missing or half-written)."""
        path = self.path(config)
        res = self._read_result(path)
        if res is None:
            return None
        return Run(json.loads((path / "config.json").read_text()), res, path)

    def put(self, config: Mapping[str, Any], arrays: Mapping[str, Any] | None, result: Mapping[str, Any] | None,
            *, wall_s: float | None = None) -> Run:
        """Write a run atomically: config, arrays, then ``result.json`` last."""
        cfg = canonical_config(config)
        path = self.path(cfg)
        path.mkdir(parents=True, exist_ok=True)
        stale = path / "result.json"
        if stale.exists():  # being overwritten (--force): make it incomplete first
            stale.unlink()
        atomic_write_text(path / "config.json", json.dumps(cfg, sort_keys=True, indent=1, allow_nan=False))
        arrays = dict(arrays or {})
        for k, v in arrays.items():
            if np.asarray(v).dtype == object:
                raise ValueError(f"array {k!r} has dtype object; store numeric or string arrays only")
        atomic_save_npz(path / "arrays.npz", arrays)
        res = dict(to_plain(dict(result or {})))
        res.update({"key": path.name, "nsl_version": __version__, "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
                    "wall_s": wall_s, "arrays": sorted(arrays)})
        atomic_write_text(path / "result.json", dumps(res, sort_keys=True, indent=1))
        return Run(cfg, res, path, {k: np.asarray(v) for k, v in arrays.items()})

    def runs(self, where: Callable[[dict], bool] | None = None) -> Iterator[Run]:
        """Every complete run, optionally filtered by a predicate on its config."""
        for p in sorted(self.root.iterdir()):
            if not p.is_dir():
                continue
            res = self._read_result(p)
            if res is None:
                continue
            cfg = json.loads((p / "config.json").read_text())
            if where is None or where(cfg):
                yield Run(cfg, res, p)

    def incomplete(self) -> list[Path]:
        """Folders of half-written runs (no valid ``result.json``)."""
        return [p for p in sorted(self.root.iterdir()) if p.is_dir() and self._read_result(p) is None]
