"""Benchmark ``fitting``: the cost of honest intervals.

- ``fit_power_law`` with 1000 case-bootstrap resamples (batched Huber polish) against the
  same estimator polished replicate by replicate with L-BFGS-B (the baseline);
- the CSN tail fit with x_min chosen by KS against ``powerlaw.Fit`` on the same samples.
"""
from __future__ import annotations

import numpy as np

from nsl.bench import Measurement, timeit
from nsl.registry import benchmark


@benchmark("fitting", description="bootstrap power-law fit and CSN tail fit timings")
def bench(quick: bool = True, device: str = "cpu") -> list[Measurement]:
    from nsl.theory import fitting as F
    from nsl.validation.fitting import X, noisy_curve

    n_boot = 300 if quick else 1000
    Y = noisy_curve(np.random.default_rng(0))
    t_fast, _ = timeit(F.fit_power_law, X, Y, n_boot=n_boot, rng=1, repeat=2)

    def looped():
        rng = np.random.default_rng(1)
        logx, logY = np.log(X), np.log(Y)
        R = Y.shape[0]
        idx = rng.integers(0, R, size=(n_boot, R, X.size))
        ly = np.take_along_axis(np.broadcast_to(logY, (n_boot, R, X.size)), idx, axis=1).mean(1)
        a, E, B = F._vp_fit(logx, np.exp(ly), True)
        for j in range(n_boot):
            F._polish(logx, ly[j], a[j], B[j], E[j], True, 0.05, float(np.exp(ly[j]).min()))

    t_loop, _ = timeit(looped, repeat=1)
    out = [Measurement(f"fit_power_law, {n_boot} case-bootstrap fits", t_fast, "s",
                       "per-replicate L-BFGS-B polish", t_loop)]
    s = (1.0 - np.random.default_rng(2).random(5000 if quick else 20000)) ** (-1.0 / 1.5)
    t_tail, _ = timeit(F.fit_tail_exponent, s, discrete=False, repeat=1)
    try:
        import powerlaw

        t_pl, _ = timeit(lambda: powerlaw.Fit(s, verbose=False).power_law.alpha, repeat=1)
        out.append(Measurement(f"fit_tail_exponent, x_min by KS, {s.size} samples", t_tail, "s", "powerlaw.Fit", t_pl))
    except ImportError:
        out.append(Measurement(f"fit_tail_exponent, x_min by KS, {s.size} samples", t_tail, "s", "(powerlaw absent)", t_tail))
    return out
