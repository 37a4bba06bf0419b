"""Figure: the four scaling regimes of the random-feature model (Bahri et al. 2024, Fig 2a analogue)."""
from __future__ import annotations

import numpy as np

from nsl.context import FigureOutput
from nsl.registry import figure


@figure("regimes-four", suite="regimes")
def make(ctx) -> FigureOutput:
    """L vs D at several P and L vs P at several D, simulation (points) and deterministic equivalent (lines)."""
    from nsl.figures.canvas import colormap, new_figure

    run = ctx.load_artifact("rf_grid")
    a, meta = run.arrays, run.result
    P, D, L, th = a["P"], a["D"], a["loss_mean"], a["theory"]
    diag = ctx.load_artifact("alpha_diagonal").arrays
    base = int(np.argmin(np.abs(diag["alpha_K"] - meta["alpha_K"])))  # the grid's spectrum among the diagonal's
    var = ctx.load_artifact("rf_variance").result
    fig, ax = new_figure(1, 2, figsize=(10, 4))
    cmap = colormap("viridis")
    for i, p in enumerate(P):
        c = cmap(i / max(1, len(P) - 1))
        ax[0].loglog(D, L[i], "o", color=c, ms=3)
        ok = np.isfinite(th[i])
        ax[0].loglog(D[ok], th[i][ok], "-", color=c, lw=1, label=f"P={p}")
    for j, d in enumerate(D):
        c = cmap(j / max(1, len(D) - 1))
        ax[1].loglog(P, L[:, j], "o", color=c, ms=3)
        ok = np.isfinite(th[:, j])
        ax[1].loglog(P[ok], th[ok, j], "-", color=c, lw=1, label=f"D={d}")

    def lab(name, alpha, ci):  # an unbounded end is stored as None (JSON has no inf)
        lo, hi = ("inf" if v is None else f"{v:.2f}" for v in ci)
        return f"{name}: alpha={alpha:.2f} [{lo}, {hi}]"

    def var_lab(fit):
        return lab("variance-limited", fit["alpha"], fit["alpha_ci"]) if fit else "variance-limited: not fitted"

    res_D = lab("resolution-limited", diag["alpha_D"][base], diag["alpha_D_ci"][base])
    res_P = lab("resolution-limited", diag["alpha_P"][base], diag["alpha_P_ci"][base])
    ax[0].set_title("L vs D\n" + res_D + "\n" + var_lab(var["fit_D"]), fontsize=8)
    ax[1].set_title("L vs P\n" + res_P + "\n" + var_lab(var["fit_P"]), fontsize=8)
    ax[0].set_xlabel("D (training points)")
    ax[1].set_xlabel("P (random features)")
    for x in ax:
        x.set_ylabel("population loss")
        x.legend(fontsize=6, ncol=2)
        x.set_ylim(np.nanmin(L) / 2, min(np.nanmax(L), 10 * np.nanmax(L[0, -1:])) * 2)
    PP, DD = np.meshgrid(P, D, indexing="ij")
    table = {"P": PP.ravel(), "D": DD.ravel(), "loss_sim": L.ravel(), "loss_theory": th.ravel()}
    cap = (f"Random-feature model, lambda_i = i^-(1 + alpha_K), alpha_K = {meta['alpha_K']:g}, S = {meta['S']}, "
           "isotropic teacher, ridgeless; "
           "points: simulation (teacher-averaged, mean over seeds); lines: n*kappa_n*(max-1)/(max-min-1).")
    return FigureOutput(fig, table, cap)
