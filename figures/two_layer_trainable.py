"""Figure ``two-layer-trainable``: ε_g(∞) against the number N_l of trained input components.

After Worschech & Rosenow 2024, Fig. 3 (L = N = 256, K = M = 1, η = 0.05, β = 1): the ODE
end points with only the top N_l eigendirections trained, the closed form
ε_res/(1 − (ηV/2N)Σ_{trained} m_l λ_l), and the expected law ∝ N_l^(−β).
"""
from __future__ import annotations


from nsl.context import FigureContext, FigureOutput
from nsl.registry import figure


@figure("two-layer-trainable", suite="two-layer")
def make(ctx: FigureContext) -> FigureOutput:
    """eg(inf) vs the number of trainable student components N_l."""
    from nsl.figures.canvas import new_figure

    run = ctx.load_artifact("trainable_law")
    nl, eo, ec = run.arrays["n_l"], run.arrays["eg_ode"], run.arrays["eg_closed"]
    nb, ee = run.arrays["n_l_big"], run.arrays["eg_expected"]
    b = run.result["beta"]
    fig, ax = new_figure(figsize=(6, 4.3))
    meta = run.result
    ax.loglog(nl, eo, "ko", label=f"ODE end point (L=N={meta['N']}, one init); fit {run.result['fit_alpha']:.2f} "
                                  f"[{run.result['fit_ci'][0]:.2f}, {run.result['fit_ci'][1]:.2f}]")
    ax.loglog(nl, ec, "C1x", ms=9, label="closed form, same init")
    ax.loglog(nb, ee, "C0s-", ms=4, label=f"expected, L=N={meta['N_big']}")
    ax.loglog(nb, ee[0] * (nb / nb[0]) ** (-b), "C0:", label=f"N_l^-{b:g}")
    ax.set_xlabel("N_l (trained eigendirections)")
    ax.set_ylabel("eg(alpha -> inf)")
    ax.set_title(f"linear, K = M = 1, eta = {meta['eta']:g}, beta = {b:g}")
    ax.legend(fontsize=7)
    return FigureOutput(fig, {"n_l": nl, "eg_ode": eo, "eg_closed": ec},
                        "scaling law in the number of trainable components: eg(inf) ~ N_l^-beta")
