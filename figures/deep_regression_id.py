"""Figure ``deep-regression-id``: θ's test MSE against N_D with d = 1, 2, 3 free parameters.

The intrinsic-dimension check of suite ``deep-regression``: resolution-limited scaling predicts
α_D ≈ 4/d (Sharma & Kaplan, JMLR 23 (2022); Bahri et al. arXiv 2102.06701), so freeing θ, then
θ + J, then θ + J + D should flatten the curve.  Reads the artifact ``id_check``.
"""
from __future__ import annotations

import numpy as np

from nsl.context import FigureContext, FigureOutput
from nsl.figures.deep_regression_data import interval_text, plain_log_ticks
from nsl.registry import figure


@figure("deep-regression-id", suite="deep-regression")
def make(ctx: FigureContext) -> FigureOutput:
    """θ's geometric-mean test MSE vs N_D for d = 1, 2, 3 free parameters, fitted exponents in the legend."""
    from nsl.figures.canvas import new_figure

    run = ctx.load_artifact("id_check")
    meta = run.result
    fig, ax = new_figure(figsize=(5.6, 4.2))
    names = {1: r"$\theta$", 2: r"$\theta, J$", 3: r"$\theta, J, D$"}
    table: dict[str, list] = {k: [] for k in ("d", "n_d", "gmean_mse", "fit_alpha", "fit_ci_lo", "fit_ci_hi")}
    for cur, color in zip(meta["curves"], ("tab:purple", "tab:orange", "tab:gray")):
        d = int(cur["label"].removeprefix("d="))
        x = np.asarray(cur["n_d"], float)
        y = np.exp(np.log(np.asarray(cur["mse"]["theta"], float)).mean(0))
        fit = {k: (np.nan if v is None else v) for k, v in cur["fits"]["theta"].items()}
        a, lo, hi, B, x0, x1 = (float(fit[k]) for k in ("alpha", "ci_low", "ci_high", "amplitude", "x_low", "x_high"))
        if np.all(np.isfinite([a, B, x0, x1])):
            ax.loglog(x, y, "o", color=color, mfc="none")
            xf = np.geomspace(x0, x1, 50)
            curved = fit.get("power_law") is False  # the suite's power-law row failed: alpha is information
            ax.loglog(xf, B * xf ** (-a), "--" if curved else "-", color=color,
                      label=f"free {names.get(d, d)}: " + r"$\alpha_D$" + f" = {a:.2f} {interval_text(lo, hi)} (4/d = {4 / d:.2f})"
                            + (f", no power law (Δα = {float(fit['dalpha']):.2f})" if curved else ""))
        else:
            ax.loglog(x, y, "o", color=color, mfc="none", label=f"free {names.get(d, d)}: no power-law window")
        for xi, yi in zip(x, y):
            for k, v in zip(table, (d, xi, yi, a, lo, hi)):
                table[k].append(float(v))
    ax.set_xlabel(r"training-set size $N_D$")
    ax.set_ylabel(r"test MSE of $\theta$ (standardised)")
    ax.grid(True, which="major", alpha=0.3)
    plain_log_ticks(ax)
    ax.set_title(f"intrinsic-dimension check ({meta.get('id_arch')}, {meta.get('preset')})", fontsize=9)
    ax.legend(fontsize=7)
    return FigureOutput(fig, {k: np.asarray(v) for k, v in table.items()},
                        caption="Test MSE of theta against N_D with d = 1, 2, 3 free Hamiltonian parameters (the "
                                "others fixed at mid-range); resolution-limited scaling predicts alpha_D ~ 4/d; dashed: no power "
                                "law over the window (the suite's power-law row failed), alpha_D is information.")
