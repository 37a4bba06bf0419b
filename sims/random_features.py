"""The linear teacher–student random-feature model of Bahri et al. (2024, §2.3, App. E), and
linear-kernel ridge regression with Gaussian features (the simulation behind the spectral
learning curve, Bordelon et al. 2020).

Conventions (reference note four_regimes.md §2.1):

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

import numpy as np

__all__ = ["simulate_random_features", "simulate_krr", "seed_generators"]


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
    try:
        a = np.atleast_1d(np.asarray(vals))
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be integers") from None
    if a.ndim != 1 or a.size == 0 or not np.issubdtype(a.dtype, np.number) or np.any(a != np.round(a)) or np.any(a < 1):
        raise ValueError(f"{name} must be a non-empty 1-D list of integers >= 1, got {vals!r}")
    a = a.astype(np.int64)
    if upper is not None and np.any(a > upper):
        raise ValueError(f"{name} must be <= {upper_name} = {upper}, got max {a.max()}")
    return a


def _check_common(eigenvalues, n_seeds, ridge, noise, device):
    from nsl.theory.spectra import check_eigenvalues

    lam = np.asarray(eigenvalues, dtype=float).ravel()
    check_eigenvalues(lam)
    if not isinstance(n_seeds, (int, np.integer)) or n_seeds < 1:
        raise ValueError(f"n_seeds must be an integer >= 1, got {n_seeds!r}")
    if not (np.isfinite(ridge) and ridge >= 0):
        raise ValueError(f"ridge must be finite and >= 0, got {ridge!r}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be finite and >= 0, got {noise!r}")
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'cpu' or 'cuda', got {device!r}")
    return lam


def _solve_min_norm(Z, y, ridge: float):
    """θ = argmin |θ| s.t. least squares (ridge = 0), or the ridge solution; batched (B, D, P)."""
    import torch

    B, D, P = Z.shape
    if P <= D:  # primal
        A = Z.transpose(1, 2) @ Z
        if ridge:
            A = A + ridge * torch.eye(P, dtype=Z.dtype, device=Z.device)
        return torch.linalg.solve(A, (Z.transpose(1, 2) @ y[..., None]))[..., 0]
    G = Z @ Z.transpose(1, 2)
    if ridge:
        G = G + ridge * torch.eye(D, dtype=Z.dtype, device=Z.device)
    a = torch.linalg.solve(G, y[..., None])
    return (Z.transpose(1, 2) @ a)[..., 0]


def simulate_random_features(eigenvalues, P_values, D_values, *, n_seeds: int, seed: int, ridge: float = 0.0,
                             noise: float = 0.0, teacher_scale=None, limits: bool = True,
                             seed_chunk: int | None = None, device: str = "cpu") -> dict:
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
    limits : also return ℒ_proj(P) = lim_{D→∞} (best P-feature predictor) and ℒ_ker(D) = lim_{P→∞}
        (min-norm regression on the teacher features), per seed, for the variance-limited fits.

    Returns a dict of numpy arrays: ``loss`` (n_seeds, nP, nD), ``P``, ``D``, and with ``limits``
    ``loss_proj`` (n_seeds, nP), ``loss_ker`` (n_seeds, nD), ``teacher_norm`` (n_seeds,) = wᵀΣw.
    """
    import torch

    lam = _check_common(eigenvalues, n_seeds, ridge, noise, device)
    S = lam.size
    Ps = _check_sizes("P_values", P_values, S, "S (number of teacher features)")
    Ds = _check_sizes("D_values", D_values, None, "")
    if teacher_scale is None:
        ts = np.ones(S)
    else:
        ts = np.asarray(teacher_scale, dtype=float).ravel()
        if ts.shape != (S,) or not np.all(np.isfinite(ts)) or np.any(ts < 0):
            raise ValueError(f"teacher_scale must be {S} finite values >= 0")
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
        for i, P in enumerate(Ps):
            VP = V[:, :P]
            for j, D in enumerate(Ds):
                theta = _solve_min_norm(Z[:, :D, :P], y[:, :D], ridge)
                r = w - (VP.transpose(1, 2) @ theta[..., None])[..., 0]
                loss[c0:c0 + B, i, j] = (lam_t * r * r).sum(-1).cpu().numpy()
            if limits:
                A = (VP * lam_t) @ VP.transpose(1, 2)
                bvec = ((VP * lam_t) @ w[..., None])[..., 0]
                lproj[c0:c0 + B, i] = (tn - (bvec * torch.linalg.solve(A, bvec[..., None])[..., 0]).sum(-1)).cpu().numpy()
        if limits:
            yc = (X @ w[..., None])[..., 0]  # noiseless labels for the kernel limit (ridgeless, D <= S)
            for j, D in enumerate(Ds):
                if D >= S:
                    lker[c0:c0 + B, j] = 0.0
                    continue
                XD = X[:, :D]
                a = torch.linalg.solve(XD @ XD.transpose(1, 2), yc[:, :D, None])
                r = w - (XD.transpose(1, 2) @ a)[..., 0]
                lker[c0:c0 + B, j] = (lam_t * r * r).sum(-1).cpu().numpy()
    out = {"loss": loss, "P": Ps, "D": Ds, "teacher_norm": tnorm}
    if limits:
        out.update(loss_proj=lproj, loss_ker=lker)
    return out


def simulate_krr(eigenvalues, target_power, D_values, *, n_seeds: int, seed: int, ridge: float = 0.0,
                 noise: float = 0.0, seed_chunk: int | None = None, device: str = "cpu") -> np.ndarray:
    """Excess test error of kernel ridge regression with a linear kernel on Gaussian features.

    x ~ N(0, diag η) in R^K (η = ``eigenvalues``), teacher f*(x) = w·x with w_k ~ N(0, v_k/η_k)
    (so the expected target power of mode k is v_k), labels y = f*(x) + N(0, σ²); the predictor
    solves (X Xᵀ + ridge I) a = y (unnormalised Gram matrix, the convention of
    :func:`nsl.theory.learning_curves.learning_curve`), β = Xᵀa; E_g = (w − β)ᵀ diag(η) (w − β)
    exactly.  Nested D within each seed.  Returns (n_seeds, nD).
    """
    import torch

    eta = _check_common(eigenvalues, n_seeds, ridge, noise, device)
    K = eta.size
    v = np.asarray(target_power, dtype=float).ravel()
    if v.shape != (K,) or not np.all(np.isfinite(v)) or np.any(v < 0):
        raise ValueError(f"target_power must be {K} finite values >= 0 (one per eigenvalue)")
    Ds = _check_sizes("D_values", D_values, None, "")
    if ridge == 0 and Ds.max() >= K:
        raise ValueError(f"D_values must be < the number of modes ({K}) for ridgeless regression, got {Ds.max()}")
    Dm = int(Ds.max())
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
        for j, D in enumerate(Ds):
            XD = X[:, :D]
            G = XD @ XD.transpose(1, 2)
            if ridge:
                G = G + ridge * torch.eye(int(D), dtype=dt, device=device)
            a = torch.linalg.solve(G, y[:, :D, None])
            r = w - (XD.transpose(1, 2) @ a)[..., 0]
            out[c0:c0 + len(gs), j] = (eta_t * r * r).sum(-1).cpu().numpy()
    return out
