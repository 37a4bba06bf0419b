"""Benchmark ``deep-regression``: generator throughput, training throughput, dataset memory.

Baselines (issue 7, reference note ``deep_regression_and_fitting.md`` §2): a per-sample
prototype reached about 35 samples/s per core for FIRE at 32² (28.5 ms per sample, numba) and
about 2000 samples/s per core for the surrogate (0.48 ms per sample); the batched generators
here must beat those.  Training throughput per architecture (the preset's data-sweep network)
is compared with what the preset needs to finish that architecture's data sweep in a third of
its budget (quick: 5 minutes on 2 processes; full: 10 minutes on one GPU).  Memory
with 10⁵ cached samples (32², 2 channels, float16) must stay under 4 GB.

Run: ``python -m nsl.bench deep-regression [--full] [--device cuda]``.
"""
from __future__ import annotations

import os
import resource
import tempfile
import time

import numpy as np

from nsl.bench import Measurement
from nsl.registry import benchmark

FIRE_PROTO_PER_CORE = 35.0
SURR_PROTO_PER_CORE = 2000.0
MEM_BUDGET_MB = 4096.0


def _rss_mb() -> float:
    """Current resident set size of this process in MB (Linux /proc; falls back to the peak)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return float(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _gen_chunk(args):
    """Worker: generate a chunk with one torch thread; returns (n, seconds)."""
    spec_d, seed, lo, hi, device = args
    import torch

    from nsl.sims.spin_textures import TextureSpec, generate

    torch.set_num_threads(1)
    spec = TextureSpec.from_dict(spec_d)
    t0 = time.perf_counter()
    generate(spec, seed, np.arange(lo, hi), device=device)
    return hi - lo, time.perf_counter() - t0


def _throughput(spec, n: int, device: str, workers: int) -> tuple[float, float]:
    """(samples/s with one process and one thread, samples/s with ``workers`` processes)."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    _gen_chunk((spec.to_dict(), 0, 10_000_000, 10_000_000 + max(8, n // 16), device))  # warm-up
    k, t = _gen_chunk((spec.to_dict(), 1, 0, n, device))
    single = k / t
    if device == "cuda" or workers <= 1:
        return single, single
    chunks = [(spec.to_dict(), 2, i * n, (i + 1) * n, device) for i in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as ex:
        list(ex.map(_gen_chunk, [(spec.to_dict(), 3, 0, 8, device)] * workers))  # start the workers
        t0 = time.perf_counter()
        list(ex.map(_gen_chunk, chunks))
        wall = time.perf_counter() - t0
    return single, workers * n / wall


@benchmark("deep-regression", description="spin-texture generators (FIRE, surrogate), training throughput, cache memory")
def bench(quick: bool = True, device: str = "cpu") -> list:
    import torch

    from nsl.sims.spin_textures import TextureCache, TextureSpec
    from nsl.sims.train import TrainConfig, train_regressor
    from nsl.validation.deep_regression import PRESETS, train_settings

    cores = os.cpu_count() or 1
    workers = min(cores, 2) if quick else cores
    out = []

    # 1. generators at 32x32 (the prototype's size)
    fire = TextureSpec(generator="fire", size=32)
    n_fire = 64 if quick else 512
    s1, sN = _throughput(fire, n_fire, device, workers)
    out.append(Measurement("FIRE 32^2 samples/s, one core", s1, "samples/s", "per-sample numba prototype",
                           FIRE_PROTO_PER_CORE, higher_is_better=True, target=1.0,
                           note="batched torch FIRE, tol 1e-4, float32" + (" on cuda" if device == "cuda" else "")))
    if device == "cpu":
        out.append(Measurement(f"FIRE 32^2 samples/s, {workers} processes", sN, "samples/s",
                               f"prototype x {workers} cores", FIRE_PROTO_PER_CORE * workers, higher_is_better=True,
                               target=1.0))
    surr = TextureSpec(generator="surrogate", size=32)
    n_s = 8192 if quick else 65536
    s1, sN = _throughput(surr, n_s, device, workers)
    out.append(Measurement("surrogate 32^2 samples/s, one core", s1, "samples/s", "numpy prototype",
                           SURR_PROTO_PER_CORE, higher_is_better=True, target=1.0))
    if device == "cpu":
        out.append(Measurement(f"surrogate 32^2 samples/s, {workers} processes", sN, "samples/s",
                               f"prototype x {workers} cores", SURR_PROTO_PER_CORE * workers, higher_is_better=True,
                               target=1.0))

    # 2. training throughput per architecture (data-sweep widths of the preset, its image size)
    P = PRESETS["quick" if quick else "full"]
    size = P["spec"]["size"]
    g = np.random.default_rng(0)
    n = 2048
    data = {"x_train": g.normal(size=(n, 2, size, size)).astype(np.float32), "y_train": g.normal(size=(n, 3)).astype(np.float32),
            "x_val": g.normal(size=(256, 2, size, size)).astype(np.float32), "y_val": g.normal(size=(256, 3)).astype(np.float32)}
    data["x_test"], data["y_test"] = data["x_val"], data["y_val"]
    if device == "cpu":
        torch.set_num_threads(1)
    budget_s, procs = (300.0, 2) if quick else (600.0, 1)
    for arch, a in P["archs"].items():
        steps = 30 if quick else (200 if device == "cuda" else 20)
        tr = train_settings(P, arch)
        cfg = TrainConfig(**{**tr, "min_steps": steps, "max_steps": steps, "eval_every": steps, "patience": 1,
                             "device": device})
        r = train_regressor(arch, {"width": a["width"], "depth": a["depth"]}, data, cfg)
        # what the preset needs: its data-sweep cells for this arch in a third of its budget, per process
        fc = TrainConfig(**{**tr, "device": "cpu"})
        need = sum(fc.steps_for(k) * fc.batch_size for k in P["data_sizes"]) * len(P["seeds"]) / (budget_s / 3 * procs)
        where = "quick: 300 s on 2 processes" if quick else "full: 600 s on one GPU"
        out.append(Measurement(f"train {arch} (w={a['width']}, d={a['depth']}, {size}^2) samples/s", r.samples_per_s,
                               "samples/s", f"{'quick' if quick else 'full'} data sweep of {arch} in 1/3 of its budget ({where})",
                               need, higher_is_better=True,
                               note=f"N_M = {r.n_params}, batch {cfg.batch_size}, " + ("one thread" if device == "cpu" else "cuda")))

    # 3. memory with 1e5 cached samples (32^2, 2 channels, float16 shards)
    n_mem = 20_000 if quick else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        c = TextureCache(tmp, surr, 0, capacity={"train": n_mem, "val": 1, "test": 1}, shard_size=4096)
        rss0 = _rss_mb()
        x, y = c.load("train", n_mem)
        held = (x.nbytes + y.nbytes) / 2**20
        rss1 = _rss_mb()
    per = held / n_mem
    est = per * 100_000
    out.append(Measurement("memory of 1e5 cached samples (32^2, 2 ch, float16)", est, "MB", "budget", MEM_BUDGET_MB,
                           higher_is_better=False, target=1.0,
                           note=(f"measured arrays for {n_mem} samples ({held:.0f} MB), scaled to 1e5; " if quick else "")
                           + f"resident memory grew by {rss1 - rss0:.0f} MB while loading"))
    return out
