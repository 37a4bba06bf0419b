"""Figure ``deep-regression-data``: geometric-mean test MSE per parameter against N_D (Čadež & Kim 2025, Fig. 1).

One panel per regressed parameter (θ, J, D), one marker per architecture, the fitted pure power
law over its window with α_D and its bootstrap interval in the legend.  Reads the artifact
``data_sweep`` of suite ``deep-regression``.
"""
from __future__ import annotations

import numpy as np

from nsl.context import FigureContext, FigureOutput
from nsl.registry import figure

MARKERS = {"fcn": "s", "resnet": "o", "vit": "^"}
COLORS = {"fcn": "tab:red", "resnet": "tab:blue", "vit": "tab:green"}
FCN_COLORS = ("goldenrod", "tab:red")  # the paper's yellow (narrow) and red (wide) FCN squares
LABELS = {"theta": r"$\theta$", "J": r"$J$", "D": r"$D$"}


def styles(keys, families: dict) -> dict:
    """Marker and colour per curve: one marker per family, the two FCN widths in yellow and red."""
    out, n_fcn = {}, 0
    for k in keys:
        fam = families.get(k, k)
        color = COLORS.get(fam, "black")
        if fam == "fcn":
            color = FCN_COLORS[min(n_fcn, len(FCN_COLORS) - 1)]
            n_fcn += 1
        out[k] = (MARKERS.get(fam, "o"), color)
    return out


def plain_log_ticks(ax) -> None:
    """Label only the decades of a log-log axis (minor labels such as 2x10^1 overlap at this size).

    An axis spanning less than a decade keeps its minor labels (it would have none otherwise).
    """
    from matplotlib.ticker import NullFormatter

    for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
        if lo > 0 and hi / lo >= 10:
            axis.set_minor_formatter(NullFormatter())


def interval_text(lo: float, hi: float) -> str:
    """A 95 % interval for a legend; an end the bootstrap left open (stored as null: JSON has no inf) is ∞."""
    return "[" + ", ".join(f"{v:.2f}" if np.isfinite(v) else "∞" for v in (lo, hi)) + "]"


def scaling_panels(run, xfield: str, xlabel: str, exp_name: str, title: str):
    """Shared by the N_D and N_M figures: three panels, markers, fitted lines, table.

    Reads the suite's records by name: ``run.result["curves"]``, each with ``label``, ``family``,
    the abscissa ``xfield`` (``"n_d"`` or ``"n_params"``), ``mse`` (parameter -> [seed][point]) and
    ``fits`` (parameter -> ``alpha``, ``ci_low``, ``ci_high``, ``amplitude``, ``x_low``, ``x_high``).
    Where a curve carries ``half_ratio`` (the model sweep: MSE(N_D) / MSE(N_D/2) per point) and the
    record its threshold ``not_data_limited``, points at or above it are filled (not data-limited)
    and the others open.
    """
    from nsl.figures.canvas import new_figure

    meta = run.result
    curves, params = meta["curves"], meta["params"]
    sty = styles([c["label"] for c in curves], {c["label"]: c["family"] for c in curves})
    fig, axes = new_figure(1, len(params), figsize=(4.6 * len(params), 4.0), squeeze=False)
    axes = axes[0]
    table: dict[str, list] = {k: [] for k in ("arch", "param", "x", "gmean_mse", "fit_alpha", "fit_ci_lo", "fit_ci_hi",
                                              "half_ratio")}
    threshold = meta.get("not_data_limited")
    for j, p in enumerate(params):
        ax = axes[j]
        for cur in curves:
            label = cur["label"]
            x = np.asarray(cur[xfield], float)
            y = np.exp(np.log(np.asarray(cur["mse"][p], float)).mean(0))  # geometric mean over seeds
            fit = {k: (np.nan if v is None else v) for k, v in cur["fits"][p].items()}
            a, lo, hi, B, x0, x1 = (float(fit[k]) for k in ("alpha", "ci_low", "ci_high", "amplitude", "x_low", "x_high"))
            mk, color = sty[label]
            ratio = np.asarray(cur.get("half_ratio") or [np.nan] * x.size, float)
            if threshold is not None and np.isfinite(ratio).all():
                ok = ratio >= float(threshold)
                ax.loglog(x[ok], y[ok], mk, color=color, ms=6)  # filled: not data-limited
                ax.loglog(x[~ok], y[~ok], mk, color=color, ms=6, mfc="none")
            else:
                ax.loglog(x, y, mk, color=color, ms=6, mfc="none")
            if np.all(np.isfinite([a, B, x0, x1])):
                xf = np.geomspace(x0, x1, 50)
                curved = fit.get("power_law") is False  # the suite's power-law row failed: alpha is information
                ax.loglog(xf, B * xf ** (-a), "--" if curved else "-", color=color, lw=1.3,
                          label=f"{label}: {exp_name} = {a:.2f} {interval_text(lo, hi)}"
                                + (f", no power law (Δα = {float(fit['dalpha']):.2f})" if curved else ""))
            else:
                ax.plot([], [], mk, color=color, mfc="none", label=f"{label}: no power-law window")
            for xi, yi, ri in zip(x, y, ratio):
                table["arch"].append(label)
                table["param"].append(p)
                table["x"].append(float(xi))
                table["gmean_mse"].append(float(yi))
                table["fit_alpha"].append(a)
                table["fit_ci_lo"].append(lo)
                table["fit_ci_hi"].append(hi)
                table["half_ratio"].append(float(ri))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(f"test MSE ({LABELS.get(p, p)}, standardised)")
        ax.set_title(f"({'abc'[j]}) {LABELS.get(p, p)}")
        ax.grid(True, which="major", alpha=0.3)
        plain_log_ticks(ax)
        ax.legend(fontsize=7.5, loc="lower left")
    fig.suptitle(title, fontsize=10)
    return fig, {k: np.asarray(v) for k, v in table.items()}


@figure("deep-regression-data", suite="deep-regression")
def make(ctx: FigureContext) -> FigureOutput:
    """Test MSE per parameter vs training-set size N_D, per architecture, with fitted exponents."""
    run = ctx.load_artifact("data_sweep")
    fig, table = scaling_panels(run, "n_d", r"training-set size $N_D$", r"$\alpha_D$",
                                f"deep regression on FIRE-relaxed spin textures ({run.result.get('preset')}): "
                                "geometric mean over seeds, learning rate searched per (architecture, N_D)")
    return FigureOutput(fig, table, caption="Geometric-mean test MSE (standardised targets) against N_D, one panel per "
                        "parameter, one marker per architecture (two FCN widths in yellow and red); lines: pure power law "
                        "over the window select_fit_window chose, alpha_D with its 95% bootstrap interval "
                        "(cf. Cadez & Kim 2025, Fig. 1); dashed: the suite's power-law row failed (the local exponent "
                        "changes by more than half of alpha across the window), so that alpha is information.")
