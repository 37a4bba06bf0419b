"""Suite ``deep-regression``: data- and model-size scaling of spin-texture parameter estimation.

Čadež & Kim (arXiv 2509.10000) find test MSE ∝ N_D^(−α) and ∝ N_M^(−α) with α between 1 and 2
(up to ≈ 2.3), depending on the regressed parameter (θ, J, D) and the architecture (FCN,
ResNet-18, ViT).  Their data are not public; this suite runs the open stand-in
(:mod:`nsl.sims.spin_textures`) through the same sweeps:

1. learning-rate search per (architecture, width) at ``lr_nd`` samples; the model-size sweep
   (test MSE vs N_M, one seed) trains each width at its best rate on ``model_nd`` samples;
2. data-size sweep per architecture at its data-sweep width and best learning rate, several
   seeds; geometric mean over seeds (the paper's Fig. 1 metric);
3. intrinsic-dimension check: θ alone free, then θ + J, then θ + J + D; the data exponent of
   θ's MSE should decrease as the number of free parameters d grows (resolution-limited
   scaling α ≈ 4/d, Sharma & Kaplan, JMLR 23 (2022); Bahri et al. arXiv 2102.06701); each d is
   fitted over the N_D where θ's MSE lies in the preset's ``mse_band``.

Exponents are fitted with :func:`nsl.theory.fitting.fit_power_law` (pure power law over the
window chosen by :func:`select_fit_window`, bootstrap intervals over seeds) beside the
offset fit.  Inputs are standardised and every run is trained until its validation loss has
(nearly) stopped falling (:mod:`nsl.sims.train`); a fixed step budget for all N_D would measure
the budget, not the data.  All sizes live in :data:`PRESETS`.  Every training is one cell of ``ctx.sweep``,
so a killed sweep resumes without retraining finished cells; datasets are generated once
into a shard cache under the store (``<store>/datasets``).
"""
from __future__ import annotations

import math

import numpy as np

from nsl.registry import suite
from nsl.rows import Row

SUITE = "deep-regression"
PARAMS = ("theta", "J", "D")


def _theta_range(L_lo: float, L_hi: float) -> list[float]:
    """θ range (degrees) for moiré periods in [L_lo, L_hi] px (θ = 2 arcsin(1/(2L)))."""
    return [math.degrees(2 * math.asin(1 / (2 * L_hi))), math.degrees(2 * math.asin(1 / (2 * L_lo)))]


