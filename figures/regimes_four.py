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

    def lab(key, name):
        f = meta.get(key)
        return f"{name}: alpha={f['alpha']:.2f} [{f['alpha_ci'][0]:.2f}, {f['alpha_ci'][1]:.2f}]" if f else ""

    ax[0].set_title("L vs D\n" + lab("res_D", "resolution-limited") + "\n" + lab("var_D", "variance-limited"), fontsize=8)
    ax[1].set_title("L vs P\n" + lab("res_P", "resolution-limited") + "\n" + lab("var_P", "variance-limited"), fontsize=8)
    ax[0].set_xlabel("D (training points)")
    ax[1].set_xlabel("P (random features)")
    for x in ax:
        x.set_ylabel("population loss")
        x.legend(fontsize=6, ncol=2)
        x.set_ylim(np.nanmin(L) / 2, min(np.nanmax(L), 10 * np.nanmax(L[0, -1:])) * 2)
    PP, DD = np.meshgrid(P, D, indexing="ij")
    table = {"P": PP.ravel(), "D": DD.ravel(), "loss_sim": L.ravel(), "loss_theory": th.ravel()}
    cap = (f"Random-feature model, lambda_i = i^-2 (alpha_K = 1), S = {meta.get('S')}, isotropic teacher, ridgeless; "
           "points: simulation (teacher-averaged, mean over seeds); lines: n*kappa_n*(max-1)/(max-min-1).")
    return FigureOutput(fig, table, cap)
