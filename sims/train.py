"""Regression training for the spin-texture benchmark: standardised MSE, AdamW, warm-up + cosine, early stopping.

Protocol (Čadež & Kim, arXiv 2509.10000, train a parameter-estimation network per training-set
size N_D and model size N_M; their optimiser details are not public, so this is ours):

* targets are standardised with the prior's mean and standard deviation
  (:meth:`nsl.sims.spin_textures.TextureSpec.target_moments`), so the reported test MSE per
  parameter is in units of the prior variance (a constant predictor scores 1) and does not
  depend on N_D;
* inputs are standardised with the training split's statistics (``input_norm``, see
  :func:`input_scaler`: the mean image is subtracted and each channel scaled to unit RMS; a
  constant input, such as the uniform bottom layer of the ``mz`` images, maps to 0).  Without
  it the FCN on raw ``mz`` images is optimisation-limited: its validation loss still falls after thousands of steps and the
  test loss at a fixed step budget barely depends on N_D, which turns a data-scaling sweep into a
  compute sweep;
* AdamW (Loshchilov & Hutter 2019) with global gradient-norm clipping, linear warm-up over ``warmup_frac`` of the steps then
  cosine decay to zero ("adjustable learning-rate schedule": the number of steps grows with
  N_D as ``epochs · N_D / batch_size`` clipped to [min_steps, max_steps]);
* a small learning-rate search (:func:`lr_search`) per (architecture, size) on the validation
  split; early stopping on the validation MSE (evaluated every ``eval_every`` steps, patience in
  evaluations, allowed only after ``stop_after_frac`` of the schedule: with a cosine schedule the
  validation loss often plateaus at high learning rate and falls late), restoring the best weights;
* everything is seeded: ``torch.manual_seed(seed)`` before the weights are built and a seeded
  ``torch.Generator`` for the mini-batch order, so a run is deterministic given its seed on CPU
  (on CUDA up to the non-determinism of cuDNN kernels, which is switched off where possible).
"""
from __future__ import annotations

import copy
import math
import time
from dataclasses import asdict, dataclass, field
from collections.abc import Sequence

import numpy as np
import torch

from nsl.sims.networks import build_model, check_arch, count_parameters
from nsl.theory.checks import check_int, check_real, check_real_array

__all__ = ["TrainConfig", "TrainResult", "train_regressor", "lr_search", "lr_at", "standardise", "input_scaler",
           "DEVICES", "INPUT_NORMS"]

DEVICES = ("cpu", "cuda")
INPUT_NORMS = ("pixel", "channel", "none")


@dataclass(frozen=True)
class TrainConfig:
    """Optimiser and schedule settings of one training run (see module docstring)."""

    lr: float = 1e-3
    weight_decay: float = 1e-4
    batch_size: int = 128
    epochs: float = 200.0
    min_steps: int = 200
    max_steps: int = 4000
    warmup_frac: float = 0.05
    schedule: str = "cosine"
    eval_every: int = 50
    patience: int = 8
    stop_after_frac: float = 0.75
    grad_clip: float = 1.0
    input_norm: str = "pixel"
    seed: int = 0
    device: str = "cpu"

    def __post_init__(self) -> None:
        if not (self.lr > 0):
            raise ValueError(f"lr must be > 0, got {self.lr!r}")
        if not (self.weight_decay >= 0):
            raise ValueError(f"weight_decay must be >= 0, got {self.weight_decay!r}")
        for name in ("batch_size", "min_steps", "max_steps", "eval_every", "patience"):
            v = getattr(self, name)
            if not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {v!r}")
        if self.min_steps > self.max_steps:
            raise ValueError(f"min_steps must be <= max_steps ({self.max_steps}), got {self.min_steps}")
        if not (self.epochs > 0):
            raise ValueError(f"epochs must be > 0, got {self.epochs!r}")
        if not (0 <= self.warmup_frac < 1):
            raise ValueError(f"warmup_frac must lie in [0, 1), got {self.warmup_frac!r}")
        if not (self.grad_clip > 0):
            raise ValueError(f"grad_clip must be > 0 (global gradient-norm bound), got {self.grad_clip!r}")
        if not (0 <= self.stop_after_frac <= 1):
            raise ValueError(f"stop_after_frac must lie in [0, 1], got {self.stop_after_frac!r}")
        if self.schedule not in ("cosine", "constant"):
            raise ValueError(f"schedule must be 'cosine' or 'constant', got {self.schedule!r}")
        if self.input_norm not in INPUT_NORMS:
            raise ValueError(f"input_norm must be one of {', '.join(INPUT_NORMS)}, got {self.input_norm!r}")
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}, got {self.device!r}")
        if self.device == "cuda" and not torch.cuda.is_available():
            raise ValueError("device 'cuda' requested but torch.cuda.is_available() is False; use device='cpu'")

    def steps_for(self, n_train: int) -> int:
        return int(min(self.max_steps, max(self.min_steps, math.ceil(self.epochs * n_train / self.batch_size))))

    def to_dict(self) -> dict:
        return asdict(self)


