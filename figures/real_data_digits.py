"""Figure: predicted against measured kernel-regression learning curve on held-out digits."""
from __future__ import annotations

import numpy as np

from nsl.context import FigureOutput
from nsl.registry import figure


@figure("real-data-digits", suite="real-data")
def make(ctx) -> FigureOutput:
    """Digits, ReLU NTK: measured test error vs the prediction from the pool's spectrum and labels."""
    from nsl.figures.canvas import new_figure

    run = ctx.load_artifact("digits")
    a, m = run.arrays, run.result
    D, meas, pred, pop = a["D"], a["measured"], a["predicted"], a["pool_as_population"]
    splits = a["measured_splits"]
    n = m["n_pool"]
    lo, hi = np.quantile(splits, [0.025, 0.975], axis=0)
    fig, ax = new_figure(1, 2, figsize=(10, 4))
    ax[0].fill_between(D, lo, hi, color="C0", alpha=0.2, lw=0)
    ax[0].loglog(D, meas, "o", color="C0", label=f"measured on unseen digits: alpha_D = {m['alpha_D_measured']:.3f} "
                 f"[{m['alpha_D_measured_ci'][0]:.3f}, {m['alpha_D_measured_ci'][1]:.3f}]")
    ax[0].loglog(D, pred, "-", color="C1", label=f"predicted (pool spectrum + labels, x n/(n-D)): min(a-1, 2b) = "
                 f"{m['alpha_D_predicted']:.3f} [{m['alpha_D_predicted_ci'][0]:.3f}, {m['alpha_D_predicted_ci'][1]:.3f}]")
    ax[0].loglog(D, pop, ":", color="C2", label="pool read as the population (no correction)")
    slope = meas[0] * (D / D[0]) ** (-m["alpha_K"])
    ax[0].loglog(D, slope, "--", color="gray", label=f"eigenvalues only: slope alpha_K = {m['alpha_K']:.3f} "
                 f"[{m['alpha_K_ci'][0]:.3f}, {m['alpha_K_ci'][1]:.3f}]")
    ax[0].axvline(n / 2, color="k", lw=0.8, ls="--")
    ax[0].set_xlabel("training digits D")
    ax[0].set_ylabel("test MSE (10 one-hot outputs)")
    ax[0].legend(fontsize=6.5)
    ratio = pred / meas
    ax[1].semilogx(D, ratio, "o-", color="C1", label="predicted / measured")
    ax[1].semilogx(D, pop / meas, "s:", color="C2", label="uncorrected / measured")
    ax[1].axhspan(0.85, 1.15, color="C1", alpha=0.12, lw=0, label="15 % band (rows for D <= n/2)")
    ax[1].axvline(n / 2, color="k", lw=0.8, ls="--", label=f"n/2 = {n / 2:g}: trusted up to here")
    ax[1].set_xlabel("training digits D")
    ax[1].set_ylabel("ratio")
    ax[1].legend(fontsize=7)
    return FigureOutput(fig, {"D": D, "measured": meas, "measured_lo": lo, "measured_hi": hi, "predicted": pred,
                              "pool_as_population": pop, "eigenvalues_only_slope_line": slope},
                        f"scikit-learn digits (standardised), ReLU NTK depth 2, ridgeless. Prediction from a pool of "
                        f"n = {n} digits (spectrum, target power); error measured on 500 unseen digits, "
                        f"{m['n_splits']} pool/test splits (band: 95 % of splits).")
