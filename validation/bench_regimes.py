"""Benchmark ``regimes``: learning-curve solver, random-feature sweep throughput, NTK recursion vs empirical.

``python -m nsl.bench regimes [--full] [--device cuda]``.
"""
from __future__ import annotations

import time

import numpy as np

from nsl.bench import Measurement, timeit
from nsl.registry import benchmark


@benchmark("regimes", description="spectral learning curve solve, random-feature sweep, NTK recursion vs empirical NTK")
def bench(quick: bool = True, device: str = "cpu") -> list[Measurement]:
    from nsl.theory.learning_curves import learning_curve

    out = []
    # 1. learning curve: 10^6 modes x 100 D values, every mode kept (issue 15 item 3: <= 1 s on 2 cores),
    #    against the textbook per-D scipy brentq on the same equation; both timed with the same repeats
    k = np.arange(1, 10 ** 6 + 1, dtype=float)
    eta = k ** -2.0
    D = np.geomspace(10, 1e5, 100)
    rep = 1 if quick else 3
    t_ex, lc = timeit(learning_curve, eta, eta, D, repeat=rep)
    t_bq, kap_bq = timeit(_brentq_kappa, eta, D, repeat=rep)
    dk = float(np.max(np.abs(lc.kappa / kap_bq - 1)))
    out.append(Measurement("learning curve 1e6 modes x 100 D, exact (no merging, series sums, Newton on all D)", t_ex,
                           "s", "per-D scipy brentq on the same equation (kappa only)", t_bq,
                           note=f"best of {rep} each; max |kappa/kappa_brentq - 1| = {dk:.1e}; "
                                f"E_g(D=1e5)={lc.error[-1]:.6e}; issue target <= 1 s"))
    out.append(Measurement("learning curve 1e6 modes x 100 D, exact, against the issue's 1 s", t_ex, "s",
                           "issue 15 target", 1.0, target=1.0))
    t_m, lm = timeit(learning_curve, eta, eta, D, merge_rtol=1e-3, repeat=rep)
    out.append(Measurement("learning curve 1e6 modes x 100 D, merged modes (merge_rtol=1e-3, an option)", t_m, "s",
                           "exact solve", t_ex,
                           note=f"max rel. difference of E_g to the exact curve {np.max(np.abs(lm.error / lc.error - 1)):.1e}"))
    # the series evaluation against plain summation over every mode (the 'direct' method), 2e5 modes x 60 D
    k2 = k[:200000]
    t_dir, ld = timeit(learning_curve, k2 ** -2, k2 ** -2, D[:60], method="direct", repeat=rep)
    t_ser, ls = timeit(learning_curve, k2 ** -2, k2 ** -2, D[:60], repeat=rep)
    out.append(Measurement("learning curve 2e5 modes x 60 D, exact (series sums)", t_ser, "s",
                           "exact with direct summation over every mode", t_dir,
                           note=f"max rel. difference of E_g {np.max(np.abs(ls.error / ld.error - 1)):.1e}"))
    # 2. random-feature sweep (the quick preset's grid, teacher-averaged), batched over seeds vs one seed at a time
    from nsl.sims.random_features import simulate_random_features

    lam = np.arange(1, 2001, dtype=float) ** -2.0
    grid = [10, 20, 40, 80, 160, 320, 640, 1280] if not quick else [10, 40, 160, 640]
    n_seeds = 4
    cells = len(grid) ** 2 * n_seeds
    t_b, _ = timeit(simulate_random_features, lam, grid, grid, n_seeds=n_seeds, seed=0, teacher_average=True,
                    limits=False, device=device, repeat=1)
    t_s, _ = timeit(simulate_random_features, lam, grid, grid, n_seeds=n_seeds, seed=0, teacher_average=True,
                    limits=False, seed_chunk=1, device=device, repeat=1)
    out.append(Measurement("random-feature sweep throughput (batched seeds)", cells / t_b, "cells/s",
                           "one seed at a time", cells / t_s, higher_is_better=True,
                           note=f"S=2000, P,D in {grid}, {n_seeds} seeds, device {device}"))
    # 3. NTK: analytic recursion vs one empirical network's NTK on the same inputs
    from nsl.sims.teacher_student import empirical_kernels
    from nsl.theory.kernels import fc_kernels

    X = np.random.default_rng(0).standard_normal((200 if not quick else 64, 10))
    t_an, _ = timeit(fc_kernels, X, depth=2, repeat=3)
    t0 = time.perf_counter()
    empirical_kernels(X[:16], depth=2, width=1024, device=device)
    t_emp = (time.perf_counter() - t0) * (X.shape[0] / 16)  # one backward pass per input
    out.append(Measurement(f"NTK of {X.shape[0]} inputs, depth-2 ReLU: recursion", t_an, "s",
                           "empirical NTK of one width-1024 net (autograd)", t_emp,
                           note="the empirical time is extrapolated from 16 inputs (linear in inputs)"))
    return out


def _brentq_kappa(eta: np.ndarray, D: np.ndarray) -> np.ndarray:
    """The textbook solve: scipy brentq per D on 1 − Σ η/(Dη + κ) = 0 (ridgeless), rtol 1e-12."""
    from scipy.optimize import brentq

    return np.array([brentq(lambda kap, d=d: 1.0 - np.sum(eta / (d * eta + kap)), 1e-30, 1e10, xtol=1e-300, rtol=1e-12)
                     for d in D])
