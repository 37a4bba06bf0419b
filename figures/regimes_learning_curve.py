"""Figure: spectral learning curve of kernel ridge regression, theory vs simulation."""
from __future__ import annotations

import re

import numpy as np

from nsl.context import FigureOutput
from nsl.registry import figure


@figure("regimes-learning-curve", suite="regimes")
def make(ctx) -> FigureOutput:
    """E_g(D): the self-consistent kappa theory (lines) against simulated linear-kernel ridge regression (points)."""
    from nsl.figures.canvas import new_figure

    a = ctx.load_artifact("learning_curves").arrays
    D = a["D"]
    tags = sorted(k[4:-1] for k in a if k.startswith("sim["))
    fig, ax = new_figure(figsize=(5.5, 4.2))
    table = {"D": [], "case": [], "sim": [], "sim_se": [], "theory": []}
    for i, t in enumerate(tags):
        c = f"C{i}"
        ax.errorbar(D, a[f"sim[{t}]"], yerr=2 * a[f"sim_se[{t}]"], fmt="o", color=c, ms=4)
        ax.loglog(D, a[f"theory[{t}]"], "-", color=c, label=t)
        for j in range(D.size):
            table["D"].append(D[j])
            table["case"].append(i)
            table["sim"].append(a[f"sim[{t}]"][j])
            table["sim_se"].append(a[f"sim_se[{t}]"][j])
            table["theory"].append(a[f"theory[{t}]"][j])
    ax.set_xscale("log")
    ax.set_yscale("log")
    from matplotlib.ticker import NullFormatter

    ax.set_xticks(D, [f"{d:g}" for d in D])  # the sizes simulated; default minor labels of a short axis overlap
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("training-set size D")
    ax.set_ylabel("excess test error E_g")
    ax.set_title("kernel ridge regression: self-consistent theory (lines) vs simulation (points)", fontsize=8)
    ax.legend(fontsize=6, title="eigenvalues k^-b, target power k^-a", title_fontsize=6)
    cap = ("eta_k = k^-b, v_k = k^-a; cases (index in 'case' column): " +
           "; ".join(f"{i}: {re.sub(',', ', ', t)}" for i, t in enumerate(tags)) +
           ". Points: simulation mean +- 2 s.e.; lines: theory.")
    return FigureOutput(fig, {k: np.asarray(v) for k, v in table.items()}, cap)
