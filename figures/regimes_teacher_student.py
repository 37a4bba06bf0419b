"""Figure: 4/alpha_D against input dimension d for the deep teacher-student (Bahri et al. 2024 Fig 1b)."""
from __future__ import annotations

import numpy as np

from nsl.context import FigureOutput
from nsl.registry import figure


@figure("regimes-teacher-student", suite="regimes")
def make(ctx) -> FigureOutput:
    """4/alpha_D vs d with bootstrap intervals, and the line 4/alpha_D = d."""
    from nsl.figures.canvas import new_figure

    a = ctx.load_artifact("teacher_student").arrays
    d, al, lo, hi = a["d"], a["alpha_D"], a["alpha_lo"], a["alpha_hi"]
    inv = 4 / al
    ilo = 4 / hi
    ihi = np.where(lo > 0, 4 / np.maximum(lo, 1e-12), np.nan)
    fig, ax = new_figure(1, 2, figsize=(9, 4))
    ax[0].errorbar(d, inv, yerr=[inv - ilo, np.nan_to_num(ihi - inv, nan=0.0)], fmt="o")
    g = np.array([0, max(d) + 1])
    ax[0].plot(g, g, "k--", lw=1, label="4/alpha_D = d")
    ax[0].fill_between(g, 0.75 * g, 1.25 * g, color="k", alpha=0.07, label="+-25 %")
    ax[0].set_xlabel("input dimension d")
    ax[0].set_ylabel("4 / alpha_D")
    ax[0].legend(fontsize=7)
    D = a["D"]
    for di, loss in zip(d, a["test_loss"]):  # test_loss: (d, seeds, D)
        ax[1].loglog(D, np.exp(np.log(loss).mean(0)), "o-", label=f"d = {di:g}")
    ax[1].set_xlabel("D")
    ax[1].set_ylabel("test MSE (geometric mean over seeds)")
    ax[1].legend(fontsize=7)
    return FigureOutput(fig, {"d": d, "alpha_D": al, "alpha_lo": lo, "alpha_hi": hi, "four_over_alpha": inv},
                        "Deep teacher-student (random ReLU MLP teacher on [-1,1]^d, MLP student, Adam, early stopping).")
