"""Suite deep-regression: presets, the sweep cell, fits, resume after a kill, end-to-end on a micro preset."""
from __future__ import annotations

import functools
import json
import math

import numpy as np
import pytest

from nsl.context import FigureContext, SuiteContext
from nsl.store import RunStore, config_hash
from nsl.validation import deep_regression as dr


def test_presets_complete_and_consistent():
    from dataclasses import fields

    from nsl.sims.networks import decades, model_ladder
    from nsl.sims.spin_textures import TextureSpec, moire_period

    assert {"quick", "medium", "full"} <= set(dr.PRESETS)
    for name, P in dr.PRESETS.items():
        assert list(P.n_d) == sorted(P.n_d) and len(P.n_d) >= 6, name
        assert {v.family for v in P.archs.values()} == set(P.train) == {"fcn", "resnet", "vit"}
        # medium and full: every family's width ladder; quick: the FCN ladder (the others in medium, see the preset)
        assert set(P.ladders) == ({"fcn"} if name == "quick" else {"fcn", "resnet", "vit"}), name
        assert sum(v.family == "fcn" for v in P.archs.values()) == 2, name  # the paper's two FCN widths
        assert P.id_arch in P.archs and set(P.lrs) == set(P.train) and all(len(v) >= 2 for v in P.lrs.values())
        spec = TextureSpec.from_dict(P.box.spec())  # refuses a box whose period does not fit the image
        assert spec.generator == "fire", name  # physical data in every preset
        assert spec.size >= 2 * float(moire_period(spec.theta_deg[0])) - 1e-6, name  # >= 2 moire periods
        assert P.model_n_d >= max(P.n_d)  # the model sweep at (at least) the largest N_D
        assert P.capacity(3) == dr.cache_capacity(P) >= P.model_n_d
        for v in P.archs.values():
            if v.family in P.ladders:
                assert v.depth == P.ladders[v.family].depth, name
    # quick and medium share the data, the networks and the id cells (one store serves both for those)
    q, m = dr.PRESETS["quick"], dr.PRESETS["medium"]
    assert set(q.n_d) <= set(m.n_d) and set(q.seeds) <= set(m.seeds)
    assert all(getattr(q, f.name) == getattr(m, f.name) for f in fields(dr.Preset)
               if f.name in ("box", "archs", "lrs", "n_val", "n_test", "shard", "stem_stride", "id_arch",
                             "id_n_d", "id_seeds"))
    model = {(dr.PARAMS, f, w, lad.depth, n, "") for f, lad in q.ladders.items() for w in lad.widths
             for n in (q.model_n_d, q.model_n_d // 2)}
    # quick's data and id points are medium's too (as cells; only the id cells share their configs, checked below)
    assert {c.key for c in dr.cells(q)} - {c.key for c in dr.cells(m)} <= model
    ids = [{config_hash(c) for c in dr.grid(P) if c.get("sweep") == "id"} for P in (q, m)]
    assert ids[0] == ids[1]
    from nsl.sims.train import TrainConfig

    for name, P in dr.PRESETS.items():  # no step cap below the top N_D: every point trains its full epochs
        for f in P.ladders:
            cfg = TrainConfig(**dr.train_settings(P, f))
            assert cfg.steps_for(max(P.n_d)) == math.ceil(cfg.epochs * max(P.n_d) / cfg.batch_size), (name, f)
            assert not P.train[f].capped(max(P.n_d))
            n_cap = P.model_n_d
            assert P.train[f].capped(n_cap) == (cfg.steps_for(n_cap) < math.ceil(cfg.epochs * n_cap / cfg.batch_size))
            assert not P.train[f].capped(n_cap), (name, f)  # the model sweep too: its not-data-limited row can pass
    for name in ("medium", "full"):
        P = dr.PRESETS[name]
        assert np.log10(P.n_d[-1] / P.n_d[0]) >= 2.0 and all(len(P.arch_seeds(a)) >= 3 for a in P.archs.values())
        for fam, lad in P.ladders.items():
            ld = model_ladder(fam, in_channels=2, image_size=P.box.size, n_out=3, widths=lad.widths, depth=lad.depth)
            assert decades(ld) >= 1.5, (name, fam)
    full_resnets = [v for v in dr.PRESETS["full"].archs.values() if v.family == "resnet"]
    assert full_resnets == [dr.Arch("resnet", 64, 2)]  # ResNet-18 at its real width
    assert all("scaled down" in a for a, v in dr.PRESETS["medium"].archs.items() if v.family == "resnet")


def test_every_cell_of_the_grid_is_keyed_by_physics_and_settings_only():
    P = dr.PRESETS["quick"]
    g = dr.grid(P)
    assert len(g) == sum(len(P.lrs[c.family]) for c in dr.cells(P))
    # a cell shared by two sweeps (fcn-128 at model_n_d, the d=3 id cells) is one config, trained once
    assert len({config_hash(c) for c in g}) == sum(len(P.lrs[f]) for _, f, *_ in {c.key for c in dr.cells(P)})
    assert all(c["n_d"] in set(P.n_d) | set(P.id_n_d) | {P.model_n_d, P.model_n_d // 2} for c in g)
    chosen = {c.key: P.lrs[c.family][0] for c in dr.cells(P)}
    assert all(c["seed"] != 0 for c in dr.grid_seeds(P, chosen))


def test_model_row_fails_when_any_rung_is_data_limited():
    """alpha_M is a model-limited exponent: one data-limited rung fails the row even when the widest is not."""
    from dataclasses import replace
    from types import SimpleNamespace

    P = dr.PRESETS["medium"]
    lad = P.ladders["fcn"]
    n = len(lad.widths)
    fit = dr.Fit(0.5, 0.4, 0.6, 1.0, 1e4, 1e6, 0.5, 0.0, (0.5,) * (n - 1), 0.1, "straight")

    def rows_for(ratios):
        full = list(np.geomspace(1e-3, 1e-4, n))
        mse = {p: [full] for p in dr.PARAMS}
        half = {p: [a / r for a, r in zip(full, ratios)] for p in dr.PARAMS}
        m = SimpleNamespace(model={"fcn": SimpleNamespace(mse=mse, fits={p: fit for p in dr.PARAMS},
                                                          half_ratio=tuple(dr.half_ratio(mse, half)))})
        return [r for r in dr.rows_model(replace(P, ladders={"fcn": lad}), m, None, {})
                if "no rung data-limited" in r.quantity]

    (ok,) = rows_for([0.9] * n)
    assert ok.passed and ok.observed == pytest.approx(0.9)
    (bad,) = rows_for([0.9] * (n - 3) + [0.5, 0.9, 0.95])  # the widest passes, a middle rung halves its loss
    assert not bad.passed and bad.observed == pytest.approx(0.5)
    assert f"smallest at width {sorted(lad.widths)[n - 3]}" in bad.note


def test_model_figure_fills_the_rungs_that_are_not_data_limited():
    from types import SimpleNamespace

    from nsl.figures.deep_regression_data import scaling_panels

    x, ratio = [1e3, 1e4, 1e5, 1e6], [0.9, 0.7, 0.5, 0.3]
    fit = {"alpha": 0.5, "ci_low": 0.4, "ci_high": 0.6, "amplitude": 1.0, "x_low": 1e3, "x_high": 1e6}
    curve = {"label": "fcn", "family": "fcn", "n_params": x, "mse": {"theta": [[1e-2, 5e-3, 3e-3, 2e-3]]},
             "fits": {"theta": fit}, "half_ratio": ratio}
    run = SimpleNamespace(result={"curves": [curve], "params": ["theta"], "not_data_limited": 0.6})
    fig, table = scaling_panels(run, "n_params", "N_M", "alpha_M", "t")
    filled = [line for line in fig.axes[0].lines if line.get_marker() == "s" and line.get_markerfacecolor() != "none"]
    opened = [line for line in fig.axes[0].lines if line.get_marker() == "s" and line.get_markerfacecolor() == "none"]
    assert [list(line.get_xdata()) for line in filled] == [[1e3, 1e4]]
    assert [list(line.get_xdata()) for line in opened] == [[1e5, 1e6]]
    assert list(table["half_ratio"]) == ratio
    np.testing.assert_allclose(dr.half_ratio({p: [[2.0, 3.0]] for p in dr.PARAMS}, {p: [4.0, 3.0] for p in dr.PARAMS}),
                               [0.5, 1.0])


def test_fit_recovers_exponent_and_flags_a_bend():
    g = np.random.default_rng(0)
    x = np.geomspace(64, 4096, 7)
    Y = 3.0 * x ** -1.5 * np.exp(0.05 * g.normal(size=(3, x.size)))
    f = dr.fit_curve(x, Y, 400, seed=1)
    assert f.ci_low <= 1.5 <= f.ci_high and abs(f.alpha - 1.5) < 0.1
    assert np.std(f.slopes) / f.alpha < 0.2
    # a curve that bends onto a floor: the window shrinks or the local slopes spread
    Yb = Y + 3.0 * 2000.0 ** -1.5
    fb = dr.fit_curve(x, Yb, 100, seed=1)
    spread = np.std(fb.slopes) / fb.alpha
    assert fb.alpha < 1.4 or spread > 0.1


def test_power_law_row_holds_its_size_and_catches_a_floor():
    """The power-law row (change of the local exponent across the window, case bootstrap over seeds) on synthetic
    curves with the suite's seed scatter (log-MSE sd 1.0 at N_D = 32 falling to 0.1 at 2048, 4 seeds): a pure power
    law passes in >= 90 % of 40 draws, a curve that bends onto a floor (local exponent 2 -> ~0.3) in <= 20 %, with
    3 seeds (the ResNet's, the ViT's and the id check's) and with 4 (the FCNs').  (Measured over 100 draws: pure
    100 % / 100 %, floor 7 % / 1 %.  The spread of local slopes, the criterion before, failed the pure law in 24 % /
    15 % and passed the floor in 74 % / 79 %; with the bootstrap re-estimating the weights in each draw, a draw of
    one seed three times was unweighted, and the floor passed in 56 % with 3 seeds.)"""
    x = np.array([32, 64, 128, 256, 512, 1024, 2048.0])
    sd = np.geomspace(1.0, 0.1, x.size)
    rng = np.random.default_rng(5)
    laws = {"pure": np.log(0.3 * (x / 32) ** -1.2), "floor": np.log(0.3 * (x / 32) ** -2.0 + 3e-4)}
    for seeds in (3, 4):
        passed = {k: 0 for k in laws}
        for i in range(40):
            for k, mu in laws.items():
                f = dr.fit_curve(x, np.exp(mu + sd * rng.standard_normal((seeds, x.size))), 200, seed=i)
                ok = dr.power_law_row("t", f, "w")[0]
                assert ok == f.power_law == f.to_dict()["power_law"]  # the figures read the row's verdict
                passed[k] += ok
        assert passed["pure"] >= 36 and passed["floor"] <= 8, (seeds, passed)


def test_exponent_change_of_exact_curves():
    x = np.geomspace(32, 2048, 7)
    u = np.log(x)
    assert abs(dr.exponent_change(x, np.exp(-1.3 * u)[None], 0, 0)[0]) < 1e-9  # a power law: no change
    # log y = -a u - c (u - mean)^2: the local exponent a + 2c (u - mean) rises by 2c (u_max - u_min)
    y = np.exp(-1.0 * u - 0.1 * (u - u.mean()) ** 2)
    d, lo, hi = dr.exponent_change(x, np.vstack([y, y * 1.01, y / 1.01]), 200, 0)
    assert abs(d - 0.2 * (u[-1] - u[0])) < 1e-9 and lo - 1e-9 <= d <= hi + 1e-9
    assert all(math.isnan(v) for v in dr.exponent_change(x, y[None], 200, 0)[1:])  # one seed: no interval
    # the bend text never calls a curve straight without an estimate (its power-law row fails then)
    assert "no estimate" in dr._bend(x, y, 0, x.size, 1.0, (math.nan, math.nan, math.nan))
    assert "one seed" in dr._bend(x, y, 0, x.size, 1.0, (-0.1, math.nan, math.nan))


def test_fit_excludes_the_plateau_and_names_the_bend():
    x = np.array([8, 16, 32, 64, 128, 256, 512, 1024], float)
    y = np.concatenate([[0.9, 0.8], 0.05 * (x[2:] / 32) ** -1.5])  # plateau, then a clean power law
    Y = np.vstack([y * 1.05, y / 1.05])
    f = dr.fit_curve(x, Y, 50, seed=0)
    assert f.x_low >= 32 and abs(f.alpha - 1.5) < 0.05
    assert "straight" in f.bend or "pre-asymptotic" in f.bend
    yf = 0.05 * (x / 8) ** -1.5 + 3e-4  # a floor at the top
    ff = dr.fit_curve(x, np.vstack([yf * 1.02, yf / 1.02]), 50, seed=0)
    assert "flattens" in ff.bend or ff.x_high < 1024
    assert math.isnan(dr.fit_curve(x[:5], np.full((2, 5), 0.9), 10, seed=0).alpha)  # all on the plateau: no fit


def _micro_preset():
    from dataclasses import replace

    tr = dr.Train(batch_size=32, epochs=1, min_steps=4, max_steps=8, eval_every=4, patience=2)
    return replace(
        dr.PRESETS["quick"], box=dr.Box(size=16, L_M=(6.0, 8.0), J=(0.3, 0.6), tol=1e-3),
        n_val=64, n_test=128, shard=256, n_d=(16, 32, 64, 128, 256, 512), seeds=(0, 1),
        archs={"fcn-8": dr.Arch("fcn", 8, 1), "fcn-16": dr.Arch("fcn", 16, 1), "resnet-w1": dr.Arch("resnet", 1, 1),
               "vit-4": dr.Arch("vit", 4, 1)},
        ladders={"fcn": dr.Ladder((4, 8, 16), 1), "resnet": dr.Ladder((1, 2), 1), "vit": dr.Ladder((4, 8), 1)},
        model_n_d=512, lrs={f: (3e-3, 1e-2) for f in ("fcn", "resnet", "vit")}, train={"fcn": tr, "resnet": tr, "vit": tr},
        id_arch="fcn-8", id_n_d=(16, 32, 64, 128), id_seeds=(0, 1), id_train=tr, n_boot=30, band_model=True)


def _cell_config(P, **kw):
    c = {"kind": "t", "data_seed": 0, "n_val": 64, "n_test": 128, "shard": 256, "train": dr.train_settings(P, "fcn"),
         "device": "cpu", "spec": P.box.spec(["theta", "J"]), "family": "fcn", "width": 8, "depth": 1,
         "lr": 3e-3, "seed": 0, "n_d": 100, "pool": 256}
    c.update(kw)
    return c


def test_train_cell_deterministic_and_keyed_without_paths(tmp_path):
    P = _micro_preset()
    c = _cell_config(P)
    _, r1 = dr.train_cell(c, cache_root=str(tmp_path / "a"))
    _, r2 = dr.train_cell(c, cache_root=str(tmp_path / "b"))  # another cache folder: the same data and result
    assert set(r1["test_mse"]) == {"theta", "J"}
    assert r1["test_mse"] == r2["test_mse"]
    assert not any(isinstance(v, str) and "/" in v for v in c.values())  # the store key holds no path
    assert config_hash(c) == config_hash(json.loads(json.dumps(c)))
    with pytest.raises(ValueError, match=r"N_D"):
        dr.train_cell({**c, "n_d": 0}, cache_root=str(tmp_path / "a"))


def test_each_seed_draws_its_own_nested_training_set(tmp_path):
    """Seeds draw different training sets from the pool (averaging over seeds averages over data draws), each
    nested in N_D, reproducible, and within the pool; N_D outside [1, pool] is refused naming N_D."""
    from nsl.sims.spin_textures import TextureSpec
    from nsl.sims.texture_cache import TextureCache

    P = _micro_preset()
    cache = TextureCache(tmp_path, TextureSpec.from_dict(P.box.spec(["theta"])), 0, capacity={"train": 256},
                         shard_size=256)
    _, pool_y = cache.load("train", 256)
    ys = {s: dr.draw_train(cache, 64, 256, 0, s)[1] for s in (0, 1)}
    assert not np.array_equal(ys[0], ys[1])
    assert np.array_equal(dr.draw_train(cache, 32, 256, 0, 1)[1], ys[1][:32])  # nested in N_D
    assert np.array_equal(dr.draw_train(cache, 64, 256, 0, 1)[1], ys[1])  # reproducible
    rows = {tuple(r) for r in pool_y}
    assert all(tuple(r) in rows for r in ys[0]) and len({tuple(r) for r in ys[0]}) == 64  # from the pool, no repeats
    for bad in (0, 257, 2.5):
        with pytest.raises(ValueError, match=r"N_D.*\[1, 256\]"):
            dr.draw_train(cache, bad, 256, 0, 0)


def test_texture_cache_take_reads_shard_by_shard(tmp_path):
    from nsl.sims.spin_textures import TextureSpec
    from nsl.sims.texture_cache import TextureCache

    P = _micro_preset()
    cache = TextureCache(tmp_path, TextureSpec.from_dict(P.box.spec(["theta"])), 0, capacity={"train": 96},
                         shard_size=32)
    x, y = cache.load("train", 96)
    idx = np.array([95, 3, 40, 3, 64])
    xt, yt = cache.take("train", idx)
    assert np.array_equal(xt, x[idx]) and np.array_equal(yt, y[idx])
    for bad in ([96], [-1], [[1, 2]], [1.5]):
        with pytest.raises(ValueError, match=r"indices.*\[0, 96\)"):
            cache.take("train", bad)


def test_killed_sweep_resumes_without_retraining(tmp_path):
    P = _micro_preset()
    store = RunStore(tmp_path / "store")
    fn = functools.partial(dr.train_cell, cache_root=str(tmp_path / "ds"))
    grid = [_cell_config(P, n_d=n, spec=P.box.spec(dr.PARAMS)) for n in (32, 64, 128)]
    ctx = SuiteContext("deep-regression", store, executor="serial", progress=False)
    runs = ctx.sweep(fn, grid)
    stamps = [json.loads((r.path / "result.json").read_text())["created"] for r in runs]
    mtimes = [(r.path / "result.json").stat().st_mtime_ns for r in runs]
    (runs[1].path / "result.json").unlink()  # as if killed while this cell was being written
    runs2 = ctx.sweep(fn, grid)
    assert [(r.path / "result.json").stat().st_mtime_ns for r in runs2][0::2] == mtimes[0::2]
    assert (runs2[1].path / "result.json").stat().st_mtime_ns != mtimes[1]
    assert runs2[1].result["test_mse"] == runs[1].result["test_mse"]  # deterministic recompute
    assert stamps[0] == runs2[0].result["created"]


@pytest.mark.slow
def test_suite_end_to_end_micro(tmp_path, monkeypatch):
    # the micro preset runs every preset's path: FIRE textures, the per-cell learning-rate search, every row
    P = _micro_preset()
    monkeypatch.setitem(dr.PRESETS, "quick", P)
    store = RunStore(tmp_path)
    ctx = SuiteContext("deep-regression", store, executor="serial", progress=False)
    rows = dr.run(ctx)
    q = [r.quantity for r in rows]
    assert not any("lower 95% bound" in s and ">" not in s for s in q)  # no "lower bound >= 0" rows left
    assert sum(s.startswith("data/domain-less") for s in q) == 6
    # per architecture and parameter: the band row, or alpha_D as information where the curve is no power law
    assert sum("alpha_D in the paper's band" in s or "band not tested" in s for s in q) == 12
    power = {r.quantity.split(": ")[0]: r.passed for r in rows if "change of the local exponent" in r.quantity}
    assert len(power) == 15  # 12 data curves + 3 id curves
    assert all(power[r.quantity.split(": ")[0]] for r in rows if "alpha_D in the paper's band" in r.quantity)
    assert sum("alpha_M in the paper's band" in s for s in q) == 9
    assert sum("no rung data-limited" in s for s in q) == 3
    capped = [r for r in rows if "no rung data-limited" in r.quantity and "STEP-CAPPED" in r.note]
    assert all(not r.passed for r in capped)  # a step-capped ladder cannot show that it is not data-limited
    assert sum(s.startswith("id/") for s in q) == 8  # per d: power-law row + 4/d row (or information); 2 orderings
    id_power = {r.quantity.split(": ")[0].rsplit("/d=", 1)[1]: r.passed for r in rows
                if r.quantity.startswith("id/") and "change of the local exponent" in r.quantity}
    assert all(id_power[r.quantity.split("d=")[1][0]] for r in rows if r.quantity.endswith("vs 4/d"))
    assert all(r.observed is not None and r.observed <= 0.03 for r in rows if r.quantity.startswith("data/domain-less"))
    assert any("learning rate chosen per (architecture, N_D)" in n for n in ctx.notes)
    # figures render from the stored artifacts alone
    from nsl.figures import deep_regression_data, deep_regression_id, deep_regression_model
    fctx = FigureContext("deep-regression", store, "quick")
    for mod in (deep_regression_data, deep_regression_model, deep_regression_id):
        out = mod.make(fctx)
        assert len(out.figure.axes) >= 1
        n = len(next(iter(out.table.values())))
        assert n > 0 and all(len(v) == n for v in out.table.values())
        if mod is deep_regression_model:  # the CSV carries the ratios the data-limited row judged
            worst = {r.quantity.split(":")[0].split("/")[1]: r.observed for r in rows if "no rung data-limited" in r.quantity}
            for f, w in worst.items():
                assert min(out.table["half_ratio"][out.table["arch"] == f]) == pytest.approx(w)
    # rerun: every cell is in the store, nothing is retrained, rows identical
    rows2 = dr.run(SuiteContext("deep-regression", store, executor="serial", progress=False))
    assert [r.observed for r in rows2] == [r.observed for r in rows]


def test_id_cells_have_their_own_settings_and_the_same_n_d_for_every_d():
    P = dr.PRESETS["quick"]
    ids = [c for c in dr.grid(P) if c.get("sweep") == "id"]
    assert {len(c["spec"]["free"]) for c in ids} == {1, 2, 3}
    for d in (1, 2, 3):
        assert sorted({c["n_d"] for c in ids if len(c["spec"]["free"]) == d}) == sorted(P.id_n_d)
    assert all(c["train"] == P.id_train.to_dict() for c in ids)
    assert P.id_train.min_steps == P.id_train.max_steps  # a fixed step budget: data-limited, not step-limited, losses


@pytest.mark.parametrize("preset", ["quick", "medium"])
def test_preset_box_has_domains(preset):
    # below the critical twist angle: FM and AF stacking domains in (nearly) every relaxed image of the box
    from nsl.sims.spin_textures import TextureSpec, domainless_fraction, generate

    spec = TextureSpec.from_dict(dr.PRESETS[preset].box.spec(dr.PARAMS))
    x, _ = generate(spec, 0, range(48), "test")
    assert domainless_fraction(x) <= 0.03


def test_data_rows_compare_the_band_only_where_the_curve_is_a_power_law():
    """A curve whose local exponent changes by more than alpha/2 (the interval beyond) gets a failing power-law row and
    alpha_D as information; a straight one gets the band row, which fails outside [1, 2] and passes inside."""
    from types import SimpleNamespace

    def fit(alpha, dalpha):
        return dr.Fit(alpha, alpha - 0.05, alpha + 0.05, 1.0, 32, 2048, alpha, 0.0, (-alpha,) * 5, 0.1, "straight",
                      dalpha=dalpha[0], dalpha_low=dalpha[1], dalpha_high=dalpha[2])

    fits = {"theta": fit(1.2, (-0.9, -1.1, -0.7)), "J": fit(0.8, (0.1, -0.2, 0.3)), "D": fit(1.3, (0.0, -0.4, 0.4))}
    rows = dr.rows_data(dr.PRESETS["quick"], SimpleNamespace(data={"net": SimpleNamespace(fits=fits)}), None, {})
    by = {r.quantity: r for r in rows}
    power = {p: next(r for r in rows if r.quantity.startswith(f"data/net/{p}: change of the local")) for p in fits}
    assert not power["theta"].passed and power["J"].passed and power["D"].passed
    assert by["data/net/theta: alpha_D (band not tested: no power law over the window)"].kind == "info"
    assert not any(r.quantity == "data/net/theta: alpha_D in the paper's band [1, 2]" for r in rows)
    assert not by["data/net/J: alpha_D in the paper's band [1, 2]"].passed  # 0.8 [0.75, 0.85]: below the band
    assert by["data/net/D: alpha_D in the paper's band [1, 2]"].passed
    assert all(f.power_law == power[p].passed for p, f in fits.items())


def test_id_rows_compare_with_4_over_d_only_where_the_curve_is_a_power_law():
    """A d=1 curve that flattens onto a floor (its local exponent falls by 3 across the window, the seeds agreeing)
    gets a failing power-law row and its 4/d value as information, and the orderings that involve it are
    information too; straight curves are checked."""
    from types import SimpleNamespace

    def fit(alpha, slopes, dalpha):
        return dr.Fit(alpha, alpha - 0.1, alpha + 0.1, 1.0, 32, 1024, alpha, 0.0, tuple(-np.asarray(slopes)), 0.1,
                      "straight", boot=tuple(np.full(50, alpha)), dalpha=dalpha[0], dalpha_low=dalpha[1],
                      dalpha_high=dalpha[2])

    ident = {1: SimpleNamespace(fits={"theta": fit(1.9, [3.3, 3.5, 2.9, 0.4, 0.1], (-3.0, -3.5, -2.5))}),
             2: SimpleNamespace(fits={"theta": fit(1.7, [1.6, 1.8, 1.7, 1.6, 1.8], (0.1, -0.4, 0.6))}),
             3: SimpleNamespace(fits={"theta": fit(1.1, [1.0, 1.2, 1.1, 1.0, 1.2], (0.0, -0.3, 0.3))})}
    rows = dr.rows_id(dr.PRESETS["quick"], SimpleNamespace(ident=ident), None, {})
    by = {r.quantity: r for r in rows}
    arch = dr.PRESETS["quick"].id_arch
    curve = {d: next(r for r in rows if r.quantity.startswith(f"id/{arch}/d={d}: change of the local exponent"))
             for d in (1, 2, 3)}
    assert not curve[1].passed and curve[2].passed and curve[3].passed
    assert by[f"id/{arch}: alpha_D(theta; d=2) vs 4/d"].kind == "check"
    assert by[f"id/{arch}: alpha_D(theta; d=3) vs 4/d"].kind == "check"
    assert not any(r.kind == "check" and "d=1" in r.quantity and "change of the local" not in r.quantity for r in rows)
    ordered = [r for r in rows if "d=2) > alpha_D(theta; d=3)" in r.quantity]
    assert ordered[0].kind == "check" and ordered[0].passed
