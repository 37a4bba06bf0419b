"""Online (one-pass) SGD of a two-layer student learning a two-layer teacher, in torch.

The same model and conventions as :mod:`nsl.theory.two_layer.ode` (Worschech & Rosenow 2024,
arXiv:2410.09005; Saad & Solla 1995): inputs x ~ N(0, Σ) drawn in Σ's eigenbasis
(x = √λ ⊙ z), pre-activations J·x/√N, outputs Σ v_i g(λ_i) and Σ w_n g(ν_n), one fresh sample
per step, J_i ← J_i + (η/√N) v_i g'(λ_i)(ζ − σ) x, time α = steps/N.

Runs are batched in one tensor: every seed (its own teacher and student, sampled with numpy
exactly as :func:`nsl.theory.two_layer.order_params.random_initial_conditions` samples them,
so the ODE can start from the same overlaps) times every learning rate.  ε_g is computed
exactly (no test set) from the weights' order parameters at log-spaced α, and the result is
the ODE's :class:`~nsl.theory.two_layer.ode.TwoLayerCurve` with a leading run axis.
"""
from __future__ import annotations

import math
import time
from typing import Any
from collections.abc import Sequence

import numpy as np
import torch

from nsl.sims.checks import check_device, check_float_dtype
from nsl.theory.spectra import Spectrum
from nsl.theory.two_layer.checks import (check_choice, check_int, check_int_array, check_real, check_real_array,
                                          check_scale, check_second_layer, check_spectrum, check_trainable,
                                          check_units)
from nsl.theory.two_layer.integrals import Activation, get_activation
from nsl.theory.two_layer.ode import (TwoLayerCurve, check_eta, eg_from_covariances, linear_stability_bound,
                                      log_alpha_grid)
from nsl.theory.two_layer.order_params import sample_weights

__all__ = ["DivergenceError", "simulate_online_sgd", "order_parameters_torch"]


MAX_STEPS = 10**9
"""Default cap on the SGD steps of one call (α_max·N): about 3 hours at 1e5 steps/s."""

MAX_FLOATS = 10**8
"""Default cap on the floats one call holds (weights, a chunk of inputs, recorded overlaps): 800 MB in float64."""


class DivergenceError(FloatingPointError, ValueError):
    """An SGD run blew up (non-finite or exploding weights); the message names η and the stability bound.

    Also a ``ValueError``: the cure is another value of an argument (a smaller ``eta``), as the house
    rule for bad input asks (issue 14).
    """


