"""``nsl predict percolation --d 2 --c 4``: Brill's exponents for percolation data in d dimensions."""
from __future__ import annotations

import argparse

from nsl.registry import prediction
from nsl.theory.percolation import brill_exponents, brill_supercritical_exponents, critical_exponents


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--d", type=int, default=6, help="lattice dimension (>= 1; d >= 6 is mean field, the Bethe lattice)")
    parser.add_argument("--c", type=float, default=2.0, help="approximation order c > 0 (2: piecewise constant, 4: linear)")
    parser.add_argument("--supercritical", action="store_true",
                        help="p > p_c: one dominant d-dimensional cluster (exponents c/d)")


@prediction("percolation", configure=_configure)
def compute(args: argparse.Namespace) -> dict:
    """tau, D, alpha, alpha_N, alpha_D and the regime (Brill, arXiv 2412.07942)."""
    e = critical_exponents(args.d)
    out = {"d": e.d, "c": float(args.c), "tau": e.tau, "D": e.D, "exponents_exact": e.exact}
    if args.supercritical:
        b = brill_supercritical_exponents(args.c, args.d)
    elif e.tau <= 2.0:
        raise ValueError(f"d must be >= 2 for the subtask picture (tau = {e.tau} in d = {e.d}, alpha diverges)")
    else:
        b = brill_exponents(e.tau, args.c, e.D)
    out.update({"alpha": None if args.supercritical else b.alpha, "c_over_D": b.c_over_D, "alpha_N": b.alpha_N, "alpha_D": b.alpha_D,
                "regime_N": b.regime_N, "regime_D": b.regime_D, "regime": b.regime})
    return out
