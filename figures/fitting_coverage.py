"""Figure ``fitting-coverage``: the 95 % bootstrap intervals of α over replicates, sorted by
the estimate, with the true α; the observed coverage and its Wilson interval in the title."""
from __future__ import annotations

import numpy as np

from nsl.context import FigureContext, FigureOutput
from nsl.registry import figure


@figure("fitting-coverage", suite="fitting")
def make(ctx: FigureContext) -> FigureOutput:
    """Coverage of the bootstrap intervals of alpha over replicates."""
    from nsl.figures.canvas import new_figure

    run = ctx.load_artifact("coverage")
    a, lo, hi = run.arrays["alpha"], run.arrays["lo"], run.arrays["hi"]
    true = run.result["true_alpha"]
    order = np.argsort(a)
    a, lo, hi = a[order], lo[order], hi[order]
    cov = (lo <= true) & (true <= hi)
    i = np.arange(a.size)
    fig, ax = new_figure(figsize=(8, 4))
    ax.errorbar(i[cov], a[cov], yerr=[a[cov] - lo[cov], hi[cov] - a[cov]], fmt=".", color="C0", lw=0.8,
                label="interval covers alpha")
    ax.errorbar(i[~cov], a[~cov], yerr=[a[~cov] - lo[~cov], hi[~cov] - a[~cov]], fmt=".", color="C3", lw=0.8,
                label="interval misses alpha")
    ax.axhline(true, color="k", lw=1, label=f"true alpha = {true}")
    w = run.result["wilson"]
    ax.set_title(f"95% bootstrap intervals: coverage {cov.mean():.3f} (Wilson [{w[0]:.3f}, {w[1]:.3f}]), "
                 f"{a.size} replicates, n_boot={run.result['n_boot']}", fontsize=9)
    ax.set_xlabel("replicate (sorted by estimate)")
    ax.set_ylabel("fitted alpha")
    ax.legend(fontsize=8)
    return FigureOutput(fig, {"replicate": i, "alpha": a, "ci_low": lo, "ci_high": hi, "covered": cov.astype(int)},
                        "interval coverage of the exponent fit")