def order_parameters_torch(J: torch.Tensor, B: torch.Tensor, block: torch.Tensor, L: int, N: int):
    """q (S, L, K, K), r (S, L, K, M), t (S, L, M, M) from weights (S, K, N), (S, M, N).

    ``block`` (N,) long holds each coordinate's eigenspace index; segment sums by ``index_add_``
    keep the memory at S·K·(K+M)·N.
    """
    def seg(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        prod = a.unsqueeze(2) * b.unsqueeze(1)  # (S, A, B, N)
        out = torch.zeros((*prod.shape[:-1], L), dtype=prod.dtype, device=prod.device)
        out.index_add_(-1, block, prod)
        return out.permute(0, 3, 1, 2) / N

    return seg(J, J), seg(J, B), seg(B, B)


def _torch_g(name: str):
    if name == "erf":
        c = 1.0 / math.sqrt(2.0)
        k = math.sqrt(2.0 / math.pi)
        return (lambda x: torch.erf(x * c)), (lambda x: k * torch.exp(-0.5 * x * x))
    return (lambda x: x), (lambda x: torch.ones_like(x))


def simulate_online_sgd(spectrum: Spectrum, *, K: int, M: int, eta: float | Sequence[float], alpha_max: float,
                        seeds: int | Sequence[int] = 1, activation: str = "erf", n_alpha: int = 100,
                        alpha_min: float | None = None, sigma_J: float = 0.01, sigma_B: float = 1.0,
                        v_student: Any = 1.0, v_teacher: Any = 1.0, trainable: Any = None, device: str = "cpu",
                        dtype: torch.dtype = torch.float64, chunk: int = 256, allow_unstable: bool = False,
                        blowup: float = 1e6, threads: int | None = 1, teacher: str = "gaussian",
                        max_steps: int = MAX_STEPS, max_floats: int = MAX_FLOATS) -> TwoLayerCurve:
    """Train the student by online SGD for every (seed, η) pair at once and record ε_g(α).

    Parameters
    ----------
    spectrum : input covariance (``power_law_spectrum``), N = spectrum.N.
    K, M : student and teacher hidden units (>= 1).
    eta : one learning rate or a sequence (batched).
    alpha_max, n_alpha, alpha_min : the log-spaced recording grid (α = steps/N, rounded to steps).
    seeds : an int n (seeds 0..n-1) or explicit seeds; seed s samples the weights with
        ``np.random.default_rng(s)`` as the ODE's ``random_initial_conditions`` does.
    trainable : None, an int (top eigenspaces trained) or a boolean mask over the L eigenspaces.
    teacher : 'gaussian' or 'rademacher' teacher entries (see ``sample_weights``).
    device : 'cpu' or 'cuda'.
    allow_unstable : a linear run with η above the stability bound is refused unless True.
    threads : torch intra-op threads on CPU during the run (restored afterwards); the per-step
        tensors are small, so 1 thread is fastest unless R·N is large; None leaves torch's setting.
    blowup : a run whose ε_g exceeds ``blowup`` × its initial ε_g (or turns non-finite) raises
        :class:`DivergenceError` (a ``ValueError``) naming η and the linear stability bound; > 1, inf allowed.
    max_steps : cap on the SGD steps, round(α_max·N) (default 10**9): a longer run raises ``ValueError``
        naming alpha_max before any work; raise it for longer runs.
    max_floats : cap on the floats held at once (default 10**8, 800 MB in float64): the weights
        R·(K+M)·N, a chunk of inputs chunk·R·N and the recorded overlaps R·n_alpha·L·K·(K+M); a larger
        call raises ``ValueError`` naming the arguments that set the size; raise it for bigger runs.

    Every argument is checked before any work: ``TypeError`` for the wrong kind, ``ValueError`` for a
    value out of range (K, M in [1, 10**6], η > 0, α_max > 0, n_alpha in [2, 10**6], seeds >= 0,
    0 <= σ_J <= 1e100, 0 < σ_B <= 1e100, chunk >= 1, threads in [1, 1024]), each naming the argument.

    Returns a :class:`TwoLayerCurve` with eg (R, A), q (R, A, L, K, K), r (R, A, L, K, M),
    t (R, L, M, M), R = len(seeds)·len(eta) runs (seed-major); ``meta['run_seed']`` and
    ``meta['run_eta']`` name each run.
    """
    spectrum = check_spectrum(spectrum)
    if not isinstance(activation, (str, Activation)):
        raise TypeError(f"activation must be 'erf' or 'linear', got {type(activation).__name__}")
    act = get_activation(activation)
    K, M = check_units(K, "K"), check_units(M, "M")
    if isinstance(eta, (list, tuple, np.ndarray)):
        etas = check_real_array(eta, "eta", ndim=1, lo=0.0, lo_open=True, min_size=1)
    else:
        etas = np.array([check_real(eta, "eta", lo=0.0, lo_open=True)])
    for e in etas:
        check_eta(e)
    cap = check_int(max_floats, "max_floats", lo=1, hi=2**62)
    seed_list: Sequence[int]
    if isinstance(seeds, (list, tuple, np.ndarray)):
        seed_arr = check_int_array(seeds, "seeds", ndim=1, lo=0)
        if seed_arr.size == 0:
            raise ValueError("seeds must be an int >= 1 or a non-empty sequence of seeds >= 0, got an empty sequence")
        seed_list = [int(x) for x in seed_arr]
    else:
        # a number of seeds (at most max_floats: each holds (K+M)·N floats); a list once the size caps have passed
        seed_list = range(check_int(seeds, "seeds", lo=1, hi=cap))
    device = check_device(device)
    dtype = check_float_dtype(dtype)
    chunk = check_int(chunk, "chunk", lo=1)
    blowup = check_real(blowup, "blowup", lo=1.0, lo_open=True, allow_inf=True)
    teacher = check_choice(teacher, "teacher", ("gaussian", "rademacher"))
    sigma_J = check_scale(sigma_J, "sigma_J", positive=False)
    sigma_B = check_scale(sigma_B, "sigma_B", positive=True)
    v = check_second_layer(v_student, K, "v_student")
    w = check_second_layer(v_teacher, M, "v_teacher")
    mask_l = check_trainable(trainable, spectrum.L)
    alpha_max = check_real(alpha_max, "alpha_max", lo=0.0, lo_open=True)
    n_alpha = check_int(n_alpha, "n_alpha", lo=2, hi=10**6)
    if alpha_min is not None:
        alpha_min = check_real(alpha_min, "alpha_min", lo=0.0, lo_open=True)
    N, L = spectrum.N, spectrum.L
    cap_steps = check_int(max_steps, "max_steps", lo=1, hi=2**62)
    if alpha_max * N > cap_steps:
        raise ValueError(f"alpha_max={alpha_max:g} means alpha_max*N = {alpha_max * N:.3g} SGD steps (N={N}), above "
                         f"max_steps={cap_steps}; pass a larger max_steps to run that long")
    R_ = len(seed_list) * etas.size
    sizes = (("seeds, eta, K, M", R_ * (K + M) * N), ("chunk, seeds, eta", min(chunk, int(alpha_max * N) + 1) * R_ * N),
             ("n_alpha, seeds, eta, K, M", R_ * n_alpha * L * K * (K + M) + R_ * L * M * M))
    for names, n_floats in sizes:
        if n_floats > cap:
            raise ValueError(f"{names}: the run would hold {n_floats:.3g} floats (N={N}, L={L}, {R_} runs), above "
                             f"max_floats={cap}; use smaller values or pass a larger max_floats")
    if threads is not None:
        threads = check_int(threads, "threads", lo=1, hi=1024)
    bound = linear_stability_bound(spectrum, v_student=v, K=K, trainable=mask_l)
    if act.name == "linear" and np.any(etas >= bound) and not allow_unstable:
        raise ValueError(f"eta={etas.max():g} is at or above the linear stability bound eta_c={bound:.6g}; "
                         f"pass allow_unstable=True to train anyway")
    grid = log_alpha_grid(alpha_max, n_alpha, alpha_min)
    steps_rec = np.unique(np.maximum(np.round(grid * N).astype(np.int64), 0))

    dev = torch.device(device)
    args = (spectrum, K, M, act, etas, list(seed_list), steps_rec, sigma_J, sigma_B, v, w, mask_l, dev, dtype, chunk,
            blowup, bound, teacher)
    if threads is not None and dev.type == "cpu":
        from nsl.sims.torch_state import torch_settings

        with torch_settings(threads=threads):
            return _run(*args)
    return _run(*args)


def _run(spectrum: Spectrum, K: int, M: int, act: Activation, etas: np.ndarray, seed_list: list[int],
         steps_rec: np.ndarray, sigma_J: float, sigma_B: float, v: np.ndarray, w: np.ndarray, mask_l: np.ndarray,
         dev: torch.device, dtype: torch.dtype, chunk: int, blowup: float, bound: float, teacher: str) -> TwoLayerCurve:
    """The simulation on checked arguments (see :func:`simulate_online_sgd`)."""
    N, L = spectrum.N, spectrum.L
    n_steps = int(steps_rec[-1])
    # weights: per seed, numpy-sampled (same stream as random_initial_conditions)
    Js, Bs = [], []
    for s in seed_list:
        J0, B0 = sample_weights(spectrum, K, M, sigma_J=sigma_J, sigma_B=sigma_B, rng=np.random.default_rng(s),
                                teacher=teacher)
        Js.append(J0)
        Bs.append(B0)
    nE = etas.size
    J = torch.tensor(np.repeat(np.stack(Js), nE, axis=0), dtype=dtype, device=dev)  # (R, K, N) seed-major
    B = torch.tensor(np.repeat(np.stack(Bs), nE, axis=0), dtype=dtype, device=dev)
    R_ = J.shape[0]
    run_eta = np.tile(etas, len(seed_list))
    run_seed = np.repeat(seed_list, nE)
    sqrtN = math.sqrt(N)
    eta_t = torch.tensor(run_eta / sqrtN, dtype=dtype, device=dev)[:, None] * torch.tensor(v, dtype=dtype, device=dev)
    v_t = torch.tensor(v, dtype=dtype, device=dev)
    w_t = torch.tensor(w, dtype=dtype, device=dev)
    sqrt_lam = torch.tensor(np.sqrt(spectrum.full()), dtype=dtype, device=dev)
    coord_mask = torch.tensor(np.repeat(mask_l, spectrum.multiplicities), dtype=dtype, device=dev)
    block = torch.tensor(np.repeat(np.arange(L), spectrum.multiplicities), dtype=torch.long, device=dev)
    g, gp = _torch_g(act.name)
    # the input stream, seeded from the run's seeds alone: on CPU float32 normals from torch's generator
    # (about 3x cheaper per sample than float64 ones; the rounding of x to float32 is far below the
    # O(1/sqrt N) finite-N effects), cast to ``dtype``; on the GPU normals in ``dtype`` directly
    stream_seed = int(np.random.SeedSequence([*seed_list, nE, N]).generate_state(1)[0])
    gen = torch.Generator(device=dev)
    gen.manual_seed(stream_seed)
    draw_dtype = torch.float32 if dev.type == "cpu" else dtype

    def draw(c: int) -> torch.Tensor:
        return torch.randn((c, R_, N), generator=gen, dtype=draw_dtype, device=dev).to(dtype)

    q_rec = np.zeros((R_, steps_rec.size, L, K, K))
    r_rec = np.zeros((R_, steps_rec.size, L, K, M))
    eg_rec = np.zeros((R_, steps_rec.size))
    _, _, t_np = (a.cpu().numpy() for a in order_parameters_torch(J, B, block, L, N))

    def record(idx: int, step: int) -> None:
        q, r, _ = order_parameters_torch(J, B, block, L, N)
        q, r = q.cpu().numpy(), r.cpu().numpy()
        q_rec[:, idx], r_rec[:, idx] = q, r
        Q = np.einsum("l,slik->sik", spectrum.values, q)
        Rm = np.einsum("l,slin->sin", spectrum.values, r)
        T = np.einsum("l,slnm->snm", spectrum.values, t_np)
        eg = eg_from_covariances(Q, Rm, T, activation=act, v_student=v, v_teacher=w)
        eg_rec[:, idx] = eg
        bad = ~np.isfinite(eg) | (eg > blowup * np.maximum(eg_ref, 1e-300))
        if np.any(bad):
            e_bad = np.unique(run_eta[bad])
            raise DivergenceError(f"online SGD diverged at alpha={step / N:g} for eta={', '.join(f'{e:g}' for e in e_bad)} "
                                  f"(linear-network stability bound eta_c={bound:.6g} = 2N/(sum v_i^2 Tr Sigma); "
                                  f"{act.name} networks diverge near it as well)")

    q0, r0, _ = order_parameters_torch(J, B, block, L, N)
    Q0 = np.einsum("l,slik->sik", spectrum.values, q0.cpu().numpy())
    R0 = np.einsum("l,slin->sin", spectrum.values, r0.cpu().numpy())
    T0 = np.einsum("l,slnm->snm", spectrum.values, t_np)
    eg_ref = eg_from_covariances(Q0, R0, T0, activation=act, v_student=v, v_teacher=w)
    t0 = time.perf_counter()
    ri = 0
    if steps_rec[0] == 0:
        record(0, 0)
        ri = 1
    step = 0
    while step < n_steps:
        c = min(chunk, n_steps - step)
        X = draw(c) * sqrt_lam
        NU = torch.einsum("crn,rmn->crm", X, B) / sqrtN  # teacher fields of the whole chunk
        ZETA = (g(NU) * w_t).sum(-1)  # (c, R)
        Xu = X * coord_mask if not bool(mask_l.all()) else X
        for j in range(c):
            x = X[j]
            lk = (J * x.unsqueeze(1)).sum(-1) / sqrtN  # (R, K); faster than bmm for matrix-vector
            delta = ZETA[j] - (g(lk) * v_t).sum(-1)
            coef = eta_t * gp(lk) * delta.unsqueeze(-1)  # (R, K)
            J.baddbmm_(coef.unsqueeze(-1), Xu[j].unsqueeze(1))
            step += 1
            while ri < steps_rec.size and steps_rec[ri] == step:
                record(ri, step)
                ri += 1
        if not bool(torch.isfinite(J).all()):
            bad = ~torch.isfinite(J).reshape(R_, -1).all(-1).cpu().numpy()
            raise DivergenceError(f"online SGD diverged (non-finite weights) by alpha={step / N:g} for "
                                  f"eta={', '.join(f'{e:g}' for e in np.unique(run_eta[bad]))} (linear-network "
                                  f"stability bound eta_c={bound:.6g})")
    wall = time.perf_counter() - t0
    meta = {"source": "sgd", "activation": act.name, "K": int(K), "M": int(M), "L": int(L), "N": int(N),
            "run_eta": run_eta.tolist(), "run_seed": [int(s) for s in run_seed], "sigma_J": float(sigma_J),
            "sigma_B": float(sigma_B), "device": str(dev), "wall_s": wall, "steps": n_steps,
            "steps_per_s": n_steps / wall if wall > 0 else float("nan"), "sample_steps_per_s": n_steps * R_ / wall if wall > 0 else float("nan")}
    return TwoLayerCurve(steps_rec / N, eg_rec, q_rec, r_rec, t_np, meta)
