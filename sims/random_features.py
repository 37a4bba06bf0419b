"""The linear teacher–student random-feature model of Bahri et al. (2024, §2.3, App. E), and
linear-kernel ridge regression with Gaussian features (the simulation behind the spectral
learning curve, Bordelon et al. 2020).

Conventions (Bahri et al. 2024, arXiv:2102.06701, §2.3 and App. E):

- teacher features x ∈ R^S, x ~ N(0, diag λ) (λ = ``eigenvalues``, i.e. the feature covariance 𝒞);
- teacher weights w ~ N(0, diag s²) with s = ``teacher_scale`` (default 1: the isotropic teacher,
  target power λ_i per mode);
- student features z = V x, V_{μM} ~ N(0, 1/S), μ = 1..P (random projections), P <= S;
- training: D samples, labels y = w·x (+ noise ε ~ N(0, σ²)); θ = min-norm least squares
  (ridge = 0) or ridge in the (Z Zᵀ + ridge I) convention (unnormalised Gram matrix);
- loss: ℒ = E_x[(θ·Vx − w·x)²] = (w − Vᵀθ)ᵀ diag(λ) (w − Vᵀθ), computed exactly (no test set);
  the paper's L is ℒ/(2S) when its teacher weights have variance 1/S.

Everything is batched over seeds (a leading seed axis; torch batched solves), and nested: each
seed draws one training set of size max(D) and one projection of size max(P); smaller cells use
the leading rows (nested training sets and nested feature sets, as in the paper's sweeps).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nsl.sims.checks import SEED_MAX, check_device
from nsl.theory.checks import check_int, check_int_array, check_real, check_real_array

__all__ = ["simulate_random_features", "simulate_krr", "seed_generators"]

MAX_SEEDS = 10**6
"""Most seeds one call draws (each seed is a full set of P × D solves; no study is near this)."""

MAX_FLOATS = 10**8
"""Default cap on the floats held at once (a chunk of seeds' features and Gram blocks, the results): 800 MB."""


def seed_generators(seed: int, n_seeds: int, device: str = "cpu"):
    """One torch Generator per seed, from numpy SeedSequence(seed).spawn (independent of chunking)."""
    import torch

    ss = np.random.SeedSequence(int(seed)).spawn(int(n_seeds))
    gens = []
    for s in ss:
        g = torch.Generator(device=device)
        g.manual_seed(int(s.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)))
        gens.append(g)
    return gens


def _check_sizes(name: str, vals, upper: int | None, upper_name: str) -> np.ndarray:
    a = check_int_array(vals, name, lo=1)
    if a.ndim > 1 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D list of integers >= 1, got shape {a.shape}")
    a = np.atleast_1d(a)
    if upper is not None and np.any(a > upper):
        raise ValueError(f"{name} must be <= {upper_name} = {upper}, got max {a.max()}")
    return a


def _check_common(eigenvalues, n_seeds, seed, ridge, noise, seed_chunk, device, max_floats):
    """The arguments both simulations share, checked by name; returns them converted."""
    lam = check_real_array(eigenvalues, "eigenvalues", lo=0.0, lo_open=True, min_size=1)
    if lam.ndim > 1:
        raise ValueError(f"eigenvalues must be a 1-D array, got shape {lam.shape}")
    lam = np.atleast_1d(lam)
    n_seeds = check_int(n_seeds, "n_seeds", lo=1, hi=MAX_SEEDS)
    seed = check_int(seed, "seed", lo=0, hi=SEED_MAX)
    ridge = check_real(ridge, "ridge", lo=0.0)
    noise = check_real(noise, "noise", lo=0.0)
    if seed_chunk is not None:
        seed_chunk = check_int(seed_chunk, "seed_chunk", lo=1)
    device = check_device(device)
    cap = check_int(max_floats, "max_floats", lo=1, hi=2**62)
    return lam, n_seeds, seed, ridge, noise, seed_chunk, device, cap


def _check_floats(cap: int, n_seeds: int, seed_chunk: int | None, per_seed: int, results: int, names: str) -> None:
    """Refuse a call that would hold more than ``cap`` floats: one seed's arrays (``per_seed``), a chunk of
    seeds at once, or the results; the message names the arguments that set the size."""
    for what, n_floats, who in (("one seed's features and Gram blocks", per_seed, names),
                                ("a chunk of seeds", per_seed * min(seed_chunk or 1, n_seeds), "seed_chunk"),
                                ("the results", results, "n_seeds, P_values, D_values")):
        if n_floats > cap:
            raise ValueError(f"{who}: {what} would hold {n_floats:.3g} floats, above max_floats={cap}; use smaller "
                             f"values or pass a larger max_floats")