def lr_at(step: int, total: int, lr: float, warmup_frac: float, schedule: str = "cosine") -> float:
    """Learning rate at ``step`` of ``total``: linear warm-up, then cosine to 0 (or constant).

    ``step`` >= 0 (past ``total`` the cosine stays at 0), ``total`` >= 1, ``lr`` >= 0 finite,
    ``warmup_frac`` in [0, 1), ``schedule`` 'cosine' or 'constant'; else ``ValueError``/``TypeError``
    naming the argument.
    """
    step = check_int(step, "step", lo=0)
    total = check_int(total, "total", lo=1)
    lr = check_real(lr, "lr", lo=0.0)
    warmup_frac = check_real(warmup_frac, "warmup_frac", lo=0.0, hi=1.0, hi_open=True)
    if not isinstance(schedule, str) or schedule not in ("cosine", "constant"):
        raise ValueError(f"schedule must be 'cosine' or 'constant', got {schedule!r}")
    warm = max(1, int(round(warmup_frac * total)))
    if step < warm:
        return lr * (step + 1) / warm
    if schedule == "constant":
        return lr
    frac = (step - warm) / max(1, total - warm)
    return lr * 0.5 * (1 + math.cos(math.pi * min(1.0, frac)))


def input_scaler(x_train: np.ndarray, how: str = "pixel") -> tuple[np.ndarray, np.ndarray]:
    """Shift and scale of (n, C, N, N) training images: ``(x − shift) / scale`` is the network input.

    ``"pixel"``: the per-pixel mean image is subtracted and each channel is divided by the RMS of
    its centred values (a per-pixel scale, the ``StandardScaler`` convention, divides by standard
    deviations estimated from a handful of samples at small N_D and blows test inputs up where a
    pixel happened to be nearly constant in the training split); ``"channel"``: mean and standard
    deviation per channel; ``"none"``: identity.  A constant channel maps to 0.
    """
    if not isinstance(how, str) or how not in INPUT_NORMS:
        raise ValueError(f"how must be one of {', '.join(INPUT_NORMS)}, got {how!r}")
    x = check_real_array(x_train, "x_train")
    if x.ndim != 4 or x.shape[0] < 1:
        raise ValueError(f"x_train must have shape (n >= 1, C, N, N), got {x.shape}")
    if how == "none":
        return np.zeros((1,) + x.shape[1:]), np.ones((1,) + x.shape[1:])
    mu = x.mean(0, keepdims=True) if how == "pixel" else x.mean((0, 2, 3), keepdims=True)
    sd = np.sqrt(((x - mu) ** 2).mean((0, 2, 3), keepdims=True))
    return mu, np.where(sd > 1e-6, sd, 1.0)


def standardise(y: np.ndarray, mean: Sequence[float], std: Sequence[float]) -> np.ndarray:
    """(y − mean)/std column-wise: ``y`` finite (n, k) or (k,), ``mean`` finite and ``std`` finite > 0,
    each a scalar or k values; else ``ValueError``/``TypeError`` naming the argument."""
    ya = check_real_array(y, "y")
    mu = check_real_array(mean, "mean")
    sd = check_real_array(std, "std", lo=0.0, lo_open=True)
    for name, a in (("mean", mu), ("std", sd)):
        if a.ndim > 1 or (a.size not in (1, ya.shape[-1] if ya.ndim else 1)):
            raise ValueError(f"{name} must be a scalar or hold one value per column of y "
                             f"({ya.shape[-1] if ya.ndim else 1}), got shape {a.shape}")
    return (ya.astype(np.float64, copy=False) - mu) / sd


@dataclass
class TrainResult:
    """Outcome of :func:`train_regressor` (MSE in standardised units, per regressed target)."""

    test_mse: list
    val_mse: list
    best_step: int
    steps: int
    n_params: int
    wall_s: float
    samples_per_s: float
    history_step: list = field(default_factory=list)
    history_val: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _as_tensor(a, device):
    return torch.as_tensor(np.ascontiguousarray(a), dtype=torch.float32, device=device)


@torch.no_grad()
def _predict(model, x, bs: int = 2048):
    model.eval()
    out = [model(x[i:i + bs]) for i in range(0, len(x), bs)]
    model.train()
    return torch.cat(out)


