"""Benchmark ``deep-regression``: FIRE throughput against the previous generator, training throughput, cold quick run.

1. **FIRE at 32² on one core**, the new fused numba kernel (:mod:`nsl.sims.fire_cpu`, the CPU
   default) against the named baseline **"torch batched FIRE"**: :func:`nsl.sims.spin_textures.relax_fire`,
   the generator every preset used until issue 11 (~55 samples/s on one core then), still the GPU
   path.  Both run in this process on the same samples, interleaved (A B A B), so machine load hits
   both; the issue asks for >= 2x.  Measured on the old bench's box (L_M 10–30 px, J 0.5–2,
   J⊥¹ = 0.5, random origin) and on the full preset's physical box (32², L_M 10–16 px, J 0.3–0.8).
2. **Training throughput** per architecture of the preset's data sweep against what its data
   sweep (every N_D, every learning rate at seed 0, the other seeds at one rate) needs in a
   third of the preset's budget (quick: 300 s on 2 processes; medium: 3600 s on 2 processes).
3. **Memory** of 10⁵ cached samples (32², 2 channels, float16) against 4 GB.
4. With ``--full``: the quick suite's **cold wall time** (empty store and texture cache, 2 workers,
   a subprocess ``nsl validate deep-regression --preset quick``) against its 300 s budget, and
   the cold texture generation alone against 180 s.

Run: ``python -m nsl.bench deep-regression [--full] [--device cuda]``.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

from nsl.bench import Measurement
from nsl.registry import benchmark

MEM_BUDGET_MB = 4096.0
QUICK_BUDGET_S = 300.0
COLD_GEN_BUDGET_S = 180.0
# the box the FIRE benchmark used before issue 11 (TextureSpec's old defaults)
OLD_BOX: dict = {"generator": "fire", "size": 32, "theta_deg": (1.91, 5.73), "J": (0.5, 2.0), "jperp1": 0.5,
           "random_origin": True}


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


def fire_side_by_side(spec, n: int, reps: int = 2, device: str = "cpu") -> tuple[float, float]:
    """(new samples/s, baseline samples/s) for FIRE on ``spec``, one torch thread, interleaved repetitions."""
    import torch

    from nsl.sims.spin_textures import generate

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    new_backend = "torch" if device == "cuda" else "numba"
    t_new = t_old = 0.0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # the old box collapses for ~20 % of its samples: known
            generate(spec, 0, np.arange(10_000_000, 10_000_004), fire_backend=new_backend, device=device)  # compile
            generate(spec, 0, np.arange(10_000_000, 10_000_004), fire_backend="torch", device="cpu")
            for r in range(reps):
                idx = np.arange(r * n, (r + 1) * n)
                t0 = time.perf_counter()
                generate(spec, 1, idx, fire_backend=new_backend, device=device)
                t1 = time.perf_counter()
                generate(spec, 1, idx, fire_backend="torch", device="cpu")
                t2 = time.perf_counter()
                t_new += t1 - t0
                t_old += t2 - t1
    finally:
        torch.set_num_threads(threads)
    return reps * n / t_new, reps * n / t_old


def _data_sweep_samples(P, arch) -> float:
    """Samples the preset's data sweep of one architecture trains on (all rates at seed 0, one rate otherwise)."""
    from nsl.sims.train import TrainConfig
    from nsl.validation.deep_regression import train_settings

    cfg = TrainConfig(**train_settings(P, arch.family))
    runs_per_nd = len(P.lrs[arch.family]) + len(P.arch_seeds(arch)) - 1
    return sum(cfg.steps_for(n) * cfg.batch_size for n in P.n_d) * runs_per_nd


def _cold_quick(workers: int) -> tuple[float, float]:
    """(wall s of the whole cold quick suite, wall s of its texture generation alone), in fresh subprocesses."""
    with tempfile.TemporaryDirectory() as tmp:
        code = ("import sys, time, types; from nsl.validation import deep_regression as dr; "
                "ctx = types.SimpleNamespace(device='cpu', workers=" + str(workers) + "); "
                "t = time.perf_counter(); dr.fill_datasets(dr.PRESETS['quick'], ctx, sys.argv[1]); "
                "print(time.perf_counter() - t)")
        out = subprocess.run([sys.executable, "-c", code, os.path.join(tmp, "gen")], capture_output=True, text=True,
                             check=True)
        gen_s = float(out.stdout.strip().splitlines()[-1])
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nsl.cli", "--quiet", "--store", os.path.join(tmp, "store"), "validate",
                        "deep-regression", "--preset", "quick", "--workers", str(workers)], capture_output=True,
                       text=True)
        suite_s = time.perf_counter() - t0
    return suite_s, gen_s


