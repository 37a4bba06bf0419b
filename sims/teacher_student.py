"""Deep teacher–student regression (Bahri et al. 2024, App. A.5) and empirical network kernels.

Teacher: a random fully connected ReLU network (2 hidden layers, width ``teacher_width``, He-normal
weights, zero biases) on inputs uniform on the hypercube [−1, 1]^d, output rescaled to unit
variance.  Student: the same architecture at width ``width``, trained with Adam (peak learning
rate 3e−3, cosine decay, batch 64) on MSE, with early stopping on a fixed test set; nested
training sets (each seed draws max(D) points; size D uses the first D).  All (seed, D) students
are trained at once as one batch of independent networks (batched matmuls; Adam is elementwise,
so the students do not interact).  Prediction: L(D) ∝ D^−4/d (resolution-limited, §2.2).

``empirical_kernels``: the finite-width NNGP and NTK of one network in the NTK parameterisation
of :func:`nsl.theory.kernels.fc_kernels`, the NTK by autograd (Θ(x, x') = Σ_params ∂f(x)∂f(x')).
"""
from __future__ import annotations

import math

import numpy as np

from nsl.sims.checks import SEED_MAX, check_device
from nsl.theory.checks import check_int, check_real, check_real_array

__all__ = ["train_teacher_student", "empirical_kernels"]

MAX_FLOATS = 10**8
"""Default cap on the floats of the NTK's Jacobian (inputs × parameters) in :func:`empirical_kernels`: 800 MB."""


def _mlp_init(M: int, dims: list[int], gen, dtype, device):
    import torch

    Ws, bs = [], []
    for a, b in zip(dims[:-1], dims[1:]):
        Ws.append(torch.randn(M, a, b, generator=gen, dtype=dtype, device=device) * math.sqrt(2.0 / a))
        bs.append(torch.zeros(M, 1, b, dtype=dtype, device=device))
    return Ws, bs


def _mlp_apply(Ws, bs, x):
    import torch

    h = x
    for i, (W, b) in enumerate(zip(Ws, bs)):
        h = torch.baddbmm(b, h, W)
        if i < len(Ws) - 1:
            h = torch.relu(h)
    return h[..., 0]


def train_teacher_student(*, d: int, D_values, n_seeds: int, seed: int, width: int = 192, teacher_width: int = 96,
                          steps: int = 40000, batch: int = 64, lr: float = 3e-3, n_test: int = 4096,
                          eval_every: int = 200, device: str = "cpu", threads: int | None = None) -> dict:
    """Train students for every (seed, D) at once; return the early-stopped test MSE (n_seeds, nD).

    Parameters
    ----------
    d : input dimension, integer >= 1.
    D_values : training-set sizes (integers >= 1), nested within a seed.
    n_seeds, seed : number of seeds (teacher, data and student init each) and the master seed.
    width, teacher_width : hidden widths (>= 1); steps, batch, lr, n_test, eval_every : training settings.
    Returns dict(test_loss=(n_seeds, nD) best test MSE, final_loss=(n_seeds, nD), D, d, steps).
    """

    for nm, v in (("d", d), ("n_seeds", n_seeds), ("width", width), ("teacher_width", teacher_width),
                  ("steps", steps), ("batch", batch), ("n_test", n_test), ("eval_every", eval_every)):
        if not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{nm} must be an integer >= 1, got {v!r}")
    Ds = np.atleast_1d(np.asarray(D_values))
    if Ds.ndim != 1 or Ds.size == 0 or np.any(Ds != np.round(Ds)) or np.any(Ds < 1):
        raise ValueError(f"D_values must be integers >= 1, got {D_values!r}")
    Ds = Ds.astype(np.int64)
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be > 0, got {lr!r}")
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'cpu' or 'cuda', got {device!r}")
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 1):
        raise ValueError(f"threads must be an integer >= 1 or None, got {threads!r}")
    from nsl.sims.torch_state import torch_settings

    with torch_settings(threads=None if threads is None else int(threads)):
        return _train(d, Ds, n_seeds, seed, width, teacher_width, steps, batch, lr, n_test, eval_every, device)


