"""Figure ``fitting-joint``: the joint law L(N, D) = E + A N^-alpha + B D^-beta fitted by the
fitting suite (Besiroglu et al.'s runs when available, else synthetic runs at their published
law): loss against N with the fitted iso-D curves, and the bootstrap cloud of (alpha, beta)
with the compute-optimal exponent a = beta / (alpha + beta)."""
from __future__ import annotations

import numpy as np

from nsl.context import FigureContext, FigureOutput
from nsl.registry import figure


@figure("fitting-joint", suite="fitting")
def make(ctx: FigureContext) -> FigureOutput:
    """Joint L(N, D) fit with its bootstrap."""
    from nsl.figures.canvas import new_figure

    run = ctx.load_artifact("joint")
    N, D, L, boot = run.arrays["N"], run.arrays["D"], run.arrays["loss"], run.arrays["boot"]
    f = run.result["fit"]
    co = run.result["compute_optimal"]

    def law(n, d):
        return f["E"] + f["A"] * n ** -f["alpha"] + f["B"] * d ** -f["beta"]

    fig, (a1, a2) = new_figure(1, 2, figsize=(10, 4))
    sc = a1.scatter(N, L, c=np.log10(D), s=8, cmap="viridis")
    nf = np.geomspace(N.min(), N.max(), 100)
    for d in np.quantile(D, [0.1, 0.5, 0.9]):
        a1.plot(nf, law(nf, d), color=sc.cmap(sc.norm(np.log10(d))), lw=1)
    a1.set_xscale("log")
    a1.set_yscale("log")
    fig.colorbar(sc, ax=a1, label="log10 D (tokens)")
    a1.set_xlabel("N (parameters)")
    a1.set_ylabel("loss")
    a1.set_title(f"{run.result['source']}\nE={f['E']:.4g} A={f['A']:.4g} B={f['B']:.4g}", fontsize=8)
    a2.plot(boot[:, 3], boot[:, 4], ".", ms=2, alpha=0.4, label=f"{boot.shape[0]} bootstrap refits")
    a2.plot([f["alpha"]], [f["beta"]], "r*", ms=10, label=f"fit alpha={f['alpha']:.4f}, beta={f['beta']:.4f}")
    a2.set_xlabel("alpha")
    a2.set_ylabel("beta")
    a2.set_title(f"N_opt ~ C^a, a = {co['a']:.3f} [{co['a_ci'][0]:.3f}, {co['a_ci'][1]:.3f}]", fontsize=9)
    a2.legend(fontsize=7)
    table = {"N": N, "D": D, "loss": L, "fit": law(N, D)}
    return FigureOutput(fig, table, "joint scaling law L(N, D) and the bootstrap of its exponents")
