"""Figure ``two-layer-plateau-L``: ε_g(α) of the erf committee machine for several L.

After Worschech & Rosenow 2024, Fig. 1 (K = M = 2, η = 0.1, β = 1, σ_J = 0.01, N = 1024): the
plateau shortens as the number L of distinct eigenvalues grows and the tail turns from
exponential to a power law.  Right: the ODE against the seed-mean of the torch simulation
(K = M = 2, N = 1024, L = 16, η = 0.5) with the seed spread.
"""
from __future__ import annotations


from nsl.context import FigureContext, FigureOutput
from nsl.registry import figure


@figure("two-layer-plateau-L", suite="two-layer")
def make(ctx: FigureContext) -> FigureOutput:
    """erf two-layer learning curves for several L (ODE) and ODE vs simulation."""
    from nsl.figures.canvas import colormap, new_figure

    from nsl.theory.two_layer.plateaus import symmetric_fixed_point

    run = ctx.load_artifact("escape_L")
    a, eg, Ls = run.arrays["alpha"], run.arrays["eg"], run.arrays["L"]
    sim = ctx.load_artifact("sim_erf")
    meta, sm = run.result, sim.result
    fp = symmetric_fixed_point(int(meta["K"]), float(meta["eta"])).eg
    fig, (a1, a2) = new_figure(1, 2, figsize=(11, 4.2))
    cmap = colormap("viridis")
    for j, L in enumerate(Ls):
        a1.loglog(a, eg[j], color=cmap(j / max(1, len(Ls) - 1)), label=f"L = {int(L)}")
    a1.axhline(fp, color="k", ls=":", lw=1, label=f"symmetric fixed point {fp:.4f}")
    a1.set_ylim(max(eg.min(), 1e-9), 1)
    a1.set_xlabel("alpha = steps / N")
    a1.set_ylabel("eg")
    a1.set_title(f"erf, K = M = {meta['K']}, eta = {meta['eta']:g}, beta = {meta['beta']:g}, N = {meta['N']} (ODE)")
    a1.legend(fontsize=7)
    sa, es, eo = sim.arrays["alpha"], sim.arrays["eg_sim"], sim.arrays["eg_ode"]
    m, s = es.mean(0), es.std(0, ddof=1)
    a2.fill_between(sa, m - s, m + s, color="C1", alpha=0.3, label=f"SGD, {es.shape[0]} seeds (mean +- sd)")
    a2.loglog(sa, m, "C1o", ms=3)
    a2.loglog(sa, eo.mean(0), "k-", label="ODE, same initial weights")
    a2.set_xlabel("alpha")
    a2.set_ylabel("eg")
    a2.set_title(f"ODE vs online SGD (N = {sm['N']}, L = {sm['L']}, eta = {sm['eta']:g}, beta = {sm['beta']:g})")
    a2.legend(fontsize=8)
    table = {"alpha": a, **{f"eg_L{int(L)}": eg[j] for j, L in enumerate(Ls)}}
    return FigureOutput(fig, table, "eg(alpha) for several L (the plateau shrinks with L); ODE vs SGD")
