"""Figure ``two-layer-escape``: plateau length against L and against M = K.

Left: escape time (ε_g < ½ ε*) and plateau length (escape − onset, onset: ε_g < 1.5 ε*) of
the ODE for K = M = 2, η = 0.1, β = 1, N = 1024 against L, with the linearised 1/μ scaled to
the L = 1 length.  Right: plateau length against M at L = 16 for outputs Σ g and Σ g/√K,
with 1/μ and the M² law quoted in the paper's open review (Worschech & Rosenow 2024).
"""
from __future__ import annotations


from nsl.context import FigureContext, FigureOutput
from nsl.registry import figure


@figure("two-layer-escape", suite="two-layer")
def make(ctx: FigureContext) -> FigureOutput:
    """Plateau escape time and length vs L and M against the linearised escape rate."""
    from nsl.figures.canvas import new_figure

    rl = ctx.load_artifact("escape_L")
    L, esc, ln, imu = rl.arrays["L"], rl.arrays["escape"], rl.arrays["length"], rl.arrays["inv_mu"]
    rm = ctx.load_artifact("escape_M")
    M = rm.arrays["M"]
    fig, (a1, a2) = new_figure(1, 2, figsize=(11, 4.2))
    a1.loglog(L, esc, "ko-", label="escape time (eg < eg*/2)")
    a1.loglog(L, ln, "C1s-", label="plateau length (escape - onset)")
    a1.loglog(L, imu * ln[0] / imu[0], "C0--", label="1/mu (linearised), scaled")
    a1.loglog(L, ln[0] * (L / L[0]) ** -1.0, "C2:", label="1/L")
    a1.set_xlabel("L (distinct eigenvalues)")
    a1.set_ylabel("alpha")
    ml, mm = rl.result, rm.result
    a1.set_title(f"K = M = {ml['K']}, eta = {ml['eta']:g}, beta = {ml['beta']:g}, N = {ml['N']}")
    a1.legend(fontsize=7)
    for pre, c in (("none", "C3"), ("sqrt", "C4")):
        t, im = rm.arrays[f"length_{pre}"], rm.arrays[f"inv_mu_{pre}"]
        lab = "sum g" if pre == "none" else "sum g / sqrt(K)"
        a2.loglog(M, t, "o-", color=c, label=f"plateau length, outputs {lab}")
        a2.loglog(M, im * t[0] / im[0], "--", color=c, lw=1, label=f"1/mu scaled ({lab})")
    a2.loglog(M, rm.arrays["length_sqrt"][0] * (M / M[0]) ** 2, "k:", label="M^2")
    a2.set_xlabel("M = K")
    a2.set_ylabel("plateau length (alpha)")
    a2.set_title(f"L = {mm['L']}, eta = {mm['eta']:g}, beta = {mm['beta']:g}")
    a2.legend(fontsize=7)
    return FigureOutput(fig, {"L": L, "escape": esc, "length": ln, "inv_mu": imu},
                        "plateau length vs L and M with the linearised escape rate")
