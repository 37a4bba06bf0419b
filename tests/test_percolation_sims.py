"""The percolation toy: dataset protocol, exact nearest-training search, learners, suite plumbing."""
import argparse

import numpy as np
import pytest
from scipy.sparse import csgraph

from nsl.sims.percolation_data import make_percolation_dataset, random_walk_target
from nsl.sims.percolation_learners import (
    TreeLevels,
    calibrate_dof,
    cluster_losses,
    knn_fit_mse,
    nearest_train,
    nn_shrinkage_predict,
    single_cluster_curve,
    split_test,
)
from nsl.theory.percolation import grow_bethe_cluster


def _critical_cluster(rng, lo, hi):
    while True:
        c = grow_bethe_cluster(1 / 199, 200, rng, hi)
        if c.complete and c.size >= lo:
            return c


def test_nearest_train_matches_multisource_bfs():
    rng = np.random.default_rng(0)
    c = _critical_cluster(rng, 3000, 50_000)
    lv = TreeLevels.of(c)
    masks = np.zeros((3, c.size), bool)
    for i, n in enumerate((1, 17, 400)):
        masks[i, rng.choice(c.size, n, replace=False)] = True
    dist, src = nearest_train(lv, masks)
    adj = c.adjacency()
    for i in range(3):
        ref = csgraph.dijkstra(adj, unweighted=True, indices=np.flatnonzero(masks[i]), min_only=True)
        assert np.array_equal(dist[i], ref.astype(np.int64))
        assert masks[i][src[i]].all()  # every source is a training site
        probe = rng.choice(c.size, 30, replace=False)
        d_src = csgraph.dijkstra(adj, unweighted=True, indices=src[i][probe])
        assert np.array_equal(d_src[np.arange(30), probe].astype(np.int64), dist[i][probe])
    d0, s0 = nearest_train(lv, np.zeros(c.size, bool))
    assert np.all(d0 == -1) and np.all(nn_shrinkage_predict(np.ones(c.size), d0, s0) == 0)


def test_dataset_protocol():
    ds = make_percolation_dataset(np.random.default_rng(3), s_min=300, s_max=30_000)
    assert len(ds.clusters) == int((30_000 / 300) ** 0.5) == 10
    sz = ds.sizes
    assert np.all((sz >= 300) & (sz <= 30_000)) and np.all(np.diff(sz) <= 0)
    for y in ds.targets:
        assert abs(y.mean()) < 1e-9 and abs(y.std() - 1) < 1e-9
    # rejections: the fraction of clusters of a random site at or above s_min is ~ (s_min)^(-1/2) * const
    frac = len(ds.clusters) / (len(ds.clusters) + ds.n_rejected_small + ds.n_rejected_large)
    assert 0.01 < frac < 0.2
    with pytest.raises(ValueError, match="s_min must be <= s_max"):
        make_percolation_dataset(np.random.default_rng(0), s_min=500, s_max=400)
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\]"):
        make_percolation_dataset(np.random.default_rng(0), p=1.5)


def test_random_walk_target_increments():
    """Root 0 and child = parent + N(0, 1): the increments along edges are iid standard normal."""
    rng = np.random.default_rng(4)
    c = _critical_cluster(rng, 20_000, 200_000)
    y = random_walk_target(c, rng, standardise=False)
    assert y[0] == 0.0
    inc = y[1:] - y[c.parent[1:]]
    n = inc.size
    assert abs(inc.mean()) < 4 / np.sqrt(n) and abs(inc.var() - 1) < 4 * np.sqrt(2 / n)
    assert abs(np.corrcoef(inc[:-1], inc[1:])[0, 1]) < 4 / np.sqrt(n)


def test_single_cluster_nn_exponent():
    """Reference case 4 on a smaller cluster: MSE ~ n^(-c/D), c/D = 1/2 (wider band)."""
    from nsl.theory.fitting import fit_power_law

    rng = np.random.default_rng(5)
    c = _critical_cluster(rng, 60_000, 200_000)
    y = random_walk_target(c, rng)
    n = np.unique(np.geomspace(30, 3000, 8).astype(int))
    mse = single_cluster_curve(c, y, n, rng, n_test=1000, repeats=3)
    fit = fit_power_law(n, mse, offset=False, n_boot=200, rng=0)
    assert 0.35 < fit.alpha < 0.65


