"""The run store: one run = its config (plain values), its arrays and its fits.

Layout (readable without nsl: JSON + NPZ only)::

    ROOT/<hash>/config.json   the config, canonical JSON
    ROOT/<hash>/arrays.npz    the arrays (numpy savez_compressed)
    ROOT/<hash>/result.json   scalars, fits with their intervals, timing; written last

``<hash>`` is the first 16 hex digits of the SHA-256 of the canonical config JSON: it
depends on the config alone, never on where the store lives or how its path is spelled, so
a store can be moved, copied or named relatively and every run is still found.  Configs
must therefore hold physics and settings, not machine paths.

Every file is written atomically (temporary file + rename) with the user's umask, and
``result.json`` comes last, recording the SHA-256 of ``config.json`` and ``arrays.npz``
(``files``) and of its own content (``checksum``).  Loading verifies all three, so a run is
complete exactly when ``result.json`` parses, names the same hash and every checksum holds.
A half-written run (no ``result.json``) is missing; a damaged one (a deleted, truncated or
edited file) is reported in one line naming the run (:attr:`RunStore.report`) and treated
as missing, so a sweep computes it again and :meth:`RunStore.put` overwrites it.  Runs
written before checksums existed are checked structurally (config hash, every array read).

``ROOT/.locks/<hash>.lock`` is the per-run lock (:mod:`nsl.runlock`) that keeps two
processes on one store from computing the same run.
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nsl import __version__
from nsl.jsonio import atomic_save_npz, atomic_write_text, dumps, to_plain
from nsl.runlock import RunLock, holder, try_lock

__all__ = ["Run", "RunStore", "canonical_config", "config_hash", "derive_seed", "file_sha256", "result_checksum"]


def canonical_config(config: Mapping[str, Any]) -> dict:
    """The config as plain JSON values; raises ``ValueError`` if it is not a mapping of plain values."""
    if not isinstance(config, Mapping):
        raise ValueError(f"config must be a mapping of plain values, got {type(config).__name__}")  # noqa: TRY004 - public contract: ValueError
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


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def result_checksum(result: Mapping[str, Any]) -> str:
    """SHA-256 of a result's canonical JSON without its ``checksum`` field (detects hand edits)."""
    body = {k: v for k, v in result.items() if k != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _short(config: Mapping[str, Any], width: int = 100) -> str:
    text = json.dumps(config, sort_keys=True, separators=(",", ":"))
    return text if len(text) <= width else text[:width - 1] + "…"


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
    """A folder of runs keyed by config hash (see module docstring).

    ``report`` receives one line per damaged run found (default: printed to stderr);
    :attr:`damaged` keeps ``(key, problem)`` of each, in the order found.
    """

    def __init__(self, root: str | Path, *, report: Callable[[str], None] | None = None):
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise ValueError(f"store {str(self.root)!r} is a file, not a folder")
        self.root.mkdir(parents=True, exist_ok=True)
        self.report = report if report is not None else _print_stderr
        self.damaged: list[tuple[str, str]] = []
        self._verified: dict[str, tuple] = {}

    def path(self, config: Mapping[str, Any]) -> Path:
        return self.root / config_hash(config)

    def has(self, config: Mapping[str, Any]) -> bool:
        """True if the run is complete and intact (every checksum holds)."""
        return self.get(config) is not None

    # -- verification ------------------------------------------------------------------
    @staticmethod
    def _stat_sig(path: Path) -> tuple:
        sig: list[tuple[int, int, int] | None] = []
        for name in ("config.json", "arrays.npz", "result.json"):
            try:
                st = (path / name).stat()
                sig.append((st.st_mtime_ns, st.st_size, st.st_ino))
            except OSError:
                sig.append(None)
        return tuple(sig)

    def check(self, path: Path) -> tuple[dict | None, dict | None, str | None]:
        """``(config, result, problem)`` of the run folder ``path``.

        ``problem`` is ``None`` for an intact run (config and result returned) and for a
        missing or half-written one (both ``None``); otherwise it says what is damaged.
        """
        path = Path(path)
        f = path / "result.json"
        try:
            text = f.read_text()
        except FileNotFoundError:
            return None, None, None  # missing or half-written: not damage
        except OSError as exc:
            return None, None, f"result.json unreadable ({exc.strerror})"
        try:
            res = json.loads(text)
        except json.JSONDecodeError:
            return None, None, "result.json is not valid JSON (torn or edited)"
        if not isinstance(res, dict) or res.get("key") != path.name:
            return None, None, "result.json names another run"
        if "checksum" in res and res["checksum"] != result_checksum(res):
            return None, None, "result.json was edited (checksum mismatch)"
        try:
            cfg_text = (path / "config.json").read_text()
        except FileNotFoundError:
            return None, None, "config.json is missing"
        except OSError as exc:
            return None, None, f"config.json unreadable ({exc.strerror})"
        files = res.get("files")
        if isinstance(files, dict) and "config.json" in files \
                and hashlib.sha256(cfg_text.encode()).hexdigest() != files["config.json"]:
                return None, None, "config.json is damaged (checksum mismatch)"
        try:
            cfg = json.loads(cfg_text)
            if config_hash(cfg) != path.name:
                return None, None, "config.json belongs to another run"
        except (json.JSONDecodeError, ValueError):
            return None, None, "config.json is not valid JSON"
        npz = path / "arrays.npz"
        if isinstance(files, dict) and "arrays.npz" in files:
            if not npz.exists():
                return None, None, "arrays.npz is missing"
            if file_sha256(npz) != files["arrays.npz"]:
                return None, None, "arrays.npz is damaged (checksum mismatch)"
        else:  # a run written before checksums: read every array (zip CRCs catch truncation)
            names = res.get("arrays") or []
            if names or npz.exists():
                try:
                    with np.load(npz, allow_pickle=False) as z:
                        missing = [k for k in names if k not in z.files]
                        for k in z.files:
                            z[k]
                except FileNotFoundError:
                    return None, None, "arrays.npz is missing"
                except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                    return None, None, f"arrays.npz is damaged ({type(exc).__name__})"
                if missing:
                    return None, None, f"arrays.npz lacks {', '.join(missing)}"
        return cfg, res, None

    def _load(self, path: Path, config: Mapping[str, Any] | None = None) -> Run | None:
        sig = self._stat_sig(path)
        cached = self._verified.get(path.name)
        if cached is not None and cached[0] == sig:
            return Run(cached[1], cached[2], path)
        cfg, res, problem = self.check(path)
        if problem is not None:
            self._damaged(path, problem, config if config is not None else cfg)
            return None
        if res is None or cfg is None:
            return None
        self._verified[path.name] = (sig, cfg, res)
        return Run(cfg, res, path)

    def _damaged(self, path: Path, problem: str, config: Mapping[str, Any] | None) -> None:
        if (path.name, problem) in self.damaged:
            return
        self.damaged.append((path.name, problem))
        what = f" {_short(config)}" if config else ""
        self.report(f"nsl store: run {path.name}{what} in {self.root} is damaged: {problem}; it will be recomputed")

    def get(self, config: Mapping[str, Any]) -> Run | None:
        """The complete, intact run of ``config``, or ``None`` (missing, half-written or damaged)."""
        cfg = canonical_config(config)
        return self._load(self.path(cfg), cfg)

    def put(self, config: Mapping[str, Any], arrays: Mapping[str, Any] | None, result: Mapping[str, Any] | None,
            *, wall_s: float | None = None) -> Run:
        """Write a run atomically: config, arrays, then ``result.json`` (with the checksums) last."""
        cfg = canonical_config(config)
        path = self.path(cfg)
        path.mkdir(parents=True, exist_ok=True)
        stale = path / "result.json"
        if stale.exists():  # being overwritten (--force or damage): make it incomplete first
            stale.unlink()
        self._verified.pop(path.name, None)
        cfg_text = json.dumps(cfg, sort_keys=True, indent=1, allow_nan=False)
        atomic_write_text(path / "config.json", cfg_text)
        arrays = dict(arrays or {})
        for k, v in arrays.items():
            if np.asarray(v).dtype == object:
                raise ValueError(f"array {k!r} has dtype object; store numeric or string arrays only")
        atomic_save_npz(path / "arrays.npz", arrays)
        res = dict(to_plain(dict(result or {})))
        res.update({"key": path.name, "nsl_version": __version__, "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
                    "wall_s": wall_s, "arrays": sorted(arrays),
                    "files": {"config.json": hashlib.sha256(cfg_text.encode()).hexdigest(),
                              "arrays.npz": file_sha256(path / "arrays.npz")}})
        res["checksum"] = result_checksum(res)
        atomic_write_text(path / "result.json", dumps(res, sort_keys=True, indent=1))
        self._verified[path.name] = (self._stat_sig(path), cfg, res)
        return Run(cfg, res, path, {k: np.asarray(v) for k, v in arrays.items()})

    def runs(self, where: Callable[[dict], bool] | None = None) -> Iterator[Run]:
        """Every complete, intact run, optionally filtered by a predicate on its config."""
        for p in sorted(self.root.iterdir()):
            if not p.is_dir() or p.name.startswith("."):
                continue
            run = self._load(p)
            if run is not None and (where is None or where(run.config)):
                yield run

    def incomplete(self) -> list[Path]:
        """Folders of half-written or damaged runs."""
        return [p for p in sorted(self.root.iterdir())
                if p.is_dir() and not p.name.startswith(".") and self.check(p)[1] is None]

    # -- locks -------------------------------------------------------------------------
    def lock_path(self, config: Mapping[str, Any]) -> Path:
        return self.root / ".locks" / f"{config_hash(config)}.lock"

    def try_lock(self, config: Mapping[str, Any]) -> RunLock | None:
        """The run's lock if no live process holds it, else ``None`` (see :mod:`nsl.runlock`)."""
        return try_lock(self.lock_path(config))

    def lock_holder(self, config: Mapping[str, Any]):
        """Who holds (or last held) the run's lock, or ``None``."""
        return holder(self.lock_path(config))


def _print_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
