"""Suite -> figure hand-off: the suites' rows functions write named fields, and every figure reads them.

The rows functions of the regimes and fitting suites run on small stand-in cells (no simulation),
save their artifacts in a temporary store, and each figure of the suite renders from those
artifacts.  A renamed field on either side fails here.
"""
from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from nsl import registry
from nsl.context import FigureContext, SuiteContext
from nsl.store import RunStore


def _cell(arrays: dict, result: dict | None = None):
    return SimpleNamespace(arrays=arrays, result=result or {})


def _rf_cells(R, P) -> list:
    """Stand-in random-feature cells: the deterministic equivalent times mild per-seed noise."""
    from nsl.theory.regimes import rf_loss

    rng = np.random.default_rng(0)
    out = []
    for c in R.grid(P)["rf"]:
        lam = R.spectrum(c["alpha_K"], c["S"])
        Ps, Ds = np.array(c["P"]), np.array(c["D"])
        th = rf_loss(lam, Ps[:, None].astype(float), Ds[None, :].astype(float))
        loss = th[None] * np.exp(0.01 * rng.standard_normal((c["n_seeds"], Ps.size, Ds.size)))
        arrays = {"loss": loss, "P": Ps, "D": Ds}
        if "proj" in c["limits"]:
            arrays["loss_proj"] = 0.5 * loss[:, :, -1]
        if "ker" in c["limits"]:
            arrays["loss_ker"] = 0.5 * loss[:, -1, :]
        out.append((c, _cell(arrays)))
    return out


def _regimes_cells(R, P) -> dict:
    from nsl.theory.learning_curves import learning_curve

    rng = np.random.default_rng(1)
    k = np.arange(1, P.krr_K + 1, dtype=float)
    D = np.asarray(P.krr_D, float)
    krr = []
    for c, case in zip(R.grid(P)["krr"], P.krr_cases):
        th = learning_curve(k ** -case.b, k ** -case.a, D, ridge=case.ridge, noise=case.noise).error
        krr.append((c, _cell({"error": th[None] * np.exp(0.02 * rng.standard_normal((4, D.size))), "D": D})))
    ts = [(c, _cell({"D": np.asarray(c["D"]), "test_loss": np.asarray(c["D"], float)[None] ** (-4 / c["d"])
                     * np.exp(0.05 * rng.standard_normal((c["n_seeds"], len(c["D"]))))})) for c in R.grid(P)["ts"]]
    kc = R.grid(P)["kernel_krr"][0]
    eta = np.arange(1, kc["n"] + 1, dtype=float) ** -2.0
    Dk = np.asarray(kc["D"], float)
    kernel = [(kc, _cell({"eigenvalues": eta / eta.sum(), "error": Dk[None] ** -1.0 * np.ones((3, 1)), "D": Dk}))]
    return {"rf": _rf_cells(R, P), "krr": krr, "ts": ts, "kernel_krr": kernel}


@pytest.fixture(scope="module")
def regimes_store(tmp_path_factory):
    from nsl.validation import regimes as R

    P = dataclasses.replace(R.PRESETS["quick"], n_boot=20, rf_groups=1, rf_per_group=4, var_seeds=4,
                            spectrum_dim=200, spectrum_samples=1000)
    store = RunStore(tmp_path_factory.mktemp("regimes"))
    ctx = SuiteContext("regimes", store, progress=False)
    cells = _regimes_cells(R, P)
    for check in (R.rows_rf_resolution, R.rows_rf_variance, R.rows_rf_duality, R.rows_rf_equivalent, R.rows_krr,
                  R.rows_spectrum, R.rows_kernel_krr, R.rows_teacher_student):
        rows = check(P, cells, ctx)
        assert rows and all(r.suite == "regimes" for r in rows)
    return store


@pytest.mark.parametrize("name", ["regimes-four", "regimes-diagonal", "regimes-kernel", "regimes-learning-curve",
                                  "regimes-spectrum", "regimes-teacher-student"])
def test_regimes_figures_read_the_suites_fields(regimes_store, name):
    out = registry.get("figure", name).fn(FigureContext("regimes", regimes_store))
    assert out.figure is not None and len(next(iter(out.table.values()))) > 0


def test_learning_curve_figure_has_one_curve_per_case(regimes_store):
    from nsl.validation import regimes as R

    out = registry.get("figure", "regimes-learning-curve").fn(FigureContext("regimes", regimes_store))
    n_cases, n_D = len(R.PRESETS["quick"].krr_cases), len(R.PRESETS["quick"].krr_D)
    assert len(out.table["D"]) == n_cases * n_D
    assert sorted(set(out.table["case"].tolist())) == list(range(n_cases))


@pytest.fixture(scope="module")
def fitting_store(tmp_path_factory):
    from nsl.validation import fitting as F

    P = dataclasses.replace(F.PRESETS["quick"], replicates=10, n_boot=50, chunk=5, single_replicates=10,
                            single_boot=50)
    store = RunStore(tmp_path_factory.mktemp("fitting"))
    ctx = SuiteContext("fitting", store, progress=False, executor="serial")
    for check in (F.rows_recovery, F.rows_coverage, F.rows_single_curve):
        assert check(ctx, P)
    return store


@pytest.mark.parametrize("name", ["fitting-recovery", "fitting-coverage", "fitting-single-coverage"])
def test_fitting_figures_read_the_suites_fields(fitting_store, name):
    out = registry.get("figure", name).fn(FigureContext("fitting", fitting_store))
    assert out.figure is not None and len(next(iter(out.table.values()))) > 0
