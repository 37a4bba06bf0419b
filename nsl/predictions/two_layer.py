"""``nsl predict two-layer``: online SGD of a two-layer student-teacher network with a power-law spectrum.

:func:`predict_two_layer` is the library call (numbers in, a frozen :class:`TwoLayerPrediction` out);
the CLI prints it.  Worschech & Rosenow 2024 (arXiv 2410.09005) in nsl's conventions
(:mod:`nsl.theory.two_layer`): λ_l ∝ l^−(1+β), l = 1..L, multiplicity N/L, Tr Σ = N; outputs Σ g
(or Σ g/√K with ``prefactor='sqrt'``); time α = steps/N.

Every number carries its basis (:data:`nsl.predictions.result.BASES`):

- *derived*: closed forms and fixed points (the linear network's exponents β/(1+β) and β, its exact
  ε_g at the user's η through expm, the stability bound, the plateau as a fixed point of the ODE,
  the linearised escape rate);
- *measured on the ODE*: the erf specialised-phase exponent, fitted with a bootstrap interval on the
  ODE's curve (:func:`nsl.theory.two_layer.plateaus.specialised_phase_exponent`), and the escape time;
- *heuristic*: β/(1+β) for erf (each eigenspace relaxing at a rate ∝ ηλ_l, as in the linear net).

Validity: η at or above the linear network's stability bound is refused for the linear network
(the ODE diverges); for erf it is flagged (the linear bound is only a guide there) and the ODE is
not run.  A fixed point that is not a covariance is flagged and not printed as a plateau.  Sizes
are checked before anything large is built; the ODE runs in decades of α with progress on stderr
and stops at ``ode_time_limit`` seconds.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass, field
from collections.abc import Callable

import numpy as np

from nsl.predictions.result import Quantity, TextRows, plain
from nsl.registry import prediction

__all__ = ["TwoLayerPrediction", "predict_two_layer", "configure", "from_args", "ODE_MAX_VARIABLES",
           "LINEAR_EXACT_MAX_L", "MAX_L"]

#: the largest ODE state (L * (K(K+1)/2 + KM) variables) integrated here
ODE_MAX_VARIABLES = 20_000
#: the exact linear curve diagonalises an L x L matrix
LINEAR_EXACT_MAX_L = 4000
#: the largest number of distinct eigenvalues accepted at all
MAX_L = 10_000_000


@dataclass(frozen=True)
class TwoLayerPrediction(TextRows):
    """Settings, convention, labelled quantities (name -> :class:`Quantity`) and warnings.

    JSON (``to_dict()``): ``{"settings": {...}, "convention": str, "quantities": {name: {"value", "ci",
    "basis", "note"}}, "warnings": [...]}``; quantity names: ``stability_bound_eta_c``,
    ``exponent_alpha_linear``, ``exponent_trainable``, ``power_law_window``, ``eg_exact_at_alpha_1_over_eta``,
    ``asymptote_eta_to_0_at_alpha_1_over_eta``, ``exponent_alpha_specialised_ode``,
    ``exponent_alpha_specialised_heuristic``, ``plateau_height_teacher``, ``plateau_height_idealised``,
    ``escape_rate``, ``escape_time_ode`` (present when they apply), ``symbolic``.
    """

    settings: dict
    convention: str
    quantities: dict = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"settings": plain(self.settings), "convention": self.convention,
                "quantities": {k: q.to_dict() for k, q in self.quantities.items()}, "warnings": list(self.warnings)}

    def items(self):
        rows = [("convention", self.convention)]
        rows += [(k, q.text()) for k, q in self.quantities.items()]
        rows += [("warning", w) for w in self.warnings]
        return rows


def _check(beta, L, N, K, M, eta, sigma_J, activation, prefactor) -> int:
    if not (isinstance(beta, (int, float, np.floating, np.integer)) and math.isfinite(beta) and beta > 0):
        raise ValueError(f"beta must be > 0, got {beta!r}")
    if not isinstance(L, (int, np.integer)) or isinstance(L, bool) or not (1 <= L <= MAX_L):
        raise ValueError(f"L must be an integer in [1, {MAX_L}], got {L!r}")
    for nm, v in (("K", K), ("M", M)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or not (1 <= v <= 1000):
            raise ValueError(f"{nm} must be an integer in [1, 1000], got {v!r}")
    if not (isinstance(eta, (int, float, np.floating, np.integer)) and math.isfinite(eta) and eta > 0):
        raise ValueError(f"eta must be > 0, got {eta!r}")
    if not (math.isfinite(sigma_J) and sigma_J >= 0):
        raise ValueError(f"sigma_J must be >= 0, got {sigma_J!r}")
    if activation not in ("erf", "linear"):
        raise ValueError(f"activation must be 'erf' or 'linear', got {activation!r}")
    if prefactor not in ("none", "sqrt"):
        raise ValueError(f"prefactor must be 'none' or 'sqrt', got {prefactor!r}")
    N = L * math.ceil(1024 / L) if N is None else N
    if not isinstance(N, (int, np.integer)) or N < L or N % L or N > 10 * MAX_L:
        raise ValueError(f"N must be a positive multiple of L={L} (at most {10 * MAX_L}), got {N!r}")
    return int(N)


def _ode_chunked(init, sp, *, activation: str, eta: float, v: float, w: float, alpha_max: float, n_alpha: int,
                 time_limit: float, progress: Callable[[str], None] | None):
    """solve_ode in decades of α (continuing from the last state), reporting progress; stops at ``time_limit``."""
    from nsl.theory.two_layer.ode import log_alpha_grid, solve_ode
    from nsl.theory.two_layer.order_params import OrderParameters

    grid = log_alpha_grid(alpha_max, n_alpha)
    edges = 10.0 ** np.arange(np.floor(np.log10(grid[0])), np.ceil(np.log10(grid[-1])) + 1)
    t0 = time.perf_counter()
    state, a_prev = init, 0.0
    al, eg = [], []
    stopped = ""
    for lo, hi in zip(edges[:-1], edges[1:]):
        seg = grid[(grid > lo) & (grid <= hi)] if lo > edges[0] else grid[grid <= hi]
        if seg.size == 0:
            continue
        c = solve_ode(state, sp, activation=activation, eta=eta, alpha=seg - a_prev, v_student=v, v_teacher=w)
        al.append(seg)
        eg.append(np.asarray(c.eg))
        a_prev = float(seg[-1])
        el = time.perf_counter() - t0
        if progress is not None and el > 2.0:
            progress(f"two-layer ODE: alpha = {a_prev:.3g} of {grid[-1]:.3g} ({el:.0f} s)")
        if a_prev >= grid[-1]:
            break
        if el > time_limit:
            stopped = f"the ODE stopped at alpha = {a_prev:.3g} after {el:.0f} s (ode_time_limit = {time_limit:g} s)"
            break
        try:
            state = OrderParameters(c.q[-1], c.r[-1], init.t)
        except ValueError:
            stopped = f"the ODE state at alpha = {a_prev:.3g} lost positive definiteness to rounding; stopped there"
            break
    return np.concatenate(al), np.concatenate(eg), stopped


def predict_two_layer(beta: float, L: int, *, N: int | None = None, K: int = 2, M: int = 2, eta: float = 0.1,
                      activation: str = "erf", sigma_J: float = 0.01, prefactor: str = "none", ode: bool = True,
                      seed: int = 0, symbolic: bool = False, n_boot: int = 400, ode_time_limit: float = 60.0,
                      progress: Callable[[str], None] | None = None) -> TwoLayerPrediction:
    """Exponents, window, plateau and escape of online SGD in a two-layer network (module docstring).

    Parameters
    ----------
    beta : spectral exponent β > 0; L : distinct eigenvalues (1..1e7); N : input dimension (a multiple
        of L; default L·ceil(1024/L)); K, M : student and teacher units; eta : learning rate > 0.
    activation : 'erf' (g = erf(x/√2)) or 'linear'; sigma_J : initial student weight scale.
    prefactor : 'none' (outputs Σ g) or 'sqrt' (Σ g/√K).
    ode : run the ODE (erf, K = M >= 2) for the escape time and the specialised-phase exponent.
    seed : the sampled initialisation (teacher and student weights) the ODE and the plateau use.
    symbolic : add the sympy expressions of the linear-network laws.
    n_boot : bootstrap replicates of the ODE exponent fit; ode_time_limit : seconds before the ODE stops.
    progress : called with a line of text while the ODE runs (the CLI prints it to stderr).

    Returns
    -------
    TwoLayerPrediction

    References
    ----------
    Worschech & Rosenow 2024, arXiv 2410.09005, Secs. 2-4; Saad & Solla 1995, PRE 52, 4225 (plateau).

    Example
    -------
    >>> p = predict_two_layer(1.0, 8, K=1, M=1, activation="linear", eta=0.5)
    >>> p.quantities["exponent_alpha_linear"].value
    0.5
    """
    from nsl.theory.spectra import power_law_spectrum
    from nsl.theory.two_layer.linear import (expected_d0, linear_asymptote, linear_decay_exponent, linear_eg_exact,
                                             linear_window,
                                             symbolic_exponents)
    from nsl.theory.two_layer.ode import linear_stability_bound

    N = _check(beta, L, N, K, M, eta, sigma_J, activation, prefactor)
    if not (isinstance(n_boot, (int, np.integer)) and (n_boot == 0 or n_boot >= 20)):
        raise ValueError(f"n_boot must be 0 or an integer >= 20, got {n_boot!r}")
    if not (math.isfinite(ode_time_limit) and ode_time_limit > 0):
        raise ValueError(f"ode_time_limit must be > 0 seconds, got {ode_time_limit!r}")
    sp = power_law_spectrum(L, beta, N=N)
    v = 1.0 if prefactor == "none" else 1.0 / math.sqrt(K)
    w = 1.0 if prefactor == "none" else 1.0 / math.sqrt(M)
    V = K * v * v
    b = float(beta)
    warnings: list[str] = []
    Q: dict[str, Quantity] = {}
    eta_c = float(linear_stability_bound(sp, v_student=v, K=K))
    if activation == "linear" and eta >= eta_c:
        raise ValueError(f"eta must be below the linear network's stability bound eta_c = 2N/(V Tr Sigma) = "
                         f"{eta_c:.6g} (V = sum v_i^2 = {V:g}), got eta = {eta:g}: the ODE diverges there")
    above = eta >= eta_c
    if above:
        warnings.append(f"eta = {eta:g} is at or above the linear stability bound eta_c = {eta_c:.4g}; for erf that "
                        f"bound is a guide, not derived: the ODE is not run and the plateau is checked for validity")
    Q["stability_bound_eta_c"] = Quantity(eta_c, (eta_c, eta_c), "derived",
                                          "linear network: 2N/(V Tr Sigma), V = sum v_i^2")
    x_lin = linear_decay_exponent(b)
    Q["exponent_alpha_linear"] = Quantity(x_lin, (x_lin, x_lin), "derived",
                                          "linear net, eps_g ~ alpha^-beta/(1+beta) inside the window "
                                          "(gradient-flow continuum, Sec. 4)")
    Q["exponent_trainable"] = Quantity(b, (b, b), "derived",
                                       "linear net, eps_g(inf) ~ N_l^-beta training the top N_l directions (Sec. 4.3)")
    lo, hi = linear_window(sp, eta=eta, V=V)
    Q["power_law_window"] = Quantity([float(lo), float(hi)], None, "derived", "alpha in [1/(2 eta V lambda_1), "
                                     "1/(2 eta V lambda_L)]")
    if activation == "linear" and L > 1:
        a1 = np.array([1.0 / eta])
        Dbar = V * sigma_J ** 2 + M * w * w
        if L <= LINEAR_EXACT_MAX_L:
            d0 = expected_d0(sp, K=K, M=M, sigma_J=sigma_J, v_student=v, v_teacher=w)
            ex = float(linear_eg_exact(a1, d0, sp, eta=eta, V=V)[0])
            Q["eg_exact_at_alpha_1_over_eta"] = Quantity(ex, None, "derived",
                                                         f"exact linear ODE at eta = {eta:g} (expm), average init")
        else:
            warnings.append(f"L = {L} > {LINEAR_EXACT_MAX_L}: the exact linear eps_g (an L x L eigenproblem) is skipped")
        gf = float(linear_asymptote(a1, beta=b, L=L, N=N, eta=eta, V=V, Dbar=Dbar)[0])
        Q["asymptote_eta_to_0_at_alpha_1_over_eta"] = Quantity(
            gf, None, "derived", "continuum asymptote in the eta -> 0 (gradient-flow) limit, evaluated at alpha = 1/eta; "
            "the eta^2 SGD-noise term is left out")
    if activation == "erf":
        Q["exponent_alpha_specialised_heuristic"] = Quantity(
            x_lin, None, "heuristic", "each eigenspace relaxing at a rate ~ eta lambda_l, as for the linear net")
    if activation == "erf" and K == M and K >= 2:
        _erf_plateau(Q, warnings, sp, K, M, eta, v, w, V, b, sigma_J, prefactor, seed, ode and not above, n_boot,
                     ode_time_limit, progress, N)
    elif activation == "erf":
        warnings.append("the plateau quantities need K = M >= 2")
    if symbolic:
        Q["symbolic"] = Quantity({k: str(e) for k, e in symbolic_exponents().items()}, None, "derived",
                                 "linear-network laws (sympy)")
    settings = {"beta": b, "L": L, "N": N, "K": K, "M": M, "eta": float(eta), "activation": activation,
                "sigma_J": float(sigma_J), "prefactor": prefactor, "seed": seed}
    conv = (f"lambda_l ~ l^-(1+beta), l=1..{L}, multiplicity {N // L}, Tr Sigma = N = {N}; outputs "
            f"{'sum g' if prefactor == 'none' else 'sum g / sqrt(K)'}; alpha = steps/N")
    return TwoLayerPrediction(settings, conv, Q, tuple(warnings))


def _erf_plateau(Q, warnings, sp, K, M, eta, v, w, V, b, sigma_J, prefactor, seed, run_ode, n_boot, time_limit,
                 progress, N) -> None:
    from nsl.theory.two_layer.order_params import random_initial_conditions
    from nsl.theory.two_layer.plateaus import (ESCAPE_RATE_MAX_VARIABLES, TEACHER_FIXED_POINT_MAX_L,
                                               escape_rate, escape_time, specialised_phase_exponent,
                                               symmetric_fixed_point, teacher_fixed_point)

    L = sp.L
    fp = symmetric_fixed_point(K, eta, spectrum=sp, prefactor=prefactor)
    off = np.full((K, K), fp.q_off)
    np.fill_diagonal(off, fp.q_diag)
    cov = np.block([[off, np.full((K, K), fp.r)], [np.full((K, K), fp.r), fp.tau * np.eye(K)]])
    ideal_ok = fp.eg > 0 and np.linalg.eigvalsh(cov).min() > -1e-7 * max(1.0, float(np.abs(cov).max())) \
        and fp.q_diag >= fp.q_off - 1e-12
    if ideal_ok:
        Q["plateau_height_idealised"] = Quantity(fp.eg, None, "derived",
                                                 "symmetric fixed point, idealised teacher T = I, eta included")
    else:
        warnings.append(f"the symmetric fixed point at eta = {eta:g} is not a valid covariance (eps_g = {fp.eg:.4g}, "
                        f"Q_ii = {fp.q_diag:.4g}, Q_ik = {fp.q_off:.4g}, R = {fp.r:.4g}): no plateau at this eta")
    p_vars = K * (K + 1) // 2 + K * M
    n_ode = L * p_vars
    init = None
    if L <= TEACHER_FIXED_POINT_MAX_L or (run_ode and n_ode <= ODE_MAX_VARIABLES):
        init = random_initial_conditions(sp, K, M, sigma_J=sigma_J, rng=np.random.default_rng(seed))
    if init is not None and L <= TEACHER_FIXED_POINT_MAX_L:
        tf = teacher_fixed_point(sp, init.t, K, eta, v_student=v, v_teacher=w)
        if tf.valid:
            Q["plateau_height_teacher"] = Quantity(tf.eg, None, "derived",
                                                   f"fixed point of the ODE for the sampled teacher (seed {seed}, N = {N})")
        else:
            warnings.append(f"plateau for the sampled teacher not valid: {'; '.join(tf.problems)}")
    else:
        warnings.append(f"plateau for the sampled teacher skipped: L = {L} > {TEACHER_FIXED_POINT_MAX_L}")
    n_esc = n_ode + p_vars * (L > 1)
    if n_esc <= ESCAPE_RATE_MAX_VARIABLES and ideal_ok:
        try:
            mu = escape_rate(sp, K, eta, prefactor=prefactor)
            Q["escape_rate"] = Quantity(mu, None, "derived", f"largest eigenvalue of the ODE linearised at the "
                                        f"idealised plateau; time scale 1/mu = {1 / mu:.4g}" if mu > 0 else
                                        "largest eigenvalue of the linearised ODE (not positive: no escape)")
        except ValueError as exc:
            warnings.append(f"escape rate not computed: {exc}")
    elif ideal_ok:
        warnings.append(f"escape rate skipped: {n_esc} ODE variables > {ESCAPE_RATE_MAX_VARIABLES}")
    if not run_ode:
        return
    if n_ode > ODE_MAX_VARIABLES:
        warnings.append(f"ODE skipped: L(K(K+1)/2 + KM) = {n_ode} variables > {ODE_MAX_VARIABLES}; no escape time "
                        f"or measured specialised-phase exponent")
        return
    lam_L = float(sp.values[-1])
    end = 1.0 / (2 * eta * V * lam_L)
    alpha_max = float(min(max(0.2 * end, 3e3), 1e7))
    a, eg, stopped = _ode_chunked(init, sp, activation="erf", eta=eta, v=v, w=w, alpha_max=alpha_max,
                                  n_alpha=int(60 * np.log10(alpha_max / 0.01)), time_limit=time_limit,
                                  progress=progress)
    if stopped:
        warnings.append(stopped)
    height = Q.get("plateau_height_teacher", Q.get("plateau_height_idealised"))
    if height is None:
        return
    tau = escape_time(a, eg, float(height.value))
    Q["escape_time_ode"] = Quantity(tau, None, "measured on the ODE",
                                    f"first alpha with eps_g < plateau/2, one sampled init (seed {seed}, N = {N})")
    try:
        f = specialised_phase_exponent(a, eg, sp, eta=eta, plateau_height=float(height.value), V=V, n_boot=n_boot,
                                       rng=seed)
        Q["exponent_alpha_specialised_ode"] = Quantity(
            float(f.alpha), None if n_boot == 0 else tuple(f.alpha_ci), "measured on the ODE",
            f"fit of eps_g ~ alpha^-x on alpha in [{f.x_range[0]:.3g}, {f.x_range[1]:.3g}] (10x escape to "
            f"0.1/(2 eta V lambda_L))")
    except ValueError as exc:
        warnings.append(f"specialised-phase exponent not measured on the ODE: {exc}")


# ------------------------------------------------------------------------------ CLI
def configure(p: argparse.ArgumentParser) -> None:
    """Arguments of ``nsl predict two-layer``."""
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
    p.add_argument("--no-ode", action="store_true", help="skip the ODE run (escape time, measured exponent)")
    p.add_argument("--ode-time-limit", type=float, default=60.0, help="seconds before the ODE stops (default 60)")
    p.add_argument("--n-boot", type=int, default=400, help="bootstrap replicates of the ODE exponent fit")
    p.add_argument("--symbolic", action="store_true", help="also print the sympy expressions")
    p.add_argument("--seed", type=int, default=0, help="seed of the sampled initialisation (teacher and student)")


_configure = configure


def from_args(args: argparse.Namespace) -> TwoLayerPrediction:
    """Parsed CLI arguments -> :func:`predict_two_layer` (ODE progress on stderr unless --quiet)."""
    quiet = bool(getattr(args, "quiet", False))
    prog = None if quiet else (lambda s: print(s, file=sys.stderr, flush=True))
    flags = {"beta": "--beta", "L": "--L", "N": "--N", "K": "--K", "M": "--M", "eta": "--eta", "sigma_J": "--sigma-j"}
    try:
        return predict_two_layer(args.beta, args.L, N=args.N, K=args.K, M=args.M, eta=args.eta,
                                 activation=args.activation, sigma_J=args.sigma_j, prefactor=args.prefactor,
                                 ode=not args.no_ode, seed=args.seed, symbolic=args.symbolic, n_boot=args.n_boot,
                                 ode_time_limit=args.ode_time_limit, progress=prog)
    except ValueError as exc:  # name the CLI flag the user typed
        msg = str(exc)
        for k, f in flags.items():
            if msg.startswith(k + " "):
                msg = f + msg[len(k):]
                break
        raise ValueError(msg) from None


@prediction("two-layer", configure=_configure,
            description="two-layer online SGD with a power-law spectrum: exponents, window, plateau, escape")
def compute(args: argparse.Namespace) -> TwoLayerPrediction:
    """Predicted exponents, window, plateau height and escape time (Worschech & Rosenow 2024)."""
    return from_args(args)