def train_regressor(arch: str, model_kw: dict, data: dict, cfg: TrainConfig) -> TrainResult:
    """Train ``arch`` (width/depth in ``model_kw``) on standardised targets; early-stop on validation.

    ``data`` holds numpy arrays ``x_train, y_train, x_val, y_val, x_test, y_test`` (images (n, C, N, N),
    targets already standardised (n, k)).  Returns the per-target test MSE of the best-validation
    weights.  Deterministic given ``cfg.seed`` on CPU.
    """
    check_arch(arch)
    for k in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test"):
        if k not in data:
            raise ValueError(f"data must contain {k!r}")
    n, C, N, N2 = data["x_train"].shape
    if N != N2 or N < 8:
        raise ValueError(f"images must be square with side >= 8, got {data['x_train'].shape[1:]}")
    k_out = data["y_train"].shape[1]
    if cfg.device != "cuda":
        return _train(arch, model_kw, data, cfg, n, C, N, k_out)
    flags = (torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark,
             torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
    try:  # scoped: the caller's cuDNN/TF32 settings come back afterwards
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
        torch.backends.cuda.matmul.allow_tf32 = True  # deterministic, ~10-bit mantissa matmuls (fine for MSE ~1e-3)
        torch.backends.cudnn.allow_tf32 = True
        return _train(arch, model_kw, data, cfg, n, C, N, k_out)
    finally:
        (torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark,
         torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32) = flags


def _train(arch: str, model_kw: dict, data: dict, cfg: TrainConfig, n: int, C: int, N: int, k_out: int) -> TrainResult:
    """The training loop of :func:`train_regressor` (arguments already checked)."""
    dev = torch.device(cfg.device)
    torch.manual_seed(cfg.seed)
    model = build_model(arch, in_channels=C, image_size=N, n_out=k_out, **model_kw).to(dev)
    mu, sd = input_scaler(data["x_train"], cfg.input_norm)

    def xs(name):
        return _as_tensor((data[name] - mu) / sd, dev)

    xtr, ytr = xs("x_train"), _as_tensor(data["y_train"], dev)
    xva, yva = xs("x_val"), _as_tensor(data["y_val"], dev)
    steps = cfg.steps_for(n)
    bs = min(cfg.batch_size, n)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    gen = torch.Generator().manual_seed(cfg.seed + 1)
    perm, pos = torch.randperm(n, generator=gen), 0
    best, best_state, best_step, bad = math.inf, None, 0, 0
    hs, hv = [], []
    t0 = time.perf_counter()
    done = 0
    for step in range(steps):
        if pos + bs > n:
            perm, pos = torch.randperm(n, generator=gen), 0
        idx = perm[pos:pos + bs].to(dev)
        pos += bs
        for g in opt.param_groups:
            g["lr"] = lr_at(step, steps, cfg.lr, cfg.warmup_frac, cfg.schedule)
        loss = torch.mean((model(xtr[idx]) - ytr[idx]) ** 2)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        opt.step()
        done = step + 1
        if done % cfg.eval_every == 0 or done == steps:
            v = float(torch.mean((_predict(model, xva) - yva) ** 2))
            if not math.isfinite(v):
                break
            hs.append(done)
            hv.append(v)
            if v < best:
                best, best_step, bad = v, done, 0
                best_state = copy.deepcopy(model.state_dict())
            else:
                bad += 1
                if bad >= cfg.patience and done >= cfg.stop_after_frac * steps:
                    break
    wall = time.perf_counter() - t0
    if best_state is not None:
        model.load_state_dict(best_state)
    xte, yte = xs("x_test"), _as_tensor(data["y_test"], dev)
    test = torch.mean((_predict(model, xte) - yte) ** 2, dim=0).double().cpu().numpy()
    val = torch.mean((_predict(model, xva) - yva) ** 2, dim=0).double().cpu().numpy()
    return TrainResult(test.tolist(), val.tolist(), int(best_step), int(done), count_parameters(model), wall,
                       done * bs / max(wall, 1e-9), hs, hv)


def lr_search(arch: str, model_kw: dict, data: dict, cfg: TrainConfig, lrs: Sequence[float]) -> tuple[float, list]:
    """Train once per learning rate; return the one with the lowest mean validation MSE and all results."""
    if len(lrs) < 1:
        raise ValueError("lrs must hold at least one learning rate")
    res = []
    for lr in lrs:
        r = train_regressor(arch, model_kw, data, TrainConfig(**{**cfg.to_dict(), "lr": float(lr)}))
        res.append(r)
    scores = [float(np.mean(r.val_mse)) if np.all(np.isfinite(r.val_mse)) else math.inf for r in res]
    return float(lrs[int(np.argmin(scores))]), res