def _train(d, Ds, n_seeds, seed, width, teacher_width, steps, batch, lr, n_test, eval_every, device) -> dict:
    import torch

    dt = torch.float32
    gen = torch.Generator(device=device)
    gen.manual_seed(int(seed))
    nD, Dm = Ds.size, int(Ds.max())
    # teachers and data, one per seed
    tW, tb = _mlp_init(n_seeds, [d, teacher_width, teacher_width, 1], gen, dt, device)
    Xtr = torch.rand(n_seeds, Dm, d, generator=gen, dtype=dt, device=device) * 2 - 1
    Xte = torch.rand(n_seeds, n_test, d, generator=gen, dtype=dt, device=device) * 2 - 1
    with torch.no_grad():
        ytr = _mlp_apply(tW, tb, Xtr)
        yte = _mlp_apply(tW, tb, Xte)
        sc = yte.std(1, keepdim=True)
        mu = yte.mean(1, keepdim=True)
        ytr, yte = (ytr - mu) / sc, (yte - mu) / sc
    M = n_seeds * nD
    s_of = torch.arange(n_seeds, device=device).repeat_interleave(nD)
    D_of = torch.as_tensor(np.tile(Ds, n_seeds), device=device)
    Ws, bs = _mlp_init(M, [d, width, width, 1], gen, dt, device)
    params = [p.requires_grad_() for p in Ws + bs]
    opt = torch.optim.Adam(params, lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: 0.5 * (1 + math.cos(math.pi * min(t, steps) / steps)))
    Xte_m, yte_m = Xte[s_of], yte[s_of]
    best = torch.full((M,), float("inf"), device=device)
    eff_batch = torch.minimum(D_of, torch.as_tensor(batch, device=device))

    def test_loss():
        with torch.no_grad():
            return ((_mlp_apply(Ws, bs, Xte_m) - yte_m) ** 2).mean(1)

    for t in range(steps):
        # each model draws its minibatch from its own first D_m points (with replacement)
        idx = (torch.rand(M, batch, generator=gen, device=device) * D_of[:, None]).long()
        xb = Xtr[s_of[:, None], idx]
        yb = ytr[s_of[:, None], idx]
        out = _mlp_apply(Ws, bs, xb)
        loss = ((out - yb) ** 2).mean(1).sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if (t + 1) % eval_every == 0 or t == steps - 1:
            best = torch.minimum(best, test_loss())
    final = test_loss()
    del eff_batch
    return {"test_loss": best.reshape(n_seeds, nD).cpu().numpy().astype(float),
            "final_loss": final.reshape(n_seeds, nD).cpu().numpy().astype(float),
            "D": Ds, "d": int(d), "steps": int(steps)}


