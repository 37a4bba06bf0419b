"""Benchmark ``two-layer``: the eigenspace ODE and the online-SGD simulation.

1. ODE, K = M = 2, L = 100 distinct eigenvalues (N = 1000), erf, η = 0.1, to α = 10⁵: BDF with
   the sparse arrowhead Jacobian, against explicit Euler with dt = 0.01 (nn2pp's integrator,
   on the same vectorised right-hand side; timed on a few thousand steps and extrapolated
   linearly to α_max/dt steps — every step costs the same);
2. the same curve (α ≤ 10⁴) from the ODE against one simulated run at N = 1000 (timed over
   α ≤ 10 quick / 100 full and extrapolated linearly in steps), target ≥ 100×;
3. simulation throughput (SGD steps per second) with seeds batched, against one run;
4. the paper's largest setting K = M = 40, L = N = 512, η = 0.01: one ODE right-hand side, the
   RK45 step size over α ≤ 0.1 and the extrapolated time to α = 10⁴; the simulation's time for
   10 seeds to α = 10⁴ extrapolated from its measured step rate;
5. where ``NSL_NN2PP_ODE`` names a built ``scmpp_ode.exe`` of sgoldt/nn2pp (C++/Armadillo, explicit
   Euler, built beside nsl and never copied into it): the isotropic ODE (L = 1, K = M = 2, erf,
   η = 0.1, α ≤ 10⁴) from the same initial overlaps (passed with ``--prefix``), both errors
   measured against our BDF at rtol 1e-12.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import time

import numpy as np

from nsl.bench import Measurement, timeit
from nsl.registry import benchmark


@benchmark("two-layer", description="two-layer ODE (stiff, sparse Jacobian) and online-SGD simulation timings")
def bench(quick: bool = True, device: str = "cpu") -> list[Measurement]:
    from nsl.sims.online_sgd import simulate_online_sgd
    from nsl.theory.spectra import power_law_spectrum
    from nsl.theory.two_layer.ode import TwoLayerODE, solve_ode
    from nsl.theory.two_layer.order_params import random_initial_conditions

    out: list[Measurement] = []
    sp = power_law_spectrum(100, 1.0, N=1000)
    init = random_initial_conditions(sp, 2, 2, sigma_J=0.01, rng=np.random.default_rng(0))

    # 1. ODE to alpha = 1e5 vs explicit Euler dt = 0.01
    t_ode, curve = timeit(lambda: solve_ode(init, sp, eta=0.1, alpha_max=1e5, n_alpha=200), repeat=1 if quick else 3)
    sys = TwoLayerODE(sp, init.t, K=2, eta=0.1)
    y = sys.pack(init.q, init.r)
    n_eu = 2000 if quick else 10000
    t0 = time.perf_counter()
    for _ in range(n_eu):
        y = y + 0.01 * sys(0.0, y)
    t_eu = (time.perf_counter() - t0) / n_eu * (1e5 / 0.01)
    out.append(Measurement("ODE K=M=2, L=100, erf, eta=0.1, to alpha=1e5 (BDF + sparse arrowhead Jacobian)", t_ode, "s",
                           "explicit Euler dt=0.01 (nn2pp's scheme) on the same RHS, extrapolated", t_eu,
                           note=f"{curve.meta['nfev']} RHS evaluations, {curve.meta['njev']} Jacobians; "
                                f"eg(1e5) = {curve.eg[-1]:.3g}"))

    # 2. ODE vs simulation for the same curve (alpha <= 1e4) at N = 1000
    a_curve = 1e4
    t_ode4, _ = timeit(lambda: solve_ode(init, sp, eta=0.1, alpha_max=a_curve, n_alpha=100), repeat=1 if quick else 3)
    a_sim = 10.0 if quick else 100.0
    t0 = time.perf_counter()
    sim = simulate_online_sgd(sp, K=2, M=2, eta=0.1, alpha_max=a_sim, seeds=1, n_alpha=10, device=device)
    t_sim = (time.perf_counter() - t0) * a_curve / a_sim
    out.append(Measurement(f"ODE for one curve, alpha <= {a_curve:g} (K=M=2, L=100, N=1000)", t_ode4, "s",
                           f"online SGD, one run, timed to alpha={a_sim:g} and extrapolated", t_sim, target=100.0,
                           note=f"SGD {sim.meta['steps_per_s']:.0f} steps/s on {device}"))

    # 3. throughput with seeds batched
    base = None
    for R in ((1, 16, 64) if quick else (1, 16, 64, 256)):
        s = simulate_online_sgd(sp, K=2, M=2, eta=0.1, alpha_max=5.0, seeds=R, n_alpha=3, device=device)
        rate = s.meta["sample_steps_per_s"]
        if base is None:
            base = rate
        out.append(Measurement(f"online SGD throughput, {R} runs batched (N=1000, K=M=2)", rate, "SGD steps/s",
                               "one run", base, higher_is_better=True,
                               note=f"{s.meta['steps_per_s']:.0f} batched steps/s"))

    # 4. the paper's largest setting K = M = 40, L = N = 512, eta = 0.01
    spb = power_law_spectrum(512, 1.0, N=512)
    ib = random_initial_conditions(spb, 40, 40, sigma_J=1e-6, rng=np.random.default_rng(0))
    sysb = TwoLayerODE(spb, ib.t, K=40, eta=0.01)
    yb = sysb.pack(ib.q, ib.r)
    t_rhs, _ = timeit(lambda: sysb(0.0, yb), repeat=2)
    a_probe = 0.05 if quick else 0.5
    t0 = time.perf_counter()
    cb = solve_ode(ib, spb, eta=0.01, alpha=np.array([a_probe / 10, a_probe]), method="RK45", rtol=1e-6, atol=1e-12)
    t_probe = time.perf_counter() - t0
    t_ext = t_probe / a_probe * 1e4
    out.append(Measurement("ODE K=M=40, L=N=512 (1.24M variables), RK45, to alpha=1e4 (extrapolated)", t_ext, "s",
                           "one day", 86400.0,
                           note=f"one RHS {t_rhs:.2f} s; {cb.meta['nfev']} RHS to alpha={a_probe:g}; explicit steps are "
                                "bounded by 1/(eta lambda_1) and a stiff solver's Jacobian (L p^2 = 3e9 entries) does not "
                                "fit: infeasible on this CPU"))
    steps = 2000 if quick else 20000
    sb = simulate_online_sgd(spb, K=40, M=40, eta=0.01, alpha_max=steps / 512, seeds=10, n_alpha=3, sigma_J=1e-6,
                             device=device)
    t_simb = 1e4 * 512 / sb.meta["steps_per_s"]
    out.append(Measurement("online SGD K=M=40, L=N=512, 10 seeds batched, to alpha=1e4 (extrapolated)", t_simb, "s",
                           "one day", 86400.0, note=f"{sb.meta['steps_per_s']:.0f} batched steps/s on {device}"))
    exe = os.environ.get("NSL_NN2PP_ODE")
    if exe and os.path.exists(exe):
        out.append(_nn2pp(exe, 1e3 if quick else 1e4))
    return out


def _nn2pp(exe: str, steps: float) -> Measurement:
    """Our isotropic ODE against sgoldt/nn2pp's scmpp_ode.exe from the same initial overlaps."""
    from nsl.theory.spectra import Spectrum
    from nsl.theory.two_layer.ode import solve_ode
    from nsl.theory.two_layer.order_params import random_initial_conditions

    sp = Spectrum(np.array([1.0]), np.array([1000]))
    init = random_initial_conditions(sp, 2, 2, sigma_J=0.01, rng=np.random.default_rng(0))
    Q, R, T = init.covariances(sp.values)
    with tempfile.TemporaryDirectory() as d:
        pre = os.path.join(d, "init")
        for name, m in (("Q0", Q), ("R0", R), ("T0", T), ("A0", np.ones((2, 1))), ("v0", np.ones((2, 1)))):
            np.savetxt(f"{pre}_{name}.dat", m)
        t0 = time.perf_counter()
        p = subprocess.run([exe, "--g", "1", "-M", "2", "-K", "2", "--lr", "0.1", "--steps", f"{steps:g}", "--dt", "0.01",
                            "--prefix", pre], capture_output=True, text=True, cwd=d, check=True)
        t_nn = time.perf_counter() - t0
    data = np.array([[float(x) for x in ln.split(",")[:2]] for ln in p.stdout.splitlines()
                     if ln.strip() and not ln.startswith("#")])
    a, e = data[:, 0], data[:, 1]
    m = a > 0
    t_us, ours = timeit(lambda: solve_ode(init, sp, eta=0.1, alpha=a[m]), repeat=2)
    ref = solve_ode(init, sp, eta=0.1, alpha=a[m], rtol=1e-12, atol=1e-16)
    w = (a[m] >= 1) & (ref.eg > 1e-6)
    err_nn = float(np.max(np.abs(e[m][w] / ref.eg[w] - 1)))
    err_us = float(np.max(np.abs(ours.eg[w] / ref.eg[w] - 1)))
    return Measurement(f"isotropic ODE K=M=2, erf, eta=0.1, alpha<={steps:g} (L=1, BDF)", t_us, "s",
                       "sgoldt/nn2pp scmpp_ode.exe (C++, Euler dt=0.01), same initial overlaps", t_nn,
                       note=f"max rel. error vs rtol-1e-12 reference (eg > 1e-6): ours {err_us:.1e}, nn2pp {err_nn:.1e} "
                            "(nn2pp prints 6 digits)")
