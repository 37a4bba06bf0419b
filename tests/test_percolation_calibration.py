"""DOF calibration as the author computes it (Brill 2024, arXiv 2412.07942 §5; the author's
percolation.ipynb, github.com/aribrill/scaling-laws-paper at commit 0dc19de, cells 4, 11 and 13)."""
import numpy as np
import pytest
from scipy import optimize

from nsl.sims.percolation_data import random_walk_target
from nsl.sims.percolation_learners import calibrate_dof, fit_dof_scale
from nsl.theory.percolation import grow_bethe_cluster


def _case(seed, sf_true, noise, outliers):
    r = np.random.default_rng(seed)
    x = np.geomspace(1.0, 1e4, 50)
    y = np.maximum(x / sf_true, 1.0) ** -0.5 * np.exp(noise * r.standard_normal(50))
    y[outliers] *= 3.0
    return x, y


# (sf, sf_err) printed by the notebook's own fit_scaling_law (cell 11) with
# model_fn = ScalingLaw(c=2, p=p_c, tau=5/2).data_scaling("manifold") (cell 4), i.e.
# curve_fit(log(max(n/sf, 1)^(-1/2)), p0=5, bounds=(1, inf), loss='huber'), run on these inputs.
NOTEBOOK = [((12, 6.3, 0.15, [5, 30]), 6.48198881578776, 0.5209326789762783),
            ((3, 2.0, 0.3, []), 2.0503868370346474, 0.20001290163688124),
            ((7, 15.0, 0.05, [49]), 15.240040380590257, 0.9126742958831704)]


@pytest.mark.parametrize("args,sf_nb,err_nb", NOTEBOOK)
def test_fit_matches_notebook_cell_for_cell(args, sf_nb, err_nb):
    x, y = _case(*args)
    sf, err = fit_dof_scale(x, y, c_over_D=0.5)
    assert sf == pytest.approx(sf_nb, rel=1e-6)
    assert err == pytest.approx(err_nb, rel=1e-4)


def _huber_grid_sf(x, y, m):
    """Independent minimiser of the author's objective: sum of Huber(r^2) (scale 1), sf >= 1."""
    def obj(ln_sf):
        r = np.log(y) + m * np.log(np.maximum(x / np.exp(ln_sf), 1.0))
        z = r * r
        return np.sum(np.where(z <= 1, z, 2 * np.sqrt(z) - 1))

    grid = np.linspace(0, np.log(1e3), 4001)
    k = int(np.argmin([obj(g) for g in grid]))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
    res = optimize.minimize_scalar(obj, bounds=(lo, hi), method="bounded", options={"xatol": 1e-10})
    return float(np.exp(res.x))


def test_calibrate_dof_uses_the_clamp_on_a_real_cluster():
    rng = np.random.default_rng(4)
    while True:
        c = grow_bethe_cluster(1 / 199, 200, rng, s_max=20_000)
        if c.complete and c.size >= 3000:
            break
    y = random_walk_target(c, rng)
    cal = calibrate_dof(c, y, np.random.default_rng(1), n_points=30)
    # the fit is on the expected sizes p_train * s, as in the notebook's cell 13
    assert np.allclose(cal["n_expected"], np.geomspace(1.0, min(1e4, 0.1 * c.size), 30))
    assert cal["sf"] == pytest.approx(_huber_grid_sf(cal["n_expected"], cal["mse"], 0.5), rel=1e-4)
    unc = calibrate_dof(c, y, np.random.default_rng(1), n_points=30, clamp=False)
    assert unc["sf"] >= 1.0 and np.isfinite(unc["sf"])
    # the clamp (no scaling below one DOF) makes sf larger than the unclamped fit on the same draws
    assert cal["sf"] > unc["sf"]


def test_fit_dof_scale_bad_input():
    with pytest.raises(ValueError, match="n_train and mse"):
        fit_dof_scale(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="c_over_D"):
        fit_dof_scale(np.ones(3), np.ones(3), c_over_D=float("nan"))
    sf, err = fit_dof_scale(np.array([1.0, np.nan]), np.array([1.0, 1.0]))
    assert sf == 1.0 and np.isnan(err)
