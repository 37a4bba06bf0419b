"""Figure: a network kernel's Gram spectrum (alpha_K) and its KRR learning curve, theory vs simulation."""
from __future__ import annotations

import numpy as np

from nsl.context import FigureOutput
from nsl.registry import figure


@figure("regimes-kernel", suite="regimes")
def make(ctx) -> FigureOutput:
    """ReLU NTK on the circle: eigenvalues with the fitted alpha_K, and E_g(D) of ridgeless KRR (GP teacher)."""
    from nsl.figures.canvas import new_figure

    run = ctx.load_artifact("kernel_krr")
    a, m = run.arrays, run.result
    ev, D = a["eigenvalues"], a["D"]
    fig, ax = new_figure(1, 2, figsize=(9, 4))
    i = np.arange(1, ev.size + 1)
    ax[0].loglog(i, ev, ".", ms=3)
    ax[0].set_title(f"Gram spectrum: alpha_K = {m['alpha_K']:.3f} [{m['alpha_K_ci'][0]:.3f}, {m['alpha_K_ci'][1]:.3f}]",
                    fontsize=9)
    ax[0].set_xlabel("mode index i")
    ax[0].set_ylabel("eigenvalue of K/n")
    ax[1].loglog(D, a["sim"], "o", label=f"simulated KRR: alpha_D = {m['alpha_D']:.2f} "
                                       f"[{m['alpha_D_ci'][0]:.2f}, {m['alpha_D_ci'][1]:.2f}]")
    ax[1].loglog(D, a["theory"], "-", label=f"spectral theory: slope {m['theory_slope']:.2f}")
    ax[1].set_xlabel("D")
    ax[1].set_ylabel("test MSE")
    ax[1].legend(fontsize=7)
    n = max(ev.size, D.size)
    pad = lambda x: np.r_[x, np.full(n - x.size, np.nan)]  # noqa: E731
    return FigureOutput(fig, {"i": np.arange(1, n + 1), "eigenvalue": pad(ev), "D": pad(D.astype(float)),
                              "sim": pad(a["sim"]), "theory": pad(a["theory"])},
                        f"Infinite-width ReLU {m['kernel'].upper()} (depth {m['depth']}) on {m['n']} points of the unit "
                        "circle; teacher drawn from the same kernel (target power proportional to the eigenvalues).")