# One place for every size of the experiment.
PRESETS: dict[str, dict] = {
    "quick": {
        "spec": {"generator": "surrogate", "size": 16, "theta_deg": _theta_range(5.0, 12.0),
                 "J": [0.5, 2.0], "D": [0.0, 0.4], "channels": "mz", "random_origin": False},
        "data_seed": 0, "n_val": 512, "n_test": 1024, "shard": 2048,
        "data_sizes": [32, 64, 128, 256, 512, 1024, 2048],
        "seeds": [0, 1],
        "archs": {"fcn": {"width": 128, "depth": 3}, "resnet": {"width": 4, "depth": 1}, "vit": {"width": 32, "depth": 1}},
        "ladders": {"fcn": [16, 48, 128, 384], "resnet": [2, 3, 4, 6], "vit": [8, 16, 32, 64]},
        # the learning rate of every (architecture, width) is searched at N_D = lr_nd; the model-size sweep runs at
        # N_D = model_nd, where the widths still gain from their size (at N_D = 256 the N_M curves flatten: the
        # wider networks are data-limited and the exponents' intervals reach 0)
        "lr_nd": 256,
        "model_nd": 1024,
        "lrs": [3e-3, 1e-2],  # the best rate was 3e-3 for every width on a [1e-3, 3e-3] grid; 1e-2 wins for ResNet and ViT
        # steps = epochs * N_D / batch clipped to [min_steps, max_steps]: enough that the validation loss has
        # (nearly) stopped falling at every N_D, so the sweep measures data scaling and not the step budget
        "train": {"batch_size": 32, "epochs": 40, "min_steps": 100, "max_steps": 2560, "eval_every": 50,
                  "patience": 6, "weight_decay": 1e-4, "warmup_frac": 0.05},
        # (ResNet: batch 64 reaches the batch-32 losses at N_D 32-2048 in half the steps, 0.62x the CPU time)
        "train_arch": {"fcn": {"batch_size": 128, "epochs": 100, "min_steps": 800, "max_steps": 3200},
                       "resnet": {"batch_size": 64},
                       "vit": {"batch_size": 64, "epochs": 50, "min_steps": 600, "max_steps": 3200}},
        # the intrinsic-dimension check fits each d over the N_D where theta's geometric-mean MSE lies in
        # mse_band: below the upper edge the network has left the can't-learn plateau (a constant predictor
        # scores 1), above the lower edge it is clear of the optimisation floor of the step budget (theta
        # alone reaches ~1e-6 by N_D = 64).  The onset and the floor move with d, so one N_D window for all d
        # would measure the plateau or the floor for one of them.
        # (with all three free, theta's curve also has the data sweep's N_D, which cost nothing extra)
        "id_check": {"arch": "fcn", "data_sizes": [8, 12, 16, 24, 32, 48, 64, 128, 256], "seeds": [0, 1],
                     "mse_band": [1e-4, 0.3]},
        "n_boot": 400,
        # the data exponents are checked against the paper's band; the model sweep (one seed, a ladder of 1-1.75
        # decades at N_D = 1024, where the widest networks start to be data-limited) only for a falling loss
        "band_check": {"data": True, "model": False},
    },
    "full": {
        # sized for ~10 minutes on one H100-class GPU (`--device cuda`): ~85k FIRE samples generated on the
        # device, ~1e5 optimiser steps at batch 512 spread over the sweep workers.  On a CPU this is hours.
        # Relaxed textures with short periods, stiff walls (large J) and weak DMI collapse to a uniform state (no
        # bubbles: the parameters are unidentifiable, a floor on the loss).  Counted on 1024 samples at 32^2,
        # L_M in [15, 30] px: 2.9 % collapse with J in [0.5, 1.5] (theta's variance among them 0.26 of the prior:
        # a floor near 0.0075 on theta's standardised MSE), 0.3 % with J in [0.5, 1.0]; with the note's
        # L_M >= 10, J <= 2 it is about 25 %.
        "spec": {"generator": "fire", "size": 32, "theta_deg": _theta_range(15.0, 30.0),
                 "J": [0.5, 1.0], "D": [0.0, 0.4], "channels": "mz", "tol": 1e-4, "max_iter": 3000,
                 "random_origin": True},
        "data_seed": 0, "n_val": 2048, "n_test": 4096, "shard": 8192,
        "data_sizes": [512, 1024, 2048, 4096, 8192, 16384, 32768],
        "seeds": [0, 1],
        "archs": {"fcn": {"width": 512, "depth": 3}, "resnet": {"width": 16, "depth": 2}, "vit": {"width": 64, "depth": 4}},
        "ladders": {"fcn": [32, 64, 128, 256, 512, 1024], "resnet": [4, 8, 16, 32, 64], "vit": [16, 32, 64, 128, 192]},
        "lr_nd": 8192,
        "model_nd": 8192,
        "lrs": [1e-3, 3e-3, 1e-2],  # quick's searches chose 3e-3-1e-2 (batch 32-128); 1e-2 keeps the optimum inside
        "train": {"batch_size": 512, "epochs": 60, "min_steps": 300, "max_steps": 3000, "eval_every": 100,
                  "patience": 8, "weight_decay": 1e-4, "warmup_frac": 0.05},
        "id_check": {"arch": "resnet", "data_sizes": [512, 1024, 2048, 4096, 8192, 16384], "seeds": [0, 1],
                     "mse_band": [1e-4, 0.3]},
        "n_boot": 2000,
        "band_check": {"data": True, "model": True},
    },
}


# ----------------------------------------------------------------------------- the sweep cell
def _cache(c: dict):
    from nsl.sims.spin_textures import TextureCache, TextureSpec

    spec = TextureSpec.from_dict(c["spec"])
    cap = {"train": int(c["capacity"]), "val": int(c["n_val"]), "test": int(c["n_test"])}
    return spec, TextureCache(c["cache"], spec, int(c["data_seed"]), capacity=cap, shard_size=int(c["shard"]),
                              device=c.get("gen_device", "cpu"))


