"""Figure: an empirical covariance spectrum with its fitted alpha_K and window."""
from __future__ import annotations

import numpy as np

from nsl.context import FigureOutput
from nsl.registry import figure


@figure("regimes-spectrum", suite="regimes")
def make(ctx) -> FigureOutput:
    """Sample-covariance eigenvalues, the true spectrum and the fitted power law on the automatic window."""
    from nsl.figures.canvas import new_figure

    run = ctx.load_artifact("spectrum")
    ev, true, m = run.arrays["eigenvalues"], run.arrays["true"], run.result
    i = np.arange(1, ev.size + 1)
    lo, hi = m["window"]
    fit = m["amplitude"] * i.astype(float) ** (-(1 + m["alpha_K"]))
    fig, ax = new_figure(figsize=(5, 4))
    ax.loglog(i, ev, ".", ms=2, label="sample covariance")
    ax.loglog(np.arange(1, true.size + 1), true, "k-", lw=0.8, label=f"true i^-(1 + {m['true_alpha_K']:g})")
    w = (i >= lo) & (i <= hi)
    ax.loglog(i[w], fit[w], "r--", label=f"fit alpha_K={m['alpha_K']:.3f} [{m['alpha_K_ci'][0]:.3f}, {m['alpha_K_ci'][1]:.3f}]")
    ax.axvspan(lo, hi, color="r", alpha=0.05)
    ax.set_xlabel("mode index i")
    ax.set_ylabel("eigenvalue")
    ax.legend(fontsize=7)
    tt = np.full(ev.size, np.nan)
    tt[:min(ev.size, true.size)] = true[:ev.size]
    return FigureOutput(fig, {"i": i, "eigenvalue": ev, "true": tt, "fit": np.where(w, fit, np.nan)},
                        f"Automatic window modes {lo}..{hi} (first modes and the finite-sample tail beyond n/2 excluded).")
