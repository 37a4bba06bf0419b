"""Figure: spectral learning curve of kernel ridge regression, theory vs simulation."""
from __future__ import annotations

import numpy as np

from nsl.context import FigureOutput
from nsl.registry import figure


@figure("regimes-learning-curve", suite="regimes")
def make(ctx) -> FigureOutput:
    """E_g(D): the self-consistent kappa theory (lines) against simulated linear-kernel ridge regression (points)."""
    from nsl.figures.canvas import new_figure

    a = ctx.load_artifact("learning_curves").arrays
    D = a["D"]
    tags = [f"b={b:g}, a={t:g}, ridge={r:g}, noise={n:g}" for b, t, r, n in zip(a["b"], a["a"], a["ridge"], a["noise"])]
    fig, ax = new_figure(figsize=(5.5, 4.2))
    for i, t in enumerate(tags):
        ax.errorbar(D, a["sim"][i], yerr=2 * a["sim_se"][i], fmt="o", color=f"C{i}", ms=4)
        ax.loglog(D, a["theory"][i], "-", color=f"C{i}", label=t)
    n_cases = len(tags)
    table = {"D": np.tile(D, n_cases), "case": np.repeat(np.arange(n_cases), D.size), "sim": a["sim"].ravel(),
             "sim_se": a["sim_se"].ravel(), "theory": a["theory"].ravel()}
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
           "; ".join(f"{i}: {t}" for i, t in enumerate(tags)) +
           ". Points: simulation mean +- 2 s.e.; lines: theory.")
    return FigureOutput(fig, table, cap)