def train_cell(c: dict):
    """One training (module level: runs in a spawned worker). Returns (arrays, result)."""
    import torch

    from nsl.sims.spin_textures import TARGETS
    from nsl.sims.train import TrainConfig, standardise, train_regressor

    torch.set_num_threads(1)  # the process pool gives the parallelism (on a GPU: the workers share it)
    spec, cache = _cache(c)
    cols = [TARGETS.index(t) for t in spec.free]
    mean, std = spec.target_moments()
    data = {}
    for name, stream, n in (("train", "train", c["n_train"]), ("val", "val", c["n_val"]), ("test", "test", c["n_test"])):
        x, y = cache.load(stream, int(n))
        data["x_" + name] = x.astype(np.float32)
        data["y_" + name] = standardise(y, mean, std)[:, cols].astype(np.float32)
    cfg = TrainConfig(**{**c["train"], "lr": float(c["lr"]), "seed": int(c["seed"]), "device": c["device"]})
    r = train_regressor(c["arch"], {"width": int(c["width"]), "depth": int(c["depth"])}, data, cfg)
    res = {"test_mse": dict(zip(spec.free, r.test_mse)), "val_mse": dict(zip(spec.free, r.val_mse)),
           "val_mean": float(np.mean(r.val_mse)), "n_params": r.n_params, "best_step": r.best_step,
           "steps": r.steps, "train_wall_s": r.wall_s, "samples_per_s": r.samples_per_s}
    return {"history_step": np.asarray(r.history_step), "history_val": np.asarray(r.history_val)}, res


def _id_sizes(P: dict, free) -> list[int]:
    """N_D of the intrinsic-dimension check for the free set ``free``: with all three free the data sweep's too."""
    sizes = set(P["id_check"]["data_sizes"])
    if len(free) == len(PARAMS):
        sizes |= set(P["data_sizes"])
    return sorted(sizes)


def train_settings(P: dict, arch: str) -> dict:
    """The preset's training settings for ``arch``: its ``train`` dict with the ``train_arch`` overrides."""
    return {**P["train"], **P.get("train_arch", {}).get(arch, {})}


def _cell(P: dict, base: dict, **kw) -> dict:
    """One sweep cell: ``base`` updated by ``kw``, with the preset's per-architecture training settings."""
    c = dict(base)
    c.update(kw)
    if "arch" in c:
        c["train"] = train_settings(P, c["arch"])
    return c


# ----------------------------------------------------------------------------- fits
def _band_window(x, Y, band) -> tuple[int, int] | None:
    """The longest run of consecutive points whose geometric-mean y lies in ``band``; None if < 4 points."""
    g = np.exp(np.log(np.atleast_2d(np.asarray(Y, float))).mean(0))
    inside = (g >= band[0]) & (g <= band[1])
    best, start = (0, 0), None
    for i, ok in enumerate(list(inside) + [False]):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            best = max(best, (start, i), key=lambda w: w[1] - w[0])
            start = None
    return best if best[1] - best[0] >= 4 else None


def _nan_fit() -> dict:
    """A fit with no window (every number NaN): its rows fail and its figure line is left out."""
    nan = math.nan
    return {"alpha": nan, "ci": (nan, nan), "B": nan, "window": (0, 0), "x_range": (nan, nan), "alpha_offset": nan,
            "E_offset": nan, "slopes": np.full(0, nan), "boot": np.full(0, nan), "rmsle": nan}


