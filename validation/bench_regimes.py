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
    # 1. learning curve: 10^6 modes x 100 D values (issue target: < 1 s on 2 cores)
    k = np.arange(1, 10 ** 6 + 1, dtype=float)
    eta = k ** -2.0
    D = np.geomspace(10, 1e5, 100)
    t_fast, lc = timeit(learning_curve, eta, eta, D, repeat=3)
    out.append(Measurement("learning curve 1e6 modes x 100 D (merged modes)", t_fast, "s", "issue target", 1.0,
                           target=1.0, note=f"merge_rtol=1e-3 (error O(1e-6)); E_g(D=1e5)={lc.error[-1]:.3e}"))
    # the exact (unmerged) solve on 10^4 modes x 100 D, and the same with merging
    k4 = k[:10 ** 4]
    D4 = np.geomspace(5, 5e3, 100)
    t_ex4, e_ex = timeit(learning_curve, k4 ** -2, k4 ** -2, D4, merge_rtol=0.0, repeat=3)
    t_m4, e_m = timeit(learning_curve, k4 ** -2, k4 ** -2, D4, repeat=3)
    out.append(Measurement("learning curve 1e4 modes x 100 D (exact)", t_ex4, "s", "per-D scipy brentq loop",
                           _brentq_baseline(k4 ** -2, D4), note="vectorised safeguarded Newton over all D at once"))
    out.append(Measurement("learning curve 1e4 modes x 100 D (merged)", t_m4, "s", "exact vectorised solve", t_ex4,
                           note=f"max rel. difference {np.max(np.abs(e_m.error / e_ex.error - 1)):.1e}"))
    if not quick:
        t_ex6, _ = timeit(learning_curve, eta, eta, D, merge_rtol=0.0, repeat=1)
        out.append(Measurement("learning curve 1e6 modes x 100 D (exact)", t_ex6, "s", "merged modes", t_fast,
                               higher_is_better=False, note="how much the mode merging saves"))
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


def _brentq_baseline(eta: np.ndarray, D: np.ndarray) -> float:
    """Time of the textbook solve: scipy brentq per D on 1 − Σ η/(Dη + κ) (the reference note's recipe)."""
    from scipy.optimize import brentq

    t0 = time.perf_counter()
    for d in D:
        brentq(lambda kap: 1.0 - np.sum(eta / (d * eta + kap)), 1e-30, 1e10, xtol=1e-300, rtol=1e-12)
    return time.perf_counter() - t0
