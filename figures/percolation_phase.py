"""Figure percolation-phase: Brill's alpha_N and alpha_D over (tau, c/D), with the regime boundaries."""
from __future__ import annotations

import numpy as np

from nsl.context import FigureContext, FigureOutput
from nsl.registry import figure
from nsl.theory.percolation import brill_exponents, critical_exponents


@figure("percolation-phase", suite="percolation")
def make(ctx: FigureContext) -> FigureOutput:
    """alpha_N = min(alpha, c/D) and alpha_D = min(alpha/(1+alpha), c/D), alpha = (3-tau)/(tau-2)."""
    from nsl.figures.canvas import new_figure

    run = ctx.load_artifact("phase")
    tau, m = run.arrays["tau"], run.arrays["c_over_D"]
    T, M = np.meshgrid(tau, m)
    # Brill's exponents from nsl.theory (c/D = M: c = M, D = 1), and the subtask branch (c/D -> inf) as the boundary
    ex = [[brill_exponents(float(t), float(mm), 1.0) for t in tau] for mm in m]
    aN = np.array([[e.alpha_N for e in row] for row in ex])
    aD = np.array([[e.alpha_D for e in row] for row in ex])
    sub = [brill_exponents(float(t), 1.0, 1e-9) for t in tau]
    fig, axes = new_figure(1, 2, figsize=(10, 4), sharey=True)
    for ax, Z, name, bound in [(axes[0], aN, "alpha_N", np.array([e.alpha_N for e in sub])),
                               (axes[1], aD, "alpha_D", np.array([e.alpha_D for e in sub]))]:
        pc = ax.pcolormesh(T, M, np.log10(Z), shading="auto", cmap="viridis")
        fig.colorbar(pc, ax=ax, label=f"log10 {name}")
        ax.plot(tau, bound, "w--", lw=1.2, label="boundary: subtask- vs manifold-limited")
        for d in (2, 3, 4, 5, 6):
            e = critical_exponents(d)
            for c, mk in ((2, "o"), (4, "s")):
                ax.plot(e.tau, c / e.D, mk, color="r", ms=4)
        ax.set_yscale("log")
        ax.set_ylim(m.min(), m.max())
        ax.set_xlabel("Fisher exponent tau")
        ax.set_title(name)
    axes[0].set_ylabel("c / D")
    axes[0].legend(fontsize=7, loc="lower left")
    flat_t, flat_m = T.ravel(), M.ravel()
    return FigureOutput(fig, {"tau": flat_t, "c_over_D": flat_m, "alpha_N": aN.ravel(), "alpha_D": aD.ravel()},
                        caption="Above the dashed line the exponent is set by the cluster-size law (quanta-like), "
                                "below it by c/D (manifold-like). Red: percolation in d = 2..6 with c = 2 (circles), "
                                "c = 4 (squares).")
