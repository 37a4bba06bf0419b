"""Figure ``fitting-recovery``: the synthetic laws of the fitting suite with their fits.

Left: noise-free L = 10·x^(−1.5) and the fits with and without offset.  Right: one noisy
replicate (E = 1e−4, B = 5, α = 1.3, σ = 0.05, 5 seeds): each seed, the geometric mean with
its spread, the fitted law and the bootstrap interval of α in the legend.
"""
from __future__ import annotations

import numpy as np

from nsl.context import FigureContext, FigureOutput
from nsl.registry import figure


@figure("fitting-recovery", suite="fitting")
def make(ctx: FigureContext) -> FigureOutput:
    """Recovery of synthetic power laws (noise-free and noisy) by fit_power_law."""
    from nsl.figures.canvas import new_figure

    run = ctx.load_artifact("recovery")
    x, y0, yn = run.arrays["x"], run.arrays["y_clean"], run.arrays["y_noisy"]
    m = run.result
    fn, true = m["fit_noisy"], m["true"]
    xf = np.geomspace(x.min(), x.max(), 200)
    fig, (a1, a2) = new_figure(1, 2, figsize=(10, 4))
    a1.loglog(x, y0, "ko", label=f"data: {m['clean_amplitude']:g} x^-{m['clean_alpha']:g}")
    for f, ls, label in ((m["fit_offset"], "-", "with offset"), (m["fit_no_offset"], "--", "without offset")):
        a1.loglog(xf, f["offset"] + f["amplitude"] * xf ** -f["alpha"], ls,
                  label=f"fit {label}: alpha={f['alpha']:.8f}")
    a1.set_xlabel("x")
    a1.set_ylabel("L(x)")
    a1.set_title("noise-free recovery")
    a1.legend(fontsize=8)
    gm = np.exp(np.log(yn).mean(0))
    lo, hi = np.exp(np.log(yn).min(0)), np.exp(np.log(yn).max(0))
    for s in range(yn.shape[0]):
        a2.loglog(x, yn[s], ".", color="0.7", label="seeds" if s == 0 else None)
    a2.errorbar(x, gm, yerr=[gm - lo, hi - gm], fmt="o", color="k", capsize=3, label="geometric mean (min-max)")
    a2.loglog(xf, fn["offset"] + fn["amplitude"] * xf ** -fn["alpha"], "C1-",
              label=f"fit: alpha={fn['alpha']:.3f} [{fn['alpha_ci'][0]:.3f}, {fn['alpha_ci'][1]:.3f}]")
    a2.loglog(xf, true["E"] + true["B"] * xf ** -true["alpha"], "C2:", label=f"truth: alpha={true['alpha']}")
    a2.axhline(fn["offset"], color="C1", lw=0.8, ls="--", label=f"fitted offset E={fn['offset']:.2g}")
    a2.set_xlabel("x")
    a2.set_ylabel("L(x)")
    a2.set_title("noisy replicate, 95% bootstrap interval")
    a2.legend(fontsize=8)
    table = {"x": x, "y_clean": y0, "y_noisy_geomean": gm, "y_noisy_min": lo, "y_noisy_max": hi,
             "fit_noisy": fn["offset"] + fn["amplitude"] * x ** -fn["alpha"]}
    return FigureOutput(fig, table, "noise-free and noisy power laws with their fits (log-log)")
