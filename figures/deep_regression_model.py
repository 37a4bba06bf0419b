"""Figure ``deep-regression-model``: test MSE per parameter against model size N_M (Čadež & Kim 2025).

One panel per regressed parameter, one marker per architecture (its width ladder at fixed N_D,
each width at the learning rate its search chose), the fitted power law with α_M and its bootstrap interval in the
legend.  Reads the artifact ``model_sweep`` of suite ``deep-regression``.
"""
from __future__ import annotations

from nsl.context import FigureContext, FigureOutput
from nsl.figures.deep_regression_data import scaling_panels
from nsl.registry import figure


@figure("deep-regression-model", suite="deep-regression")
def make(ctx: FigureContext) -> FigureOutput:
    """Test MSE per parameter vs parameter count N_M, per architecture, with fitted exponents."""
    run = ctx.load_artifact("model_sweep")  # records: curves with n_params, mse, fits
    fig, table = scaling_panels(run, "n_params", r"parameters $N_M$", r"$\alpha_M$",
                                f"deep regression on FIRE-relaxed spin textures ({run.result.get('preset')}): model-size "
                                f"sweep at N_D = {run.result['model_n_d']}; filled: not data-limited, open: data-limited")
    return FigureOutput(fig, table, caption="Test MSE (standardised targets, one seed, each width at its searched learning "
                        "rate) against the parameter count N_M at fixed N_D (the largest of the data sweep), one marker "
                        "per family's width ladder; filled: rungs not data-limited (halving N_D leaves the loss at >= "
                        f"{run.result.get('not_data_limited')} of itself), open: data-limited (alpha_M is a model-limited "
                        "exponent); lines: pure power law over the fitted window, alpha_M with its 95% residual-bootstrap "
                        "interval.")