@benchmark("deep-regression", description="FIRE (numba vs the previous torch generator), training throughput, cache "
                                          "memory, cold quick suite")
def bench(quick: bool = True, device: str = "cpu") -> list:
    import torch

    from nsl.sims.spin_textures import TextureSpec
    from nsl.sims.texture_cache import TextureCache
    from nsl.sims.train import TrainConfig, train_regressor
    from nsl.validation.deep_regression import PRESETS, train_settings

    out = []
    # 1. FIRE at 32^2, one core, side by side with the previous generator
    n = 48 if quick else 256
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the old box holds ~1 period at its longest: known
        old_box = TextureSpec(**OLD_BOX)
    for label, spec in (("old bench box", old_box),
                        ("the full preset's box", TextureSpec.from_dict(PRESETS["full"].box.spec()))):
        new, old = fire_side_by_side(spec, n, device=device)
        out.append(Measurement(f"FIRE 32^2 samples/s, one core, {label}", new, "samples/s",
                               "torch batched FIRE (the generator before issue 11), same run", old,
                               higher_is_better=True, target=2.0,
                               note=f"{'fused numba kernel, float64' if device == 'cpu' else 'torch on cuda'}; "
                                    f"{n} samples x 2, interleaved; baseline {old:.1f}/s"))

    # 2. training throughput per architecture (the preset's data-sweep networks, its image size)
    P = PRESETS["quick" if quick else "medium"]
    size = P.box.size
    g = np.random.default_rng(0)
    nt = 2048
    data = {"x_train": g.normal(size=(nt, 2, size, size)).astype(np.float32),
            "y_train": g.normal(size=(nt, 3)).astype(np.float32),
            "x_val": g.normal(size=(256, 2, size, size)).astype(np.float32), "y_val": g.normal(size=(256, 3)).astype(np.float32)}
    data["x_test"], data["y_test"] = data["x_val"], data["y_val"]
    budget_s, procs = (QUICK_BUDGET_S, 2) if quick else (3600.0, 2)
    threads = torch.get_num_threads()
    if device == "cpu":
        torch.set_num_threads(1)
    try:
        for label, a in P.archs.items():
            steps = 30
            tr = train_settings(P, a.family)
            cfg = TrainConfig(**{**tr, "min_steps": steps, "max_steps": steps, "eval_every": steps, "patience": 1,
                                 "device": device})
            kw = {"width": a.width, "depth": a.depth}
            if int(P.stem_stride.get(a.family, 1)) != 1:  # as the suite trains it (the ResNet's stem halves the image)
                kw["stem_stride"] = int(P.stem_stride[a.family])
            r = train_regressor(a.family, kw, data, cfg)
            need = _data_sweep_samples(P, a) / (budget_s / 3 * procs)
            out.append(Measurement(f"train {label} ({size}^2) samples/s", r.samples_per_s, "samples/s",
                                   f"{'quick' if quick else 'medium'} data sweep of {label} in 1/3 of "
                                   f"{budget_s:.0f} s on {procs} processes", need, higher_is_better=True,
                                   note=f"N_M = {r.n_params}, batch {cfg.batch_size}, "
                                        + ("one thread" if device == "cpu" else "cuda")))
    finally:
        torch.set_num_threads(threads)

    # 3. memory with 1e5 cached samples (32^2, 2 channels, float16 shards)
    n_mem = 20_000 if quick else 100_000
    surr = TextureSpec(generator="surrogate", size=32)
    with tempfile.TemporaryDirectory() as tmp:
        c = TextureCache(tmp, surr, 0, capacity={"train": n_mem, "val": 1, "test": 1}, shard_size=4096)
        rss0 = _rss_mb()
        x, y = c.load("train", n_mem)
        held = (x.nbytes + y.nbytes) / 2**20
        rss1 = _rss_mb()
    est = held / n_mem * 100_000
    out.append(Measurement("memory of 1e5 cached samples (32^2, 2 ch, float16)", est, "MB", "budget", MEM_BUDGET_MB,
                           higher_is_better=False, target=1.0,
                           note=(f"measured arrays for {n_mem} samples ({held:.0f} MB), scaled to 1e5; " if quick else "")
                           + f"resident memory grew by {rss1 - rss0:.0f} MB while loading"))

    # 4. the quick suite cold (texture cache included), and its cold texture generation alone
    if not quick and device == "cpu":
        suite_s, gen_s = _cold_quick(2)
        out.append(Measurement("quick suite cold wall time (2 workers, cache included)", suite_s, "s", "budget",
                               QUICK_BUDGET_S, higher_is_better=False, target=1.0))
        out.append(Measurement("quick suite cold texture generation (2 workers)", gen_s, "s", "budget",
                               COLD_GEN_BUDGET_S, higher_is_better=False, target=1.0))
    return out
