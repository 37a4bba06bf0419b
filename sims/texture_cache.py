"""On-disk cache of spin-texture datasets: float16 shards per (spec, seed, stream), written atomically.

The physics lives in :mod:`nsl.sims.spin_textures`; this module only stores what
:func:`~nsl.sims.spin_textures.generate` returns.  Layout
``root/<spec.key()>-s<seed>/<stream>_<k:05d>.npz`` (arrays ``x`` float16 images, ``y`` float32
targets) plus ``spec.json``; a killed generation leaves only whole shards and a rerun completes
the rest.  The cache's folder depends only on the spec and the seed, never on anything else, so
the same dataset is found again from any working directory or machine.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nsl.jsonio import atomic_save_npz, atomic_write_text
from nsl.sims.spin_textures import STREAMS, TextureSpec, check_seed, generate

__all__ = ["TextureCache", "fill_caches"]


@dataclass
class TextureCache:
    """A disk cache of one dataset: shards of ``shard_size`` samples per stream, float16 images.

    Example
    -------
    >>> c = TextureCache(tmp, TextureSpec(size=32), seed=0)  # doctest: +SKIP
    >>> x, y = c.load("train", 256)  # doctest: +SKIP

    Layout ``root/<spec.key()>-s<seed>/<stream>_<k:05d>.npz`` (arrays ``x`` float16, ``y``
    float32) plus ``spec.json``; each shard is written atomically (temporary file + rename), so
    a killed generation leaves only whole shards and a rerun completes the rest.  ``capacity``
    caps each stream (requests beyond it raise ``ValueError``).
    """

    root: str | Path
    spec: TextureSpec
    seed: int
    capacity: dict = field(default_factory=lambda: {"train": 100_000, "val": 10_000, "test": 10_000})
    shard_size: int = 4096
    device: str = "cpu"

    def __post_init__(self) -> None:
        check_seed(self.seed)
        if not (isinstance(self.shard_size, (int, np.integer)) and self.shard_size >= 1):
            raise ValueError(f"shard_size must be an integer >= 1, got {self.shard_size!r}")
        self.dir = Path(self.root) / f"{self.spec.key()}-s{int(self.seed)}"
        self.dir.mkdir(parents=True, exist_ok=True)
        meta = self.dir / "spec.json"
        if not meta.exists():
            atomic_write_text(meta, json.dumps({"spec": self.spec.to_dict(), "seed": int(self.seed)}, indent=1))

    def _shard_path(self, stream: str, k: int) -> Path:
        return self.dir / f"{stream}_{k:05d}.npz"

    def _shard(self, stream: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        p = self._shard_path(stream, k)
        if p.exists():
            try:
                with np.load(p) as z:
                    return z["x"], z["y"]
            except (OSError, ValueError, KeyError):  # a damaged shard: regenerate it
                pass
        lo = k * self.shard_size
        x, y = generate(self.spec, self.seed, np.arange(lo, lo + self.shard_size), stream, device=self.device)
        x16 = x.astype(np.float16)
        atomic_save_npz(p, {"x": x16, "y": y}, compress=False)
        return x16, y

    def load(self, stream: str, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The first ``n`` samples of ``stream`` (x float16 (n, C, N, N), y float32 (n, 3)); nested in n."""
        if stream not in STREAMS:
            raise ValueError(f"stream must be one of {', '.join(STREAMS)}, got {stream!r}")
        cap = int(self.capacity.get(stream, 0))
        if not isinstance(n, (int, np.integer)) or not (1 <= n <= cap):
            raise ValueError(f"n (N_D for stream {stream!r}) must be an integer in [1, {cap}] (the cache capacity), got {n!r}")
        n_sh = -(-int(n) // self.shard_size)
        xs, ys = zip(*(self._shard(stream, k) for k in range(n_sh)))
        return np.concatenate(xs)[:n], np.concatenate(ys)[:n]

    def take(self, stream: str, indices) -> tuple[np.ndarray, np.ndarray]:
        """Samples ``indices`` of ``stream``, in that order, reading one shard at a time (memory: the result + a shard).

        ``indices``: integers in [0, capacity), repeats allowed; else ``ValueError`` naming them.
        """
        if stream not in STREAMS:
            raise ValueError(f"stream must be one of {', '.join(STREAMS)}, got {stream!r}")
        cap = int(self.capacity.get(stream, 0))
        idx = np.asarray(indices)
        if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer) or (idx.size and not (0 <= idx.min() and idx.max() < cap)):
            raise ValueError(f"indices (of stream {stream!r}) must be a 1-D integer array in [0, {cap}) (the cache capacity)")
        C, N, _ = self.spec.shape
        x = np.empty((idx.size, C, N, N), np.float16)
        y = np.empty((idx.size, 3), np.float32)
        shard = idx // self.shard_size
        for k in np.unique(shard):
            xs, ys = self._shard(stream, int(k))
            sel = np.nonzero(shard == k)[0]
            x[sel], y[sel] = xs[idx[sel] - k * self.shard_size], ys[idx[sel] - k * self.shard_size]
        return x, y

    def nbytes(self, stream: str, n: int) -> int:
        """Memory of ``n`` cached samples as loaded (float16 images + float32 targets)."""
        C, N, _ = self.spec.shape
        return int(n) * (C * N * N * 2 + 3 * 4)


def _fill_shard(args) -> int:
    """Worker of :func:`fill_caches`: write one shard with one torch thread."""
    root, spec_d, seed, capacity, shard_size, stream, k = args
    import torch

    torch.set_num_threads(1)
    c = TextureCache(root, TextureSpec.from_dict(spec_d), seed, capacity=capacity, shard_size=shard_size)
    c._shard(stream, k)
    return k


def fill_caches(jobs, *, workers: int | None = None) -> int:
    """Generate the missing shards of several ``(cache, stream, n)`` requests, in parallel on a CPU.

    Shards of CPU caches are spread over a spawn process pool of ``workers`` processes (default:
    the CPU count), one torch thread each; caches on a GPU generate in this process.  Returns the
    number of shards written.  Afterwards ``cache.load(stream, n)`` only reads.
    """
    todo, local = [], []
    for cache, stream, n in jobs:
        if stream not in STREAMS:
            raise ValueError(f"stream must be one of {', '.join(STREAMS)}, got {stream!r}")
        cap = int(cache.capacity.get(stream, 0))
        if not isinstance(n, (int, np.integer)) or not (1 <= n <= cap):
            raise ValueError(f"n (N_D for stream {stream!r}) must be an integer in [1, {cap}] (the cache capacity), got {n!r}")
        for k in range(-(-int(n) // cache.shard_size)):
            if cache._shard_path(stream, k).exists():
                continue
            if str(cache.device).startswith("cuda"):
                local.append((cache, stream, k))
            else:
                todo.append((str(cache.root), cache.spec.to_dict(), int(cache.seed), dict(cache.capacity),
                             int(cache.shard_size), stream, k))
    for cache, stream, k in local:
        cache._shard(stream, k)
    w = workers or os.cpu_count() or 1
    if len(todo) <= 1 or w == 1:
        for t in todo:
            _fill_shard(t)
    else:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(min(w, len(todo)), mp_context=mp.get_context("spawn")) as ex:
            list(ex.map(_fill_shard, todo))
    return len(todo) + len(local)
