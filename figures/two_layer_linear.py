"""Figure ``two-layer-linear``: the linear network's closed forms against online SGD.

After Worschech & Rosenow 2024, Fig. 2 (right): L = N = 1024, K = M = 1, η = 0.1; the seed
mean of the simulation, the exact ½ λᵀ expm(Aα) d(0) for the same weights, and the
asymptote ∝ α^(−β/(1+β)) with its window of validity [1/(2ηλ_1), 1/(2ηλ_N)].
"""
from __future__ import annotations


from nsl.context import FigureContext, FigureOutput
from nsl.registry import figure


@figure("two-layer-linear", suite="two-layer")
def make(ctx: FigureContext) -> FigureOutput:
    """Linear two-layer network: SGD vs exact closed form and the power-law asymptote."""
    from nsl.figures.canvas import new_figure

    from nsl.theory.spectra import power_law_spectrum
    from nsl.theory.two_layer.linear import linear_asymptote, linear_window

    from nsl.theory.two_layer.linear import linear_decay_exponent

    run = ctx.load_artifact("sim_linear")
    arr, cfg = run.arrays, run.result
    a = arr["alpha"]
    N, L, eta = int(cfg["N"]), int(cfg["L"]), float(cfg["eta"])
    fig, ax = new_figure(figsize=(6.5, 4.5))
    table: dict = {"alpha": a}
    for j, b in enumerate(arr["beta"]):
        es, ex = arr["eg_sim"][j], arr["eg_exact"][j]
        sp = power_law_spectrum(L, float(b), N=N)
        asym = linear_asymptote(a, beta=float(b), L=L, N=N, eta=eta, Dbar=1 + cfg["sigma_J"] ** 2)
        lo, hi = linear_window(sp, eta=eta)
        c = f"C{j}"
        ax.loglog(a, es.mean(0), "o", color=c, ms=3, label=f"SGD beta={b:g} ({es.shape[0]} seeds)")
        ax.loglog(a, ex.mean(0), "-", color=c, lw=1, label="exact closed form")
        ax.loglog(a, asym, "--", color=c, lw=1,
                  label=f"asymptote slope -{linear_decay_exponent(float(b)):.3f}; fit {arr['fit_alpha'][j]:.3f} "
                        f"[{arr['fit_lo'][j]:.3f}, {arr['fit_hi'][j]:.3f}]")
        ax.axvspan(max(lo, a[0]), min(hi, a[-1]), color=c, alpha=0.04)
        table.update({f"eg_sim_beta{b:g}": es.mean(0), f"eg_exact_beta{b:g}": ex.mean(0), f"asymptote_beta{b:g}": asym})
    ax.set_xlabel("alpha = steps / N")
    ax.set_ylabel("eg")
    ax.set_title(f"linear, K = M = 1, L = {L}, N = {N}, eta = {eta:g} (shade: window)")
    ax.legend(fontsize=7)
    return FigureOutput(fig, table, "linear network: SGD vs the exact closed form and the alpha^(-beta/(1+beta)) law")