def _finite(x: np.ndarray, names: str) -> np.ndarray:
    if not np.all(np.isfinite(x)):
        raise ValueError(f"the losses overflow (not finite) for these values of {names}; use smaller magnitudes")
    return x


def _spd_solve(A, B):
    """A⁻¹ B for batched symmetric positive-definite A (Gram and normal matrices, + ridge): Cholesky, with LU for
    a batch whose factorisation fails (a numerically singular A at the interpolation peak).

    Cholesky is the natural solver for these systems, and it also sidesteps a torch 2.x/MKL fault: after the intra-op
    thread count has been raised (torch.set_num_threads(1) then (2), as nsl.sims.torch_state restores it), batched LU
    (torch.linalg.solve / inv) fails with "Pivots given to lu_solve must all be >= 1" or returns garbage.
    """
    import torch

    L, info = torch.linalg.cholesky_ex(A)
    if int(info.max()) == 0:
        return torch.cholesky_solve(B, L)
    return torch.linalg.solve(A, B)


def _spd_inv(A):
    """A⁻¹ for batched symmetric positive-definite A (see :func:`_spd_solve`)."""
    import torch

    L, info = torch.linalg.cholesky_ex(A)
    if int(info.max()) == 0:
        return torch.cholesky_inverse(L)
    return torch.linalg.inv(A)


def _solve_min_norm(Z, y, ridge: float):
    """θ = argmin |θ| s.t. least squares (ridge = 0), or the ridge solution; batched (B, D, P)."""
    import torch

    B, D, P = Z.shape
    if P <= D:  # primal
        A = Z.transpose(1, 2) @ Z
        if ridge:
            A = A + ridge * torch.eye(P, dtype=Z.dtype, device=Z.device)
        return _spd_solve(A, (Z.transpose(1, 2) @ y[..., None]))[..., 0]
    G = Z @ Z.transpose(1, 2)
    if ridge:
        G = G + ridge * torch.eye(D, dtype=Z.dtype, device=Z.device)
    a = _spd_solve(G, y[..., None])
    return (Z.transpose(1, 2) @ a)[..., 0]


def _pinv_rows(Z, ridge: float):
    """Z⁺ (B, P, D): the min-norm least-squares (or ridge) solution map θ = Z⁺ y."""
    import torch

    B, D, P = Z.shape
    Zt = Z.transpose(1, 2)
    if P <= D:
        A = Zt @ Z
        if ridge:
            A = A + ridge * torch.eye(P, dtype=Z.dtype, device=Z.device)
        return _spd_solve(A, Zt)
    G = Z @ Zt
    if ridge:
        G = G + ridge * torch.eye(D, dtype=Z.dtype, device=Z.device)
    return Zt @ _spd_inv(G) if D <= 8 else _spd_solve(G, Z).transpose(1, 2)


def _tr(a, b):
    """Tr(a b) for batched matrices, without forming a b."""
    return (a * b.transpose(-1, -2)).sum((-1, -2))


