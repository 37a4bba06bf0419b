"""``nsl predict two-layer``: online SGD of a two-layer student–teacher network with a power-law spectrum.

Worschech & Rosenow 2024 (arXiv:2410.09005) in nsl's conventions (:mod:`nsl.theory.two_layer`):
λ_l ∝ l^−(1+β), l = 1..L, multiplicity N/L, Tr Σ = N; outputs Σ g (or Σ g/√K with
``--prefactor sqrt``); time α = steps/N.

Output: the exponents of ε_g in α (β/(1+β)) and in the number of trained components N_l (β),
the power law's window [1/(2ηVλ_1), 1/(2ηVλ_L)], its prefactor and the linear stability bound;
for erf with K = M >= 2 also the symmetric plateau height (fixed point at this η), the
linearised escape rate μ, and the escape time of the ODE from one sampled initialisation;
``--symbolic`` adds the sympy expressions.
"""
from __future__ import annotations

import argparse
import math

from nsl.registry import prediction


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--beta", type=float, required=True, help="spectral exponent beta > 0 (lambda_l ~ l^-(1+beta))")
    p.add_argument("--L", type=int, required=True, help="number of distinct eigenvalues L >= 1")
    p.add_argument("--N", type=int, default=None, help="input dimension (a multiple of L; default: L*ceil(1024/L))")
    p.add_argument("--K", type=int, default=2, help="student hidden units K >= 1")
    p.add_argument("--M", type=int, default=2, help="teacher hidden units M >= 1")
    p.add_argument("--eta", type=float, default=0.1, help="learning rate eta > 0")
    p.add_argument("--activation", default="erf", choices=["erf", "linear"], help="g(x) = erf(x/sqrt2) or x")
    p.add_argument("--sigma-j", type=float, default=0.01, help="initial student weight scale sigma_J")
    p.add_argument("--prefactor", default="none", choices=["none", "sqrt"],
                   help="outputs sum g (none, Saad-Solla) or sum g / sqrt(K) (sqrt)")
    p.add_argument("--no-ode", action="store_true", help="skip the ODE run for the escape time")
    p.add_argument("--symbolic", action="store_true", help="also print the sympy expressions")
    p.add_argument("--seed", type=int, default=0, help="seed of the sampled initialisation for the ODE")


def _check(args: argparse.Namespace) -> int:
    if not (math.isfinite(args.beta) and args.beta > 0):
        raise ValueError(f"--beta must be > 0, got {args.beta}")
    if args.L < 1:
        raise ValueError(f"--L must be an integer >= 1, got {args.L}")
    if args.K < 1 or args.M < 1:
        raise ValueError(f"--K and --M must be integers >= 1, got K={args.K}, M={args.M}")
    if not (math.isfinite(args.eta) and args.eta > 0):
        raise ValueError(f"--eta must be > 0, got {args.eta}")
    if not (math.isfinite(args.sigma_j) and args.sigma_j >= 0):
        raise ValueError(f"--sigma-j must be >= 0, got {args.sigma_j}")
    N = args.N if args.N is not None else args.L * math.ceil(1024 / args.L)
    if N < args.L or N % args.L:
        raise ValueError(f"--N must be a positive multiple of L={args.L}, got {N}")
    return N


@prediction("two-layer", configure=_configure,
            description="two-layer online SGD with a power-law spectrum: exponents, window, plateau, escape")
def compute(args: argparse.Namespace) -> dict:
    """Predicted exponents, window, plateau height and escape time (Worschech & Rosenow 2024)."""
    import numpy as np

    from nsl.theory.spectra import power_law_spectrum
    from nsl.theory.two_layer.linear import linear_asymptote, linear_window, symbolic_exponents
    from nsl.theory.two_layer.ode import linear_stability_bound

    N = _check(args)
    sp = power_law_spectrum(args.L, args.beta, N=N)
    v = 1.0 if args.prefactor == "none" else 1.0 / math.sqrt(args.K)
    w = 1.0 if args.prefactor == "none" else 1.0 / math.sqrt(args.M)
    V = args.K * v * v
    b = args.beta
    lo, hi = linear_window(sp, eta=args.eta, V=V)
    out: dict = {
        "convention": f"lambda_l ~ l^-(1+beta), l=1..{args.L}, multiplicity {N // args.L}, Tr Sigma = N = {N}; "
                      f"outputs {'sum g' if args.prefactor == 'none' else 'sum g / sqrt(K)'}; alpha = steps/N",
        "exponent in alpha (eps_g ~ alpha^-x, linear; erf specialised phase)": round(b / (1 + b), 6),
        "exponent in N_l (eps_g(inf) ~ N_l^-x, linear, top N_l directions trained)": round(b, 6),
        "power-law window in alpha [1/(2 eta V lambda_1), 1/(2 eta V lambda_L)]": [float(lo), float(hi)],
        "linear stability bound eta_c = 2N/(V Tr Sigma)": float(linear_stability_bound(sp, v_student=v, K=args.K)),
    }
    if args.activation == "linear" and args.L > 1:
        Dbar = V * args.sigma_j ** 2 + args.M * w * w
        out["linear asymptote eps_g(alpha=1/eta) (continuum, average init)"] = float(
            linear_asymptote(np.array([1.0 / args.eta]), beta=b, L=args.L, N=N, eta=args.eta, V=V, Dbar=Dbar)[0])
    if args.activation == "erf" and args.K == args.M and args.K >= 2:
        from nsl.theory.two_layer.plateaus import escape_rate, escape_time, symmetric_fixed_point

        fp = symmetric_fixed_point(args.K, args.eta, spectrum=sp, prefactor=args.prefactor)
        out["plateau height (symmetric fixed point, eta included)"] = fp.eg
        out["plateau overlaps Q_ii, Q_ik, R_in"] = [fp.q_diag, fp.q_off, fp.r]
        try:
            mu = escape_rate(sp, args.K, args.eta, prefactor=args.prefactor)
            out["escape rate mu (linearised at the plateau); time scale 1/mu"] = [mu, 1.0 / mu]
        except ValueError as exc:
            out["escape rate mu"] = f"not computed: {exc}"
        if not args.no_ode:
            from nsl.theory.two_layer.ode import solve_ode
            from nsl.theory.two_layer.order_params import random_initial_conditions

            init = random_initial_conditions(sp, args.K, args.M, sigma_J=args.sigma_j,
                                             rng=np.random.default_rng(args.seed))
            c = solve_ode(init, sp, eta=args.eta, alpha_max=1e6, n_alpha=400, v_student=v, v_teacher=w)
            tau = escape_time(c.alpha, c.eg, fp.eg)
            out[f"escape time (ODE, eps_g < eps*/2, one sampled init at N={N}, seed {args.seed})"] = tau
    elif args.activation == "erf":
        out["plateau"] = "the symmetric plateau formulas need K = M >= 2"
    if args.symbolic:
        out["symbolic"] = {k: str(e) for k, e in symbolic_exponents().items()}
    return out