def _fit(x, Y, n_boot: int, seed: int, window: tuple[int, int] | None = None):
    """Pure power law over ``window`` (default: chosen by extrapolation error), plus the offset fit on it."""
    from nsl.theory.fitting import fit_power_law, local_slopes, select_fit_window

    x = np.asarray(x, float)
    Y = np.atleast_2d(np.asarray(Y, float))
    if window is not None:
        lo, hi = window
    else:
        lo, hi = (select_fit_window(x, Y, k=2, min_points=4) if x.size >= 6 else (0, x.size))
    xw, Yw = x[lo:hi], Y[:, lo:hi]
    pure = fit_power_law(xw, Yw, offset=False, n_boot=n_boot, rng=seed)
    off = fit_power_law(xw, Yw, offset=True, n_boot=0) if xw.size >= 5 else None
    slopes = local_slopes(xw, Yw) if xw.size >= 3 else np.full(xw.size, np.nan)
    return {"alpha": pure.alpha, "ci": pure.alpha_ci, "B": pure.amplitude, "window": (lo, hi),
            "x_range": pure.x_range, "alpha_offset": off.alpha if off else math.nan,
            "E_offset": off.offset if off else math.nan, "slopes": slopes, "boot": pure.alpha_boot,
            "rmsle": pure.rmsle}


def _fit_table(fits: dict, keys: list) -> np.ndarray:
    """rows: alpha, ci_lo, ci_hi, amplitude, x_lo, x_hi, alpha_offset, E_offset."""
    return np.array([[fits[k]["alpha"], *fits[k]["ci"], fits[k]["B"], *fits[k]["x_range"],
                      fits[k]["alpha_offset"], fits[k]["E_offset"]] for k in keys])


