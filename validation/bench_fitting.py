"""Benchmark ``fitting``: the cost of honest intervals, each as a ratio against a named baseline.

- ``fit_power_law`` with its default settings (1000 bootstrap resamples, batched Huber
  polish from the point estimate) against the same estimator polished replicate by replicate
  with L-BFGS-B; and the cheapest call (``n_boot=0``) against the default;
- the joint fit L(N, D) with a case bootstrap against Besiroglu et al.'s notebook procedure
  (L-BFGS-B from every start of Hoffmann's grid, one BFGS refit per resample), on synthetic
  runs at their published law.  ``quick`` times the baseline on the first 100 of its 4500
  grid starts and scales that part linearly (stated in the note); ``--full`` runs it whole;
- the CSN tail fit with x_min chosen by KS over every candidate against ``powerlaw.Fit``, on
  synthetic samples and on CSN's cities and words data as shipped by ``powerlaw``.
"""
from __future__ import annotations

import os
import time

import numpy as np

from nsl.bench import Measurement, timeit
from nsl.registry import benchmark


def _cpu(fn, *args, repeat: int = 1, **kw) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn(*args, **kw)
        best = min(best, time.process_time() - t0)
    return best


@benchmark("fitting", description="power-law, joint and tail fit timings")
def bench(quick: bool = True, device: str = "cpu") -> list[Measurement]:
    from nsl.theory import fitting as F
    from nsl.theory.fitting_joint import fit_joint_power_law
    from nsl.validation import fitting_chinchilla as ch
    from nsl.validation.fitting import X, noisy_curve

    out: list[Measurement] = []
    # 1. fit_power_law, default settings
    Y = noisy_curve(np.random.default_rng(0))
    F.fit_power_law(X, Y, n_boot=10, rng=0)  # warm (imports)
    t_default = _cpu(F.fit_power_law, X, Y, rng=1, repeat=3)
    t_cheap = _cpu(F.fit_power_law, X, Y, n_boot=0, repeat=3)
    n_boot = 1000

    def looped():  # the same problem as fit_power_law solves: centred logs, replicates from the estimate
        rng = np.random.default_rng(1)
        logx, logY = np.log(X) - np.log(X).mean(), np.log(Y) - np.log(Y).mean()
        R = Y.shape[0]
        idx = rng.integers(0, R, size=(n_boot, R, X.size))
        ly = np.take_along_axis(np.broadcast_to(logY, (n_boot, R, X.size)), idx, axis=1).mean(1)
        a, E, B = F._vp_fit(logx, np.exp(logY.mean(0))[None], True)
        for j in range(n_boot):
            F._polish(logx, ly[j], a[0], B[0], E[0], True, 0.05, float(np.exp(ly[j]).min()))

    t_loop = _cpu(looped)
    out.append(Measurement("fit_power_law, default call (1000 case-bootstrap fits), CPU s", t_default, "s",
                           "per-replicate L-BFGS-B polish", t_loop))
    out.append(Measurement("fit_power_law(n_boot=0), the cheapest call, CPU s", t_cheap, "s",
                           "fit_power_law default call", t_default,
                           note="pass n_boot=0 when no interval is needed"))
    # 2. joint fit with bootstrap vs the replication's procedure
    d = ch.synthetic_runs(3)
    nb = 100 if quick else 4000
    t_ours, _ = timeit(fit_joint_power_law, d["N"], d["D"], d["loss"], n_boot=nb, rng=0, repeat=1)
    g = None if not quick else 100
    t0 = time.perf_counter()
    ch.notebook_procedure(d["N"], d["D"], d["loss"], n_boot=0, n_grid_starts=g)
    t_grid = time.perf_counter() - t0
    t0 = time.perf_counter()
    ch.notebook_procedure(d["N"], d["D"], d["loss"], n_boot=nb, n_grid_starts=1)
    t_boot = time.perf_counter() - t0
    scale = 4500 / (g or 4500)
    out.append(Measurement(f"fit_joint_power_law, 240 runs, 4500 grid starts + {nb} bootstrap refits", t_ours, "s",
                           "Besiroglu et al.'s notebook procedure (scipy, finite-difference gradients)",
                           t_grid * scale + t_boot,
                           note=(f"baseline grid part timed on {g} of 4500 starts and scaled x{scale:g}" if g else "")))
    # 3. tail fit vs powerlaw.Fit
    try:
        import warnings

        import powerlaw
    except ImportError:
        return out
    s = (1.0 - np.random.default_rng(2).random(5000 if quick else 20000)) ** (-1.0 / 1.5)
    sets = [(f"synthetic continuous, {s.size} samples", s, False)]
    base = os.path.join(os.path.dirname(powerlaw.__file__), "reference_data")
    for name, disc in (("cities", False), ("words", True)):
        p = os.path.join(base, f"{name}.txt")
        if os.path.exists(p):
            x = np.loadtxt(p).ravel()
            sets.append((f"CSN {name}, {x.size} samples", x[x > 0], disc))
    for label, x, disc in sets:
        t_tail, _ = timeit(F.fit_tail_exponent, x, discrete=disc, repeat=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_pl, _ = timeit(lambda x=x, disc=disc: powerlaw.Fit(x, discrete=disc, verbose=False).power_law.alpha,
                             repeat=1)
        out.append(Measurement(f"fit_tail_exponent, x_min by KS over every candidate, {label}", t_tail, "s",
                               "powerlaw.Fit", t_pl, target=1.0))
    return out
