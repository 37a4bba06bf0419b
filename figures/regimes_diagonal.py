"""Figure: fitted alpha_D and alpha_P against alpha_K (the duality diagonal, Bahri et al. 2024 Fig 2b)."""
from __future__ import annotations

import numpy as np

from nsl.context import FigureOutput
from nsl.registry import figure


@figure("regimes-diagonal", suite="regimes")
def make(ctx) -> FigureOutput:
    """alpha_D and alpha_P (resolution-limited, random-feature model) against alpha_K, with bootstrap intervals."""
    from nsl.figures.canvas import new_figure

    a = ctx.load_artifact("alpha_diagonal").arrays
    aK, aD, aP, cD, cP = a["alpha_K"], a["alpha_D"], a["alpha_P"], a["alpha_D_ci"], a["alpha_P_ci"]
    fig, ax = new_figure(figsize=(4.5, 4.2))
    ax.errorbar(aK, aD, yerr=[aD - cD[:, 0], cD[:, 1] - aD], fmt="o", label="alpha_D (fit of L vs D)")
    ax.errorbar(aK * 1.02, aP, yerr=[aP - cP[:, 0], cP[:, 1] - aP], fmt="s", label="alpha_P (fit of L vs P)")
    g = np.linspace(0, max(aK) * 1.1, 10)
    ax.plot(g, g, "k--", lw=1, label="alpha_D = alpha_P = alpha_K")
    ax.set_xlabel("alpha_K (spectrum lambda_i ~ i^-(1+alpha_K))")
    ax.set_ylabel("fitted exponent")
    ax.legend(fontsize=7)
    table = {"alpha_K": aK, "alpha_D": aD, "alpha_D_lo": cD[:, 0], "alpha_D_hi": cD[:, 1],
             "alpha_P": aP, "alpha_P_lo": cP[:, 0], "alpha_P_hi": cP[:, 1]}
    return FigureOutput(fig, table, "Resolution-limited exponents of the random-feature model against the spectrum "
                                    "exponent (finite-size factor divided out; 95 % bootstrap intervals).")
