"""Training loop: schedule, determinism, learning a known map, early stopping, LR search, bad input."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from nsl.sims.train import TrainConfig, input_scaler, lr_at, lr_search, standardise, train_regressor


def _linear_data(n_train, seed=0, noise=0.0):
    """y = W·x (standardised) on 2×8×8 Gaussian images: a map an FCN must learn well."""
    g = np.random.default_rng(seed)
    W = g.normal(size=(2 * 64, 2)) / math.sqrt(2 * 64)
    out = {}
    for name, n in (("train", n_train), ("val", 256), ("test", 512)):
        x = g.normal(size=(n, 2, 8, 8)).astype(np.float32)
        y = x.reshape(n, -1) @ W + noise * g.normal(size=(n, 2))
        out["x_" + name], out["y_" + name] = x, y.astype(np.float32)
    return out


def test_lr_schedule_warmup_then_cosine():
    total, lr = 1000, 0.1
    assert lr_at(0, total, lr, 0.1) == pytest.approx(lr / 100)
    assert lr_at(99, total, lr, 0.1) == pytest.approx(lr)
    assert lr_at(100 + 450, total, lr, 0.1) == pytest.approx(lr / 2)
    assert lr_at(total, total, lr, 0.1) == pytest.approx(0.0, abs=1e-12)
    assert lr_at(500, total, lr, 0.1, "constant") == lr


def test_standardise():
    y = np.array([[1.0, 10.0], [3.0, 30.0]])
    np.testing.assert_allclose(standardise(y, [2.0, 20.0], [1.0, 10.0]), [[-1, -1], [1, 1]])


def test_input_scaler_centres_pixels_and_scales_channels():
    g = np.random.default_rng(0)
    x = np.empty((50, 2, 4, 4))
    x[:, 0] = 1.0  # a constant channel (the uniform bottom layer of the mz images)
    x[:, 1] = 3.0 + 0.5 * g.normal(size=(50, 4, 4)) + np.arange(16).reshape(4, 4)
    mu, sd = input_scaler(x, "pixel")
    z = (x - mu) / sd
    np.testing.assert_allclose(z[:, 0], 0.0, atol=1e-12)
    np.testing.assert_allclose(z.mean(0), 0.0, atol=1e-12)  # every pixel centred
    assert np.sqrt((z[:, 1] ** 2).mean()) == pytest.approx(1.0)  # channel RMS 1, not per-pixel
    mu_c, sd_c = input_scaler(x, "channel")
    assert mu_c.shape == (1, 2, 1, 1) and mu_c[0, 1, 0, 0] == pytest.approx(x[:, 1].mean())
    mu_n, sd_n = input_scaler(x, "none")
    assert np.all(mu_n == 0) and np.all(sd_n == 1)
    with pytest.raises(ValueError, match="how must be one of"):
        input_scaler(x, "batch")
    with pytest.raises(ValueError, match="input_norm must be one of"):
        TrainConfig(input_norm="batch")


def test_training_is_invariant_to_a_per_channel_affine_map_of_the_inputs():
    # with input standardisation the network sees the same inputs whatever the units of the pixels
    torch.set_num_threads(1)
    data = _linear_data(256)
    moved = {k: (7.0 * v - 2.0 if k.startswith("x_") else v) for k, v in data.items()}
    cfg = TrainConfig(lr=3e-3, batch_size=64, min_steps=30, max_steps=30, eval_every=10, seed=1)
    a = train_regressor("fcn", {"width": 16, "depth": 1}, data, cfg)
    b = train_regressor("fcn", {"width": 16, "depth": 1}, moved, cfg)
    np.testing.assert_allclose(a.test_mse, b.test_mse, rtol=1e-3)
    raw = train_regressor("fcn", {"width": 16, "depth": 1}, moved, TrainConfig(**{**cfg.to_dict(), "input_norm": "none"}))
    assert not np.allclose(raw.test_mse, a.test_mse, rtol=1e-2)


def test_learns_linear_map_and_is_deterministic():
    torch.set_num_threads(1)
    data = _linear_data(2048)
    cfg = TrainConfig(lr=3e-3, batch_size=128, epochs=40, min_steps=300, max_steps=600, eval_every=50, seed=3)
    r1 = train_regressor("fcn", {"width": 64, "depth": 1}, data, cfg)
    # a constant predictor scores the target variance (≈ 1); the learnt map far below it
    var = data["y_test"].var(0)
    assert np.all(np.array(r1.test_mse) < 0.05 * var)
    r2 = train_regressor("fcn", {"width": 64, "depth": 1}, data, cfg)
    assert r1.test_mse == r2.test_mse and r1.history_val == r2.history_val
    r3 = train_regressor("fcn", {"width": 64, "depth": 1}, data, TrainConfig(**{**cfg.to_dict(), "seed": 4}))
    assert r3.test_mse != r1.test_mse


def test_more_data_lowers_test_loss_on_noisy_targets():
    torch.set_num_threads(1)
    cfg = TrainConfig(lr=3e-3, batch_size=64, epochs=60, min_steps=200, max_steps=800, eval_every=50, seed=0)
    small = train_regressor("fcn", {"width": 64, "depth": 1}, _linear_data(64, noise=0.3), cfg)
    large = train_regressor("fcn", {"width": 64, "depth": 1}, _linear_data(2048, noise=0.3), cfg)
    assert np.mean(large.test_mse) < 0.5 * np.mean(small.test_mse)


def test_early_stopping_restores_best_weights():
    torch.set_num_threads(1)
    data = _linear_data(32, noise=1.0)  # tiny noisy set: overfits, validation loss turns up
    cfg = TrainConfig(lr=1e-2, batch_size=32, epochs=1000, min_steps=3000, max_steps=3000, eval_every=20,
                      patience=5, weight_decay=0.0, schedule="constant", seed=0)
    r = train_regressor("fcn", {"width": 256, "depth": 2}, data, cfg)
    assert 2250 <= r.steps < 3000  # stopping is allowed only after stop_after_frac = 0.75 of the schedule
    assert r.best_step == r.history_step[int(np.argmin(r.history_val))]
    assert np.mean(r.val_mse) == pytest.approx(min(r.history_val), rel=1e-5)


def test_lr_search_picks_lowest_validation_loss():
    torch.set_num_threads(1)
    data = _linear_data(512)
    cfg = TrainConfig(batch_size=64, epochs=10, min_steps=100, max_steps=100, eval_every=50, seed=0)
    lr, res = lr_search("fcn", {"width": 32, "depth": 1}, data, cfg, [1e-6, 3e-3])
    assert lr == 3e-3
    assert np.mean(res[1].val_mse) < np.mean(res[0].val_mse)


@pytest.mark.parametrize("kw, name", [(dict(lr=0.0), "lr"), (dict(batch_size=0), "batch_size"),
                                      (dict(warmup_frac=1.0), "warmup_frac"), (dict(schedule="step"), "schedule"),
                                      (dict(device="tpu"), "device"), (dict(stop_after_frac=1.5), "stop_after_frac"), (dict(grad_clip=0.0), "grad_clip"), (dict(min_steps=10, max_steps=5), "min_steps")])
def test_bad_config(kw, name):
    with pytest.raises(ValueError, match=name):
        TrainConfig(**kw)


def test_bad_arch_and_cuda_without_gpu():
    with pytest.raises(ValueError, match="arch"):
        train_regressor("lstm", {"width": 8}, _linear_data(16), TrainConfig())
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="cuda"):
            TrainConfig(device="cuda")


NAN, INF = float("nan"), float("inf")
LR_AT_OK = dict(step=10, total=100, lr=0.1, warmup_frac=0.1, schedule="cosine")


@pytest.mark.parametrize("arg,bad", [
    ("step", -1), ("step", -INF), ("step", 8.7), ("step", "x"), ("step", np.array([1, 2])), ("step", None),
    ("total", 0), ("total", NAN), ("total", INF), ("total", None), ("total", np.ones(3)),
    ("lr", NAN), ("lr", INF), ("lr", -0.1), ("lr", None), ("lr", "x"), ("lr", np.array([1.0, NAN])),
    ("warmup_frac", 1.0), ("warmup_frac", NAN), ("warmup_frac", -INF), ("warmup_frac", None),
    ("schedule", "linear"), ("schedule", np.array([1.0, 2.0])), ("schedule", None),
])
def test_lr_at_refuses_bad_arguments_naming_them(arg, bad):
    kw = {**LR_AT_OK, arg: bad}
    with pytest.raises((ValueError, TypeError), match=rf"\b{arg}\b"):
        lr_at(**kw)


def test_lr_at_past_the_end_stays_at_zero():
    assert lr_at(250, 100, 0.1, 0.1) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("arg,bad", [
    ("y", None), ("y", NAN), ("y", np.array([[1.0], [INF]])), ("y", "x"), ("y", [[1, 2], [3]]),
    ("mean", NAN), ("mean", None), ("mean", "x"), ("mean", np.ones((2, 2, 2))), ("mean", [0.0, 1.0, 2.0]),
    ("std", 0.0), ("std", NAN), ("std", [-1.0]), ("std", None), ("std", np.ones((2, 2, 2))), ("std", [[1, 2], [3]]),
])
def test_standardise_refuses_bad_arguments_naming_them(arg, bad):
    kw = {"y": np.ones((3, 1)), "mean": [0.0], "std": [1.0], arg: bad}
    with pytest.raises((ValueError, TypeError), match=rf"\b{arg}\b"):
        standardise(**kw)


@pytest.mark.parametrize("arg,bad", [
    ("x_train", "x"), ("x_train", [[1, 2], [3]]), ("x_train", np.full((2, 1, 4, 4), NAN)), ("x_train", np.ones(3)),
    ("how", np.array([1.0, 2.0])), ("how", "zscore"), ("how", None),
])
def test_input_scaler_refuses_bad_arguments_naming_them(arg, bad):
    kw = {"x_train": np.random.default_rng(0).standard_normal((10, 1, 4, 4)), "how": "pixel", arg: bad}
    with pytest.raises((ValueError, TypeError), match=rf"\b{arg}\b"):
        input_scaler(**kw)
