"""Figure percolation-loss: Brill's model- and data-scaling laws with the toy's medians and 16-84 % bands."""
from __future__ import annotations

import numpy as np

from nsl.context import FigureContext, FigureOutput
from nsl.registry import figure


@figure("percolation-loss", suite="percolation")
def make(ctx: FigureContext) -> FigureOutput:
    """Toy regression losses vs DOF: measured medians (16-84 % over seeds) and the closed forms."""
    from nsl.figures.canvas import new_figure

    run = ctx.load_artifact("toy_curves")
    a = run.arrays
    x = a["grid"]
    fig, axes = new_figure(1, 2, figsize=(9, 3.8), sharey=True)
    table = {"dof": x}
    for ax, name, th, title in [(axes[0], "model_loss", a["theory_model"], "model scaling (Eq. 26, 29)"),
                                (axes[1], "data_loss", a["theory_data"], "data scaling")]:
        q16, med, q84 = np.percentile(a[name], [16, 50, 84], axis=0)
        ax.fill_between(x, q16, q84, alpha=0.3, label="16-84 % over seeds")
        ax.loglog(x, med, "o-", ms=3, label=f"median of {a[name].shape[0]} seeds")
        ax.loglog(x, th, "k--", label="Brill closed form (alpha = 1, c/D = 1/2)")
        ax.set_xlabel("training degrees of freedom")
        ax.set_title(title)
        table.update({f"{name}_median": med, f"{name}_q16": q16, f"{name}_q84": q84, f"{name}_theory": th})
    axes[0].set_ylabel("test MSE")
    axes[0].legend(fontsize=7)
    return FigureOutput(fig, table, caption=f"Percolation toy (Bethe lattice z = 200 at p_c, s_max = "
                                            f"{run.result['s_max']:g}); shrinkage 1-NN on tree distance.")
