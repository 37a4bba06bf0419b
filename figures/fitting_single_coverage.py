"""Figure ``fitting-single-coverage``: one-curve 95 % intervals (studentized residual bootstrap)
over replicates, for each law of the fitting suite, with the observed coverage and its Wilson
interval against the 93-97 % band."""
from __future__ import annotations

import numpy as np

from nsl.context import FigureContext, FigureOutput
from nsl.registry import figure


@figure("fitting-single-coverage", suite="fitting")
def make(ctx: FigureContext) -> FigureOutput:
    """Coverage of the one-curve intervals of alpha, per law."""
    from nsl.figures.canvas import new_figure

    run = ctx.load_artifact("single-coverage")
    laws, true = run.result["laws"], run.result["true_alpha"]
    fig, axes = new_figure(1, len(laws) + 1, figsize=(4 * (len(laws) + 1), 3.6))
    table: dict[str, list] = {"law": [], "replicate": [], "ci_low": [], "ci_high": [], "covered": []}
    for i, (law, a, lo, hi) in enumerate(zip(laws, true, run.arrays["lo"], run.arrays["hi"])):  # lo, hi: (law, replicate)
        order = np.argsort(0.5 * (lo + hi))
        lo, hi = lo[order], hi[order]
        cov = (lo <= a) & (a <= hi)
        r = np.arange(lo.size)
        ax = axes[i]
        ax.vlines(r[cov], lo[cov], hi[cov], color="C0", lw=0.6)
        ax.vlines(r[~cov], lo[~cov], hi[~cov], color="C3", lw=0.8)
        ax.axhline(a, color="k", lw=1)
        ax.set_title(f"{law}: coverage {cov.mean():.3f}", fontsize=9)
        ax.set_xlabel("replicate (sorted by interval centre)")
        ax.set_ylabel("95% interval of alpha")
        table["law"] += [i] * lo.size
        table["replicate"] += r.tolist()
        table["ci_low"] += lo.tolist()
        table["ci_high"] += hi.tolist()
        table["covered"] += cov.astype(int).tolist()
    ax = axes[-1]
    c = np.array(run.result["coverage"])
    w = np.array(run.result["wilson"])
    y = np.arange(len(laws))
    # at coverage 0 or 1 the Wilson end equals the point up to rounding (-1e-16)
    ax.errorbar(c, y, xerr=np.maximum(0.0, [c - w[:, 0], w[:, 1] - c]), fmt="o", color="k", capsize=3)
    ax.axvspan(0.93, 0.97, color="C2", alpha=0.2, label="target 93-97 %")
    ax.set_yticks(y, [str(v) for v in laws], fontsize=7)
    ax.set_xlabel("coverage (Wilson 95 % interval)")
    ax.legend(fontsize=7)
    return FigureOutput(fig, {k: np.asarray(v) for k, v in table.items()},
                        "one-curve interval coverage per law (studentized residual bootstrap)")