def empirical_kernels(X, *, depth: int, width: int, activation: str = "relu", sigma_w2: float = 2.0,
                      sigma_b2: float = 0.0, seed: int = 0, device: str = "cpu",
                      max_floats: int = MAX_FLOATS) -> tuple[np.ndarray, np.ndarray]:
    """Finite-width (NNGP, NTK) of one random network in the NTK parameterisation (float64).

    NNGP: σ_w² φ(h^L)·φ(h^L)'/width + σ_b² from the last hidden layer of this network; NTK: the
    Gram matrix of per-input parameter gradients of the scalar output (one backward pass per input).
    Both converge to :func:`nsl.theory.kernels.fc_kernels` as width → ∞ (fluctuations O(width^−1/2)).

    Arguments are checked before any work, each by name (``TypeError`` for the wrong kind, ``ValueError``
    out of range): X a finite (n, d) array with n, d >= 1; depth in [1, 1000]; width >= 1; activation
    'relu' or 'erf'; σ_w², σ_b² finite and >= 0; seed in [0, 2**63 - 1]; device 'cpu' or 'cuda'.
    ``max_floats`` (default 10**8, 800 MB) caps the NTK Jacobian, n × (number of parameters) floats: a larger
    network or input set raises ``ValueError`` naming X, depth and width; raise it for bigger networks.
    Kernels that overflow (huge σ_w² or inputs) raise ``ValueError`` naming sigma_w2, sigma_b2 and X.
    """
    X = check_real_array(X, "X", ndim=2)
    if min(X.shape) < 1:
        raise ValueError(f"X must be an (n, d) array with n, d >= 1, got shape {X.shape}")
    depth = check_int(depth, "depth", lo=1, hi=1000)
    width = check_int(width, "width", lo=1)
    if not isinstance(activation, str):
        raise TypeError(f"activation must be 'relu' or 'erf', got {type(activation).__name__}")
    if activation not in ("relu", "erf"):
        raise ValueError(f"activation must be 'relu' or 'erf', got {activation!r}")
    sigma_w2 = check_real(sigma_w2, "sigma_w2", lo=0.0)
    sigma_b2 = check_real(sigma_b2, "sigma_b2", lo=0.0)
    seed = check_int(seed, "seed", lo=0, hi=SEED_MAX)
    device = check_device(device)
    cap = check_int(max_floats, "max_floats", lo=1, hi=2**62)
    n, d = X.shape
    n_params = d * width + (depth - 1) * width * width + width + depth * width + 1
    if n * n_params > cap:
        raise ValueError(f"X, depth, width: the NTK Jacobian would hold n * parameters = {n} * {n_params} = "
                         f"{n * n_params:.3g} floats, above max_floats={cap}; use fewer inputs, a smaller network "
                         f"or pass a larger max_floats")
    nngp, ntk = _empirical_kernels(X, depth, width, activation, sigma_w2, sigma_b2, seed, device)
    if not (np.all(np.isfinite(nngp)) and np.all(np.isfinite(ntk))):
        raise ValueError(f"the kernels overflow (not finite) for these values of sigma_w2, sigma_b2, X "
                         f"(sigma_w2={sigma_w2:g}, sigma_b2={sigma_b2:g}, max |X| = {np.abs(X).max():g}, depth={depth})")
    return nngp, ntk


def _empirical_kernels(X: np.ndarray, depth: int, width: int, activation: str, sigma_w2: float, sigma_b2: float,
                       seed: int, device: str) -> tuple[np.ndarray, np.ndarray]:
    """The body of :func:`empirical_kernels` on checked arguments."""
    import torch

    phi = torch.relu if activation == "relu" else torch.erf
    g = torch.Generator(device=device)
    g.manual_seed(int(seed))
    dt = torch.float64
    n, d = X.shape
    dims = [d] + [width] * depth + [1]
    Ws = [torch.randn(a, b, generator=g, dtype=dt, device=device).requires_grad_() for a, b in zip(dims[:-1], dims[1:])]
    bs = [torch.randn(b, generator=g, dtype=dt, device=device).requires_grad_() for b in dims[1:]]
    sw, sb = math.sqrt(sigma_w2), math.sqrt(sigma_b2)
    x = torch.as_tensor(X, dtype=dt, device=device)

    def forward(x):
        h = x
        last = None
        for i, (W, b) in enumerate(zip(Ws, bs)):
            h = sw * h @ W / math.sqrt(W.shape[0]) + sb * b
            if i < len(Ws) - 1:
                h = phi(h)
                last = h
        return h[..., 0], last

    out, last = forward(x)
    nngp = (sigma_w2 * last @ last.T / width + sigma_b2).detach().cpu().numpy()
    params = Ws + bs
    grads = []
    for i in range(n):
        gi = torch.autograd.grad(out[i], params, retain_graph=True)
        grads.append(torch.cat([q.reshape(-1) for q in gi]))
    J = torch.stack(grads)
    ntk = (J @ J.T).detach().cpu().numpy()
    return nngp, ntk