def test_calibration_and_cluster_losses():
    rng = np.random.default_rng(6)
    c = _critical_cluster(rng, 20_000, 100_000)
    y = random_walk_target(c, rng)
    cal = calibrate_dof(c, y, rng, n_points=12)
    assert cal["sf"] >= 1.0 and np.isfinite(cal["sf"])
    test = split_test(c.size, 0.01, rng)
    mse, ntr = cluster_losses(c, y, test, np.array([0.0, 0.001, 0.9]), 0.01, rng)
    assert ntr[0] == 0 and np.isclose(mse[0], np.mean(y[test] ** 2))  # no training site: predict 0
    assert mse[2] < mse[1] < mse[0]


def test_knn_on_manifold_exponent():
    """1-NN of a smooth function on a 2-D square: MSE ~ n^(-2/2)."""
    rng = np.random.default_rng(7)
    xt = rng.random((2000, 2))
    f = lambda x: np.sin(3 * x[:, 0]) + np.cos(2 * x[:, 1])  # noqa: E731
    ns = np.array([100, 400, 1600, 6400])
    m = [np.mean([knn_fit_mse(x, f(x), xt, f(xt)) for x in (rng.random((n, 2)) for _ in range(3))]) for n in ns]
    slope = -np.polyfit(np.log(ns), np.log(m), 1)[0]
    assert abs(slope - 1.0) < 0.1


def test_prediction_subcommand():
    from nsl import registry

    e = registry.get("prediction", "percolation")
    p = argparse.ArgumentParser()
    e.configure(p)
    def v(res, k):  # a dict of numbers, or a result object of Quantity fields (value, ci, ...)
        x = res[k] if isinstance(res, dict) else getattr(res, k)
        return x.value if hasattr(x, "value") else x

    out = e.compute(p.parse_args(["--d", "2", "--c", "4"]))
    assert np.isclose(v(out, "tau"), 187 / 91) and np.isclose(v(out, "alpha"), 17.2, atol=0.01)
    assert np.isclose(v(out, "alpha_N"), 4 / (91 / 48)) and v(out, "regime_N") == "manifold-limited"
    out6 = e.compute(p.parse_args(["--d", "6", "--c", "2"]))
    assert v(out6, "alpha_N") == 0.5 and v(out6, "alpha_D") == 0.5
    with pytest.raises(ValueError, match="d must be an integer >= 1"):
        e.compute(p.parse_args(["--d", "0"]))


def test_sweep_resumes_without_recomputing(tmp_path):
    from nsl.context import SuiteContext
    from nsl.store import RunStore
    from nsl.validation.percolation import run_config

    ctx = SuiteContext("percolation", RunStore(tmp_path), progress=False, executor="serial")
    grid = [{"kind": "bethe", "seed": s, "n": 1000} for s in (1, 2)]
    first = ctx.sweep(run_config, grid[:1])  # "killed" after the first run
    created = first[0].result["created"]
    both = ctx.sweep(run_config, grid)
    assert both[0].result["created"] == created and both[0].path == first[0].path
    assert np.array_equal(both[0].arrays["sub"], first[0].arrays["sub"])
    assert len(list(ctx.store.runs())) == 2


def test_figures_render_from_artifacts(tmp_path):
    from nsl import registry
    from nsl.context import FigureContext, SuiteContext
    from nsl.store import RunStore
    from nsl.theory.percolation import brill_data_loss, brill_model_loss, label_clusters

    store = RunStore(tmp_path)
    ctx = SuiteContext("percolation", store, progress=False)
    rng = np.random.default_rng(0)
    cl = label_clusters(rng.random((256, 256)) < 0.5927, periodic=True)
    s, cnt = np.unique(cl.sizes, return_counts=True)
    ctx.save_artifact("ns_at_pc", {"s": s, "n_s": cnt / 256**2}, {"L": 256, "tori": 1, "tau_fit": 2.0})
    g = np.geomspace(1, 3e4, 10)
    m = brill_model_loss(g, 1, 0.5)
    ctx.save_artifact("toy_curves", {"grid": g, "model_loss": np.array([m, 0.9 * m]),
                                     "data_loss": np.array([m, 1.1 * m]), "theory_model": m,
                                     "theory_data": brill_data_loss(g, 1, 0.5)}, {"s_max": 3e5})
    ctx.save_artifact("phase", {"tau": np.linspace(2.05, 2.95, 10), "c_over_D": np.geomspace(0.1, 3, 12)}, {})
    fctx = FigureContext("percolation", store)
    for name in ("percolation-ns", "percolation-loss", "percolation-phase"):
        out = registry.get("figure", name).fn(fctx)
        assert out.figure is not None and len(next(iter(out.table.values()))) > 0
    loss = registry.get("figure", "percolation-loss").fn(fctx)
    np.testing.assert_allclose(loss.table["model_loss_median"], 0.95 * m)