def simulate_random_features(eigenvalues, P_values, D_values, *, n_seeds: int, seed: int, ridge: float = 0.0,
                             noise: float = 0.0, teacher_scale=None, limits: bool | Sequence[str] = True, teacher_average: bool = False,
                             seed_chunk: int | None = None, device: str = "cpu", max_floats: int = MAX_FLOATS) -> dict:
    """Population loss ℒ(P, D) of the random-feature model on a P × D grid, for ``n_seeds`` seeds.

    Parameters
    ----------
    eigenvalues : teacher feature covariance λ_i (> 0), length S.
    P_values : student feature counts, integers in [1, S].
    D_values : training-set sizes, integers >= 1.
    n_seeds, seed : number of independent (teacher, projection, data) draws and the master seed.
    ridge : >= 0, (Z Zᵀ + ridge I) convention; ridgeless cells with P = D are ill-posed (the
        double-descent peak) and come out large.
    noise : label-noise variance σ² >= 0 (ℒ stays the excess loss).
    teacher_scale : optional per-feature std of the teacher weights (default 1, isotropic).
    limits : True, False or a subset of ("proj", "ker"): also return ℒ_proj(P) = lim_{D→∞} (best P-feature predictor) and ℒ_ker(D) = lim_{P→∞}
        (min-norm regression on the teacher features), per seed, for the variance-limited fits.
    teacher_average : average every loss over the teacher weights analytically (E_w, exact:
        the learned map is linear in w, β = M w + Vᵀ Z⁺ ε, so E_w ℒ = Tr[(I − M) diag(s²) (I − M)ᵀ diag λ]
        + σ² Tr(Z⁺ᵀ V Σ Vᵀ Z⁺)); removes the teacher-draw noise that dominates small-n losses.
    seed_chunk : seeds drawn and solved at once (default: as many as keep the features under ~200 MB).
    device : 'cpu', 'cuda' or 'cuda:<index>'.
    max_floats : cap on the floats held at once (default 10**8, 800 MB): one seed's features and Gram blocks
        ((max D + max P)·S + max D·max P + min(max D, S)²), times ``seed_chunk``, and the results; a larger
        call raises ``ValueError`` naming the arguments that set the size; raise it for bigger sweeps.

    Every argument is checked before any work: ``TypeError`` for the wrong kind, ``ValueError`` for a value
    out of range (n_seeds in [1, 10**6], seed in [0, 2**63 - 1], ridge, noise >= 0), each naming the argument.

    Returns a dict of numpy arrays: ``loss`` (n_seeds, nP, nD), ``P``, ``D``, and with ``limits``
    ``loss_proj`` (n_seeds, nP), ``loss_ker`` (n_seeds, nD), ``teacher_norm`` (n_seeds,) = wᵀΣw.
    """
    import torch

    lam, n_seeds, seed, ridge, noise, seed_chunk, device, cap = _check_common(
        eigenvalues, n_seeds, seed, ridge, noise, seed_chunk, device, max_floats)
    S = lam.size
    Ps = _check_sizes("P_values", P_values, S, "S (the number of teacher features, len(eigenvalues))")
    Ds = _check_sizes("D_values", D_values, None, "")
    if not isinstance(teacher_average, (bool, np.bool_)):
        raise ValueError(f"teacher_average must be True or False, got {teacher_average!r}")
    if teacher_scale is None:
        ts = np.ones(S)
    else:
        ts = check_real_array(teacher_scale, "teacher_scale", lo=0.0).ravel()
        if ts.shape != (S,):
            raise ValueError(f"teacher_scale must hold one value per eigenvalue (len(eigenvalues) = {S}), "
                             f"got {ts.size}")
    Pm_, Dm_ = int(Ps.max()), int(Ds.max())
    if Dm_ * S > cap:
        raise ValueError(f"D_values: max(D_values) * len(eigenvalues) = {Dm_ * S:.3g} floats per seed, above "
                         f"max_floats={cap}; use smaller D_values or pass a larger max_floats")
    _check_floats(cap, n_seeds, seed_chunk, (Dm_ + Pm_) * S + Dm_ * Pm_ + min(Dm_, S) ** 2,
                  n_seeds * (Ps.size * Ds.size + Ps.size + Ds.size + 1), "eigenvalues, P_values, D_values")
    lim: tuple[str, ...]
    if limits is True:
        lim = ("proj", "ker")
    elif limits is False or limits is None:
        lim = ()
    else:
        if not isinstance(limits, (list, tuple, set, frozenset)) or not all(isinstance(x, str) for x in limits):
            raise TypeError(f"limits must be True, False or a subset of ('proj', 'ker'), got {limits!r}")
        lim = tuple(limits)
        if not set(lim) <= {"proj", "ker"}:
            raise ValueError(f"limits must be True, False or a subset of ('proj', 'ker'), got {limits!r}")
    Pm, Dm = int(Ps.max()), int(Ds.max())
    dt = torch.float64
    lam_t = torch.as_tensor(lam, dtype=dt, device=device)
    sq = lam_t.sqrt()
    ts_t = torch.as_tensor(ts, dtype=dt, device=device)
    if seed_chunk is None:  # keep X (chunk, Dmax, S) under ~200 MB
        seed_chunk = max(1, int(2.5e7 // max(1, Dm * S + Pm * S)))
    gens = seed_generators(seed, n_seeds, device)
    loss = np.empty((n_seeds, Ps.size, Ds.size))
    lproj = np.empty((n_seeds, Ps.size))
    lker = np.empty((n_seeds, Ds.size))
    tnorm = np.empty(n_seeds)
    for c0 in range(0, n_seeds, seed_chunk):
        gs = gens[c0:c0 + seed_chunk]
        B = len(gs)
        X = torch.stack([torch.randn(Dm, S, generator=g, dtype=dt, device=device) for g in gs]) * sq
        V = torch.stack([torch.randn(Pm, S, generator=g, dtype=dt, device=device) for g in gs]) / np.sqrt(S)
        w = torch.stack([torch.randn(S, generator=g, dtype=dt, device=device) for g in gs]) * ts_t
        eps = torch.stack([torch.randn(Dm, generator=g, dtype=dt, device=device) for g in gs])
        y = (X @ w[..., None])[..., 0] + (np.sqrt(noise) * eps if noise else 0.0)
        Z = X @ V.transpose(1, 2)  # (B, Dm, Pm)
        tn = (lam_t * w * w).sum(-1)
        tnorm[c0:c0 + B] = tn.cpu().numpy()
        if teacher_average:
            _teacher_averaged(lam_t, ts_t ** 2, X, V, Z, Ps, Ds, ridge, noise, lim, S,
                              loss[c0:c0 + B], lproj[c0:c0 + B], lker[c0:c0 + B])
            tnorm[c0:c0 + B] = float((lam_t * ts_t ** 2).sum())
            continue
        for i, P in enumerate(Ps):
            VP = V[:, :P]
            for j, D in enumerate(Ds):
                theta = _solve_min_norm(Z[:, :D, :P], y[:, :D], ridge)
                r = w - (VP.transpose(1, 2) @ theta[..., None])[..., 0]
                loss[c0:c0 + B, i, j] = (lam_t * r * r).sum(-1).cpu().numpy()
            if "proj" in lim:
                A = (VP * lam_t) @ VP.transpose(1, 2)
                bvec = ((VP * lam_t) @ w[..., None])[..., 0]
                lproj[c0:c0 + B, i] = (tn - (bvec * _spd_solve(A, bvec[..., None])[..., 0]).sum(-1)).cpu().numpy()
        if "ker" in lim:
            yc = (X @ w[..., None])[..., 0]  # noiseless labels for the kernel limit (ridgeless, D <= S)
            for j, D in enumerate(Ds):
                if D >= S:
                    lker[c0:c0 + B, j] = 0.0
                    continue
                XD = X[:, :D]
                a = _spd_solve(XD @ XD.transpose(1, 2), yc[:, :D, None])
                r = w - (XD.transpose(1, 2) @ a)[..., 0]
                lker[c0:c0 + B, j] = (lam_t * r * r).sum(-1).cpu().numpy()
    names = "eigenvalues, teacher_scale, noise, ridge"
    out = {"loss": _finite(loss, names), "P": Ps, "D": Ds, "teacher_norm": _finite(tnorm, names)}
    if "proj" in lim:
        out["loss_proj"] = _finite(lproj, names)
    if "ker" in lim:
        out["loss_ker"] = _finite(lker, names)
    return out


_FORCE_PATH = None  # tests: "pre" or "cell" forces one evaluation order of the teacher average


def _teacher_averaged(lam, s2, X, V, Z, Ps, Ds, ridge, noise, limits, S, loss, lproj, lker):
    """Fill loss / lproj / lker (numpy views) with E_w of the population loss (see simulate_random_features).

    β = Qᵀ Z⁺ (X w + ε) with Q = V_P, so with W² = diag(s²), Σ = diag(λ):
    E_w ℒ = Tr(ΣW²) − 2 Tr(M W² Σ) + Tr(M W² Mᵀ Σ) + σ² Tr(Z⁺ᵀ Q Σ Qᵀ Z⁺),  M = Qᵀ Z⁺ X.
    Evaluated as S·P·D-sized products per cell (never an S × S matrix).
    """

    trSW = (lam * s2).sum()
    ls2 = lam * s2
    Pm, Dm = int(Ps.max()), int(Ds.max())
    cost_pre = (Pm * Pm + Dm * Pm + Dm * Dm) * S
    cost_cell = sum(S * (int(P) * int(D) + min(int(P), int(D)) ** 2) for P in Ps for D in Ds)
    if _FORCE_PATH == "pre" or (_FORCE_PATH is None and cost_pre < cost_cell):  # nested Gram blocks once per seed, then P- and D-sized products per cell
        A = (V * lam) @ V.transpose(1, 2)               # V Σ Vᵀ
        Bm = (X * ls2) @ V.transpose(1, 2)              # X W²Σ Vᵀ
        Gw = (X * s2) @ X.transpose(1, 2)               # X W² Xᵀ
        for i, P in enumerate(Ps):
            AP = A[:, :P, :P]
            for j, D in enumerate(Ds):
                Zp = _pinv_rows(Z[:, :D, :P], ridge)
                ZA = Zp.transpose(1, 2) @ AP            # (B, D, P)
                val = trSW - 2 * _tr(Zp, Bm[:, :D, :P]) + _tr(ZA @ Zp, Gw[:, :D, :D])
                if noise:
                    val = val + noise * _tr(ZA, Zp)
                loss[:, i, j] = val.cpu().numpy()
    for i, P in enumerate(Ps if not (_FORCE_PATH == "pre" or (_FORCE_PATH is None and cost_pre < cost_cell)) else []):
        Q = V[:, :P]                                    # (B, P, S)
        for j, D in enumerate(Ds):
            XD = X[:, :D]
            Zp = _pinv_rows(Z[:, :D, :P], ridge)        # (B, P, D)
            if P <= D:
                Y = Zp @ XD                             # (B, P, S): M = Qᵀ Y
                t1 = ((Q * Y) * ls2).sum((-1, -2))
                t2 = _tr((Y * s2) @ Y.transpose(1, 2), (Q * lam) @ Q.transpose(1, 2))
            else:
                U = Q.transpose(1, 2) @ Zp              # (B, S, D): M = U X_D
                t1 = ((U.transpose(1, 2) * XD) * ls2).sum((-1, -2))
                t2 = _tr((U.transpose(1, 2) * lam) @ U, (XD * s2) @ XD.transpose(1, 2))
            val = trSW - 2 * t1 + t2
            if noise:
                QZ = Q.transpose(1, 2) @ Zp             # (B, S, D)
                val = val + noise * ((QZ * QZ) * lam[:, None]).sum((-1, -2))
            loss[:, i, j] = val.cpu().numpy()
    if "proj" in limits:
        for i, P in enumerate(Ps):
            Q = V[:, :P]
            A = (Q * lam) @ Q.transpose(1, 2)
            Cm = (Q * (lam * ls2)) @ Q.transpose(1, 2)   # V Σ W² Σ Vᵀ
            lproj[:, i] = (trSW - _spd_solve(A, Cm).diagonal(dim1=-2, dim2=-1).sum(-1)).cpu().numpy()
    if "ker" in limits:
        for j, D in enumerate(Ds):
            if D >= S:
                lker[:, j] = 0.0
                continue
            XD = X[:, :D]
            Gi = _spd_inv(XD @ XD.transpose(1, 2))
            t1 = _tr(Gi, (XD * ls2) @ XD.transpose(1, 2))
            t2 = _tr(Gi @ ((XD * s2) @ XD.transpose(1, 2)) @ Gi, (XD * lam) @ XD.transpose(1, 2))
            lker[:, j] = (trSW - 2 * t1 + t2).cpu().numpy()


def simulate_krr(eigenvalues, target_power, D_values, *, n_seeds: int, seed: int, ridge: float = 0.0,
                 noise: float = 0.0, teacher_average: bool = False, seed_chunk: int | None = None,
                 device: str = "cpu", max_floats: int = MAX_FLOATS) -> np.ndarray:
    """Excess test error of kernel ridge regression with a linear kernel on Gaussian features.

    x ~ N(0, diag η) in R^K (η = ``eigenvalues``), teacher f*(x) = w·x with w_k ~ N(0, v_k/η_k)
    (so the expected target power of mode k is v_k), labels y = f*(x) + N(0, σ²); the predictor
    solves (X Xᵀ + ridge I) a = y (unnormalised Gram matrix, the convention of
    :func:`nsl.theory.learning_curves.learning_curve`), β = Xᵀa; E_g = (w − β)ᵀ diag(η) (w − β)
    exactly.  Nested D within each seed.  Returns (n_seeds, nD).
    ``teacher_average=True`` averages E_g over the teacher weights (and the label noise) exactly:
    with M = Xᵀ(XXᵀ + ridge I)⁻¹X, E_w E_g = Tr[(I − M) diag(v/η) (I − M)ᵀ diag η] + σ² Tr(Gᵢ X diag η Xᵀ Gᵢ).
    ``max_floats`` (default 10**8, 800 MB) caps the floats held at once (max D·(K + max D) per seed, times
    ``seed_chunk``, and the results): a larger call raises ``ValueError`` naming the arguments that set the
    size.  Every argument is checked before any work (``TypeError``/``ValueError`` naming it; n_seeds in
    [1, 10**6], seed in [0, 2**63 - 1], ridge, noise >= 0).
    """
    import torch

    eta, n_seeds, seed, ridge, noise, seed_chunk, device, cap = _check_common(
        eigenvalues, n_seeds, seed, ridge, noise, seed_chunk, device, max_floats)
    K = eta.size
    v = check_real_array(target_power, "target_power", lo=0.0).ravel()
    if v.shape != (K,):
        raise ValueError(f"target_power must hold one value per eigenvalue (len(eigenvalues) = {K}), got {v.size}")
    Ds = _check_sizes("D_values", D_values, None, "")
    if not isinstance(teacher_average, (bool, np.bool_)):
        raise ValueError(f"teacher_average must be True or False, got {teacher_average!r}")
    if ridge == 0 and Ds.max() >= K:
        raise ValueError(f"D_values must be < the number of modes (len(eigenvalues) = {K}) for ridgeless regression "
                         f"(ridge=0), got {Ds.max()}")
    Dm = int(Ds.max())
    if Dm * K > cap:
        raise ValueError(f"D_values: max(D_values) * len(eigenvalues) = {Dm * K:.3g} floats per seed, above "
                         f"max_floats={cap}; use smaller D_values or pass a larger max_floats")
    _check_floats(cap, n_seeds, seed_chunk, Dm * (K + Dm), n_seeds * Ds.size, "eigenvalues, D_values")
    dt = torch.float64
    eta_t = torch.as_tensor(eta, dtype=dt, device=device)
    wstd = torch.as_tensor(np.sqrt(v / eta), dtype=dt, device=device)
    if seed_chunk is None:
        seed_chunk = max(1, int(2.5e7 // (Dm * K)))
    gens = seed_generators(seed, n_seeds, device)
    out = np.empty((n_seeds, Ds.size))
    for c0 in range(0, n_seeds, seed_chunk):
        gs = gens[c0:c0 + seed_chunk]
        X = torch.stack([torch.randn(Dm, K, generator=g, dtype=dt, device=device) for g in gs]) * eta_t.sqrt()
        w = torch.stack([torch.randn(K, generator=g, dtype=dt, device=device) for g in gs]) * wstd
        eps = torch.stack([torch.randn(Dm, generator=g, dtype=dt, device=device) for g in gs])
        y = (X @ w[..., None])[..., 0] + (np.sqrt(noise) * eps if noise else 0.0)
        if teacher_average:
            w2 = wstd ** 2
            for j, D in enumerate(Ds):
                XD = X[:, :D]
                G = XD @ XD.transpose(1, 2)
                if ridge:
                    G = G + ridge * torch.eye(int(D), dtype=dt, device=device)
                Gi = _spd_inv(G)
                XSX = (XD * eta_t) @ XD.transpose(1, 2)
                XWX = (XD * w2) @ XD.transpose(1, 2)
                XWSX = (XD * (w2 * eta_t)) @ XD.transpose(1, 2)
                val = (w2 * eta_t).sum() - 2 * _tr(Gi, XWSX) + _tr(Gi @ XWX @ Gi, XSX)
                if noise:
                    val = val + noise * _tr(Gi @ Gi, XSX)
                out[c0:c0 + len(gs), j] = val.cpu().numpy()
            continue
        for j, D in enumerate(Ds):
            XD = X[:, :D]
            G = XD @ XD.transpose(1, 2)
            if ridge:
                G = G + ridge * torch.eye(int(D), dtype=dt, device=device)
            a = _spd_solve(G, y[:, :D, None])
            r = w - (XD.transpose(1, 2) @ a)[..., 0]
            out[c0:c0 + len(gs), j] = (eta_t * r * r).sum(-1).cpu().numpy()
    return _finite(out, "eigenvalues, target_power, noise, ridge")