# ----------------------------------------------------------------------------- the suite
@suite(SUITE, budget_s={"quick": 300.0})
def run(ctx) -> list[Row]:
    """Deep-regression scaling (Čadež & Kim 2025) on spin textures: data, model and intrinsic-dimension sweeps."""
    P = PRESETS[ctx.preset]
    rows: list[Row] = []
    cache_root = str(ctx.store.root / "datasets")
    spec_full = dict(P["spec"])
    cap = max(max(P["data_sizes"]), P["model_nd"], P["lr_nd"], max(P["id_check"]["data_sizes"]))
    band = P["id_check"].get("mse_band")
    base = {"kind": "deep-regression-train", "preset": ctx.preset, "cache": cache_root, "data_seed": P["data_seed"],
            "capacity": cap, "n_val": P["n_val"], "n_test": P["n_test"], "shard": P["shard"],
            "device": ctx.device}  # each training cell gets its architecture's settings from _cell

    # datasets first (CPU: shards in a process pool; GPU: batched in this process); workers only read shards
    from nsl.sims.spin_textures import fill_caches

    gen_dev = ctx.device
    free_sets = [["theta"], ["theta", "J"], ["theta", "J", "D"]]
    jobs = []
    for free in free_sets:
        c = _cell(P, base, spec={**spec_full, "free": free}, gen_device=gen_dev)
        _, cache = _cache(c)
        need = cap if free == free_sets[-1] else max(P["id_check"]["data_sizes"])
        jobs += [(cache, "train", need), (cache, "val", P["n_val"]), (cache, "test", P["n_test"])]
    fill_caches(jobs, workers=ctx.workers)
    if ctx.device == "cuda":
        import torch

        torch.cuda.empty_cache()
    spec_all = {**spec_full, "free": list(PARAMS)}

    # 1. learning-rate search per (architecture, width): seed 0, N_D = lr_nd
    grid = []
    for arch, lad in P["ladders"].items():
        depth = P["archs"][arch]["depth"]
        widths = sorted(set(lad) | {P["archs"][arch]["width"]})
        for w in widths:
            for lr in P["lrs"]:
                grid.append(_cell(P, base, spec=spec_all, arch=arch, width=w, depth=depth, lr=lr, seed=0,
                                  n_train=P["lr_nd"]))
    runs = ctx.sweep(train_cell, grid, desc="deep-regression lr search")
    best: dict = {}
    for r in runs:
        k = (r.config["arch"], r.config["width"])
        if k not in best or r.result["val_mean"] < best[k].result["val_mean"]:
            best[k] = r
    best_lr = {k: v.config["lr"] for k, v in best.items()}

    # 2. model-size sweep (seed 0, N_D = model_nd, each width at its best rate), data-size sweep per
    # architecture, and 3. the intrinsic-dimension check (theta's MSE with d = 1, 2, 3 free parameters):
    # one sweep, so the pool stays busy; a cell shared by two of them is trained once
    grid = []
    for arch, lad in P["ladders"].items():
        for w in lad:
            grid.append(_cell(P, base, spec=spec_all, arch=arch, width=w, depth=P["archs"][arch]["depth"],
                              lr=best_lr[(arch, w)], seed=0, n_train=P["model_nd"]))
    for arch, a in P["archs"].items():
        for n in P["data_sizes"]:
            for s in P["seeds"]:
                grid.append(_cell(P, base, spec=spec_all, arch=arch, width=a["width"], depth=a["depth"],
                                  lr=best_lr[(arch, a["width"])], seed=s, n_train=n))
    ida = P["id_check"]["arch"]
    aa = P["archs"][ida]
    for free in free_sets:
        for n in _id_sizes(P, free):
            for s in P["id_check"]["seeds"]:
                grid.append(_cell(P, base, spec={**spec_full, "free": free}, arch=ida, width=aa["width"],
                                  depth=aa["depth"], lr=best_lr[(ida, aa["width"])], seed=s, n_train=n))
    runs = ctx.sweep(train_cell, grid, desc="deep-regression data sweeps")
    by = {}
    for r in runs:
        c = r.config
        by[(tuple(c["spec"]["free"]), c["arch"], c["width"], c["n_train"], c["seed"])] = r

    model_fits, model_arrays = {}, {}
    for arch, lad in P["ladders"].items():
        ws = sorted(lad)
        cells = [by[(PARAMS, arch, w, P["model_nd"], 0)] for w in ws]
        n_par = np.array([r.result["n_params"] for r in cells], float)
        mse = np.array([[r.result["test_mse"][p] for r in cells] for p in PARAMS])  # (3, n_w)
        model_arrays[f"{arch}__n_params"] = n_par
        model_arrays[f"{arch}__mse"] = mse.T
        model_arrays[f"{arch}__lr"] = np.array([best_lr[(arch, w)] for w in ws])
        for i, p in enumerate(PARAMS):
            model_fits[(arch, p)] = _fit(n_par, mse[i][None], P["n_boot"], seed=17 + i)
        model_arrays[f"{arch}__fit"] = _fit_table(model_fits, [(arch, p) for p in PARAMS])
        lo_hi = (n_par.min(), n_par.max())
        ctx.note(f"model sweep {arch}: N_M from {lo_hi[0]:.3g} to {lo_hi[1]:.3g} ({math.log10(lo_hi[1] / lo_hi[0]):.2f} "
                 f"decades) at N_D = {P['model_nd']}; learning rates {[best_lr[(arch, w)] for w in ws]} (best of "
                 f"{P['lrs']} at N_D = {P['lr_nd']})")

    data_fits, data_arrays = {}, {}
    nds = np.array(P["data_sizes"], float)
    for arch in P["archs"]:
        w = P["archs"][arch]["width"]
        Y = np.array([[[by[(PARAMS, arch, w, n, s)].result["test_mse"][p] for n in P["data_sizes"]] for s in P["seeds"]]
                      for p in PARAMS])  # (3, seeds, n_d)
        data_arrays[f"{arch}__n_d"] = nds
        data_arrays[f"{arch}__mse"] = np.transpose(Y, (1, 2, 0))  # (seeds, n_d, 3)
        data_arrays[f"{arch}__n_params"] = np.array([by[(PARAMS, arch, w, P["data_sizes"][0], P["seeds"][0])].result["n_params"]])
        for i, p in enumerate(PARAMS):
            data_fits[(arch, p)] = _fit(nds, Y[i], P["n_boot"], seed=31 + i)
        data_arrays[f"{arch}__fit"] = _fit_table(data_fits, [(arch, p) for p in PARAMS])

    id_fits, id_arrays = {}, {}
    for free in free_sets:
        d = len(free)
        sizes = _id_sizes(P, free)
        id_nd = np.array(sizes, float)
        Y = np.array([[by[(tuple(free), ida, aa["width"], n, s)].result["test_mse"]["theta"] for n in sizes]
                      for s in P["id_check"]["seeds"]])
        id_arrays[f"d{d}__n_d"] = id_nd
        id_arrays[f"d{d}__mse"] = Y
        win = _band_window(id_nd, Y, band) if band else (0, id_nd.size)
        if win is None:
            id_fits[d] = _nan_fit()
            ctx.note(f"deep-regression: id check d={d}: fewer than 4 consecutive N_D with theta's MSE in {band}; "
                     "no exponent.")
        else:
            id_fits[d] = _fit(id_nd, Y, P["n_boot"], seed=53 + d, window=win)
    id_arrays["fit"] = _fit_table(id_fits, [1, 2, 3])

    meta = {"archs": list(P["archs"]), "params": list(PARAMS), "preset": ctx.preset, "spec": spec_full,
            "fit_columns": ["alpha", "ci_lo", "ci_hi", "amplitude", "x_lo", "x_hi", "alpha_offset", "E_offset"],
            "widths": {a: P["archs"][a]["width"] for a in P["archs"]}, "id_arch": ida}
    ctx.save_artifact("data_sweep", data_arrays, meta)
    ctx.save_artifact("model_sweep", model_arrays, meta)
    ctx.save_artifact("id_check", id_arrays, meta)

    # ------------------------------------------------------------------ rows
    capacity_limited = {}
    for arch, a in P["archs"].items():
        ws = sorted(P["ladders"][arch])
        m_here = np.mean([by[(PARAMS, arch, a["width"], P["model_nd"], 0)].result["test_mse"][p] for p in PARAMS])
        m_best = min(np.mean([by[(PARAMS, arch, w, P["model_nd"], 0)].result["test_mse"][p] for p in PARAMS]) for w in ws)
        capacity_limited[arch] = bool(m_best < 0.5 * m_here)

    for (arch, p), f in data_fits.items():
        lo, hi = f["ci"]
        win = f"N_D in [{f['x_range'][0]:.0f}, {f['x_range'][1]:.0f}]"
        # the loss falls with N_D: the whole bootstrap interval above 0
        rows.append(Row.at_least(SUITE, f"data/{arch}/{p}: alpha_D lower 95% bound", lo, 0.0,
                                 note=f"alpha_D = {f['alpha']:.3f} [{lo:.3f}, {hi:.3f}] over {win}; offset fit alpha = "
                                      f"{f['alpha_offset']:.3f}, E = {f['E_offset']:.3g}"))
        s = f["slopes"]
        spread = float(np.nanstd(s) / max(f["alpha"], 1e-9)) if s.size >= 3 else math.nan
        why = ""
        if not (spread <= 0.5) and s.size >= 4:
            h = s.size // 2
            first, last = float(np.mean(-s[:h])), float(np.mean(-s[h:]))
            why = ("; the slope steepens with N_D: pre-asymptotic onset (the network barely learns this parameter at "
                   "small N_D), the power-law regime starts beyond the window's lower end" if last > first else
                   f"; the slope flattens with N_D: the curve bends onto a floor (offset fit E = {f['E_offset']:.3g}) "
                   "or the training budget limits the largest N_D")
            ctx.note(f"deep-regression: data/{arch}/{p} is not a clean power law over {win}{why}.")
        rows.append(Row.at_most(SUITE, f"data/{arch}/{p}: local-slope spread / alpha_D over the window", spread, 0.5,
                                note=f"local slopes {np.round(-s, 3).tolist()} ({win}): a power law has constant slope{why}"))
        if P["band_check"]["data"]:
            why = ""
            if not (lo - 0.0 <= 2.0 and hi >= 1.0):
                why = (" OUTSIDE the paper's band: " + ("the network is capacity-limited at this width (a wider one "
                       "halves the loss at N_D = model_nd)" if capacity_limited[arch] else
                       "not capacity-limited by the model sweep; the stand-in's data are not the paper's (surrogate "
                       "physics, image size, parameter ranges), so its exponent need not match"))
            rows.append(Row.check(SUITE, f"data/{arch}/{p}: alpha_D in the paper's band [1, 2]", 1.5, f["alpha"],
                                  tolerance=0.5, ci=f["ci"], note=f"Cadez & Kim: 1-2 (up to ~2.3){why}"))
            if why:
                ctx.note(f"deep-regression: alpha_D({arch}, {p}) = {f['alpha']:.2f} [{lo:.2f}, {hi:.2f}]{why}.")
    for (arch, p), f in model_fits.items():
        lo, hi = f["ci"]
        rows.append(Row.at_least(SUITE, f"model/{arch}/{p}: alpha_M lower 95% bound", lo, 0.0,
                                 note=f"alpha_M = {f['alpha']:.3f} [{lo:.3f}, {hi:.3f}] over N_M in "
                                      f"[{f['x_range'][0]:.3g}, {f['x_range'][1]:.3g}] at N_D = {P['model_nd']} (one seed, "
                                      f"residual bootstrap)" + ("" if lo >= 0 else "; the interval reaches 0: with one seed "
                                      "and few widths the N_M curve is flat within its noise (data-limited at this N_D, "
                                      "or the family does not profit from width here)")))
        if P["band_check"]["model"]:
            out = not (lo <= 2.0 and hi >= 1.0)
            rows.append(Row.check(SUITE, f"model/{arch}/{p}: alpha_M in the paper's band [1, 2]", 1.5, f["alpha"],
                                  tolerance=0.5, ci=f["ci"],
                                  note="Cadez & Kim: 1-2" + (" OUTSIDE the band: at fixed N_D the largest models become "
                                                              "data-limited, which flattens the N_M curve" if out else "")))
    # intrinsic dimension: alpha(d=1) > alpha(d=2) > alpha(d=3)
    nuis = (" (plus 3 nuisance dimensions, the moire origin r0 and orientation phi, that the network must discount)"
            if spec_full.get("random_origin", True) else " (fixed moire origin: no nuisance dimensions)")
    for d1, d2 in ((1, 2), (2, 3)):
        a1, a2 = id_fits[d1], id_fits[d2]
        n = min(a1["boot"].size, a2["boot"].size)
        diff_boot = a1["boot"][:n] - a2["boot"][:n]
        dlo, dhi = (np.percentile(diff_boot, [2.5, 97.5]) if n else (math.nan, math.nan))
        rows.append(Row.at_least(SUITE, f"id/{ida}: alpha_D(theta; d={d1}) - alpha_D(theta; d={d2}), lower 95% bound",
                                 float(dlo), 0.0,
                                 note=f"alpha_D(theta) = {a1['alpha']:.3f} [{a1['ci'][0]:.3f}, {a1['ci'][1]:.3f}] with d={d1} "
                                      f"(N_D {a1['x_range'][0]:.0f}-{a1['x_range'][1]:.0f}), {a2['alpha']:.3f} [{a2['ci'][0]:.3f}, "
                                      f"{a2['ci'][1]:.3f}] with d={d2} (N_D {a2['x_range'][0]:.0f}-{a2['x_range'][1]:.0f}); "
                                      f"windows: theta's MSE in {band}; difference {a1['alpha'] - a2['alpha']:.3f}, 95% "
                                      f"interval [{dlo:.3f}, {dhi:.3f}]; 4/d anchor {4 / d1:.2f} vs {4 / d2:.2f}" + nuis))
    alphas = {a: {p: round(data_fits[(a, p)]["alpha"], 3) for p in PARAMS} for a in P["archs"]}
    ctx.note(f"deep-regression ({ctx.preset}): alpha_D per architecture and parameter {alphas}; "
             f"alpha_D(theta) for d = 1, 2, 3: {[round(id_fits[d]['alpha'], 3) for d in (1, 2, 3)]}; "
             f"capacity-limited data-sweep widths: {capacity_limited}.")
    if not P["band_check"]["model"]:
        am = {a: {p: round(model_fits[(a, p)]["alpha"], 3) for p in PARAMS} for a in P["archs"]}
        ctx.note(f"deep-regression {ctx.preset}: no paper-band rows for the model-size exponents {am}: one seed, short "
                 f"width ladders, and at N_D = {P['model_nd']} the widest networks start to be data-limited (the N_M "
                 "curve flattens), so these are lower bounds on the capacity-limited exponents, not the paper's "
                 "measurement.")
    if ctx.preset == "quick":
        ctx.note("deep-regression quick: 16x16 closed-form surrogate textures (not FIRE-relaxed), small networks, "
                 "CPU step budgets; the full preset is the real experiment.")
    return rows
